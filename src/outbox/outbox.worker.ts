// Runs outbox jobs: claims the due ones, runs each outside any transaction, records success or
// schedules a retry with exponential backoff (1 s, 2 s, 4 s … capped at an hour) until the job's
// attempts are used up. Jobs survive a restart: a claim expires and the job is due again.
// Delivery is at least once: a job whose outcome was not recorded (a crash) runs again.

import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database, OutboxRow } from '../db/schema.js';
import type { OutboxKind } from './outbox.repository.js';
import { claimDue, giveUp, markDone, purgeFinished, scheduleRetry } from './outbox.repository.js';

/** Runs one job; throws to have it retried. `lastAttempt`: no retry follows a failure of this one. */
export type JobHandler = (payload: any, job: OutboxRow, attempt: { lastAttempt: boolean }) => Promise<void>;

/** A failure that retrying cannot fix (the job is given up at once). */
export class PermanentFailure extends Error {}

const BATCH = 50;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 3_600_000;
const KEEP_FINISHED_MS = 24 * 3_600_000;

export interface OutboxOptions {
  pollMs: number;
  maxAttempts: number;
  /** How long a claimed job stays claimed: longer than any one delivery may take. */
  claimMs: number;
}

export class OutboxWorker {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #lastPurge = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly handlers: Record<OutboxKind, JobHandler>,
    private readonly options: OutboxOptions,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => this.kick(), this.options.pollMs).unref();
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** Looks for due work now (called after a commit that enqueued some). */
  kick(): void {
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain().finally(() => {
      this.#running = null;
      if (this.#again && this.#timer !== null) {
        this.#again = false;
        this.kick();
      }
    });
  }

  /** Runs everything due now and waits for it (tests, and the simulator clock). */
  async drain(): Promise<void> {
    while (this.#running !== null) await this.#running;
    this.#running = this.#drain().finally(() => {
      this.#running = null;
    });
    await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      let jobs: OutboxRow[];
      do {
        jobs = await claimDue(this.db, this.clock.now(), BATCH, this.options.claimMs);
        await Promise.all(jobs.map((job) => this.#run(job)));
      } while (jobs.length === BATCH);
      await this.#purge();
    } catch (err) {
      this.log.warn({ err }, 'outbox pass failed');
    }
  }

  async #run(job: OutboxRow): Promise<void> {
    const handler = this.handlers[job.kind as OutboxKind];
    try {
      if (handler === undefined) throw new PermanentFailure(`no handler for ${job.kind}`);
      await handler(JSON.parse(job.payload), job, { lastAttempt: job.attempts >= this.options.maxAttempts });
      await markDone(this.db, job.sid, this.clock.now());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const now = this.clock.now();
      if (err instanceof PermanentFailure || job.attempts >= this.options.maxAttempts) {
        this.log.warn({ job: job.sid, kind: job.kind, attempts: job.attempts, error: message }, 'outbox job given up');
        await giveUp(this.db, job.sid, message, now);
        return;
      }
      const delay = Math.min(BACKOFF_BASE_MS * 2 ** (job.attempts - 1), BACKOFF_MAX_MS);
      this.log.info({ job: job.sid, kind: job.kind, attempts: job.attempts, retryInMs: delay, error: message }, 'outbox job will be retried');
      await scheduleRetry(this.db, job.sid, now + delay, message, now);
    }
  }

  async #purge(): Promise<void> {
    const now = this.clock.now();
    if (now - this.#lastPurge < 60_000) return;
    this.#lastPurge = now;
    await purgeFinished(this.db, now - KEEP_FINISHED_MS);
  }
}
