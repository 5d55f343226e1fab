// PARLEY_RETENTION_DAYS: how long Parley keeps what people said. Every hour (and whenever the
// simulator's clock moves) this job clears the bodies of older message interactions, empties the
// simulator's older handset log, and removes delivered or given-up outbox jobs (their payloads
// carry bodies and numbers). The interactions themselves stay, so histories and counts do.
// Whatever the retention, carrier webhook answers go after a day: they only serve retries.
// Work goes in bounded batches, each its own statement: no pass holds a long transaction.

import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../common/clock.js';
import { purgeFinished } from '../outbox/outbox.repository.js';
import { clearMessageBodies, purgeCarrierWebhooks, purgeSimulatorMessages } from '../privacy/retention.repository.js';
import { Backoff } from './backoff.js';
import { PassQueue } from './pass-queue.js';
import type { Db } from '../db/unit-of-work.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Carriers retry an unanswered webhook within hours; a day on, its stored answer serves nobody. */
export const CARRIER_WEBHOOK_KEEP_MS = DAY_MS;
const BATCH = 1000;

export class RetentionJob {
  #timer: NodeJS.Timeout | null = null;
  #stopping = false;
  readonly #passes = new PassQueue();
  readonly #backoff: Backoff;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** 0 keeps bodies, the simulator's log and finished jobs forever. */
    private readonly retentionDays: number,
    private readonly log: FastifyBaseLogger,
    private readonly intervalMs = HOUR_MS,
  ) {
    this.#backoff = new Backoff({ job: 'retention', log });
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#stopping = false;
    this.#timer = setInterval(() => {
      if (!this.#passes.busy && this.#backoff.ready()) void this.run();
    }, this.intervalMs).unref();
    // A server that never stays up for an hour still purges.
    void this.run();
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#stopping = true;
    await this.#passes.settled();
  }

  /** A pass that starts after any pass under way, so it reads the clock after the caller moved it. */
  run(): Promise<void> {
    return this.#passes.enqueue(() => this.#purge());
  }

  async #purge(): Promise<void> {
    try {
      const now = this.clock.now();
      const purged: Record<string, number> = {
        carrierWebhooks: await this.#inBatches((limit) => purgeCarrierWebhooks(this.db, now - CARRIER_WEBHOOK_KEEP_MS, limit)),
      };
      if (this.retentionDays > 0) {
        const before = now - this.retentionDays * DAY_MS;
        Object.assign(purged, {
          messageBodies: await this.#inBatches((limit) => clearMessageBodies(this.db, before, limit)),
          simulatorMessages: await this.#inBatches((limit) => purgeSimulatorMessages(this.db, before, limit)),
          outboxJobs: await this.#inBatches((limit) => purgeFinished(this.db, before, limit)),
        });
      }
      if (Object.values(purged).some((count) => count > 0)) this.log.info(purged, 'retention: purged old data');
      this.#backoff.succeeded();
    } catch (err) {
      // A database outage must not kill the process; a later pass tries again.
      this.#backoff.failed(err);
    }
  }

  /** Batches until one comes back short (or the app is closing). */
  async #inBatches(batch: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    let count: number;
    do {
      count = await batch(BATCH);
      total += count;
    } while (count === BATCH && !this.#stopping);
    return total;
  }
}
