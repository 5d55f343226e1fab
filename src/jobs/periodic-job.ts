// A background job: a pass every `intervalMs`, one pass at a time, backing off while its storage
// fails (backoff.ts). What a pass does is a domain service's business; this is only when.
//   tick()  what the timer does: nothing while a pass is queued or running (that pass will see the
//           same time), nor during a pause of the backoff;
//   run()   an explicit pass, at once (the simulator's clock, tests), after any pass under way, so
//           it reads the clock after whoever asked for it moved it.
// A pass never throws out of here: a failure goes to the backoff, which logs it.

import type { Logger } from '../common/logger.js';
import { Backoff } from './backoff.js';
import { PassQueue } from './pass-queue.js';

export interface PeriodicJobOptions {
  /** Names the job in its log lines. */
  name: string;
  intervalMs: number;
  /** Runs a pass as soon as the job starts (a server that never stays up for an interval still does the work). */
  runAtStart?: boolean;
}

export class PeriodicJob {
  #timer: NodeJS.Timeout | null = null;
  readonly #passes = new PassQueue();
  readonly #backoff: Backoff;

  constructor(
    private readonly options: PeriodicJobOptions,
    /** One pass; `stopping()` tells a pass that works in batches to leave the rest for later. */
    private readonly pass: (stopping: () => boolean) => Promise<void>,
    log: Logger,
  ) {
    this.#backoff = new Backoff({ job: options.name, log });
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => void this.tick(), this.options.intervalMs).unref();
    if (this.options.runAtStart) void this.run();
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#passes.settled();
  }

  tick(): Promise<void> {
    return !this.#passes.busy && this.#backoff.ready() ? this.run() : Promise.resolve();
  }

  run(): Promise<void> {
    return this.#passes.enqueue(async () => {
      try {
        await this.pass(() => this.#timer === null);
        this.#backoff.succeeded();
      } catch (err) {
        // A database outage must not kill the process; a later pass tries again.
        this.#backoff.failed(err);
      }
    });
  }
}
