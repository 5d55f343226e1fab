// Runs outbox jobs: claims the due ones, runs each outside any transaction, records success or
// schedules a retry with exponential backoff (1 s, 2 s, 4 s … capped at an hour) until the job's
// attempts are used up. Jobs survive a restart: a claim expires and the job is due again.
// Delivery is at least once: a job whose outcome was not recorded (a crash) runs again.
//
// Deliveries run as a pool, never batch by batch: whenever a slot frees up, a commit kicks the
// worker or the poll timer fires, it claims more due jobs, at most its free slots in all and, for
// each account, that account's free slots; an account at its cap is left out of the claim. So a
// tenant whose receiver hangs for the whole timeout holds only its own slots, and every other
// tenant's callbacks go on. Both caps are per node: N nodes on one database may run N times
// `concurrencyPerAccount` deliveries of one account at once.
//
// A job is due by its account's clock (accounts/account-clocks.ts): a claim looks at every
// account's jobs at real time, then at each account whose clock is ahead at that account's time.
// A claim's lease is real time: an emulator clock's jump does not make a delivery under way look
// abandoned.

import type { Logger } from '../common/logger.js';
import type { AccountClock, Clock, ClockScope, ClockScopes } from '../common/clock.js';
import type { OutboxRow } from '../db/schema.js';
import { Backoff } from '../jobs/backoff.js';
import type { OutboxKind } from './outbox.repository.js';
import { claimDue, giveUp, markDone, scheduleRetry } from './outbox.repository.js';
import type { Db } from '../db/unit-of-work.js';
import { NO_METRICS } from '../metrics/metrics.js';
import type { Metrics } from '../metrics/metrics.js';

/**
 * Runs one job; throws to have it retried. `lastAttempt`: no retry follows a failure of this one.
 * May answer the HTTP status it was answered with (recorded for the callback log).
 */
export type JobHandler = (payload: any, job: OutboxRow, attempt: { lastAttempt: boolean }) => Promise<void | { responseStatus: number }>;

/** A failure that retrying cannot fix (the job is given up at once). */
export class PermanentFailure extends Error {}

/** A failed attempt that got an answer: its HTTP status is recorded beside the error. */
export class AnsweredFailure extends Error {
  constructor(
    message: string,
    readonly responseStatus: number,
  ) {
    super(message);
  }
}

const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 3_600_000;

export interface OutboxOptions {
  pollMs: number;
  maxAttempts: number;
  /** How long a claimed job stays claimed: longer than any one delivery may take. */
  claimMs: number;
  /** Deliveries under way at once on this node, in all and per account. */
  concurrency: number;
  concurrencyPerAccount: number;
}

export class OutboxWorker {
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  readonly #deliveries = new Set<Promise<void>>();
  readonly #perAccount = new Map<string, number>();
  /** Claims run one at a time: the last one started or queued, and the queued one, which callers join. */
  #claims: Promise<number> = Promise.resolve(0);
  #queued: Promise<number> | null = null;
  readonly #backoff: Backoff;
  /** Resolved by abandon(): stop() waits no longer for the deliveries under way. */
  #abandon!: () => void;
  readonly #abandoned = new Promise<void>((resolve) => (this.#abandon = resolve));

  constructor(
    private readonly db: Db,
    /** Real time, for claims. */
    private readonly realTime: Clock,
    /** Each account's time, for when its jobs are due. */
    private readonly clocks: AccountClock & ClockScopes,
    private readonly handlers: Record<OutboxKind, JobHandler>,
    private readonly options: OutboxOptions,
    private readonly log: Logger,
    /** Counts each attempt's recorded outcome (GET /metrics). */
    private readonly metrics: Metrics = NO_METRICS,
  ) {
    this.#backoff = new Backoff({ job: 'outbox worker', log });
  }

  start(): void {
    this.#timer ??= setInterval(() => this.#refill(), this.options.pollMs).unref();
  }

  /** Claims nothing more, and waits for the deliveries under way (and for their outcomes to be written). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await Promise.race([this.#claims, this.#abandoned]);
    await Promise.race([Promise.all(this.#deliveries), this.#abandoned]);
  }

  /** Deliveries under way on this node. */
  get inFlight(): number {
    return this.#deliveries.size;
  }

  /**
   * Stops waiting for the deliveries under way (the shutdown ran out of time); answers how many
   * were left. Each of them runs again once its claim expires: delivery is at least once.
   */
  abandon(): number {
    this.#stopped = true;
    this.#abandon();
    return this.#deliveries.size;
  }

  /** Looks for due work now (called after a commit that enqueued some). */
  kick(): void {
    void this.#claim();
  }

  /** Runs everything due now and waits for it (tests, and the simulator clock), backing off or not. */
  async drain(): Promise<void> {
    for (;;) {
      const started = await this.#claim();
      if (started === 0 && this.#deliveries.size === 0) return;
      if (this.#deliveries.size > 0) await Promise.race(this.#deliveries);
    }
  }

  /** What the timer and a freed slot do: claim, unless the storage is failing and this is a pause. */
  #refill(): void {
    if (this.#backoff.ready()) void this.#claim();
  }

  /** A claim that starts after the one under way, so it reads the clock after the caller's change. */
  #claim(): Promise<number> {
    if (this.#queued === null) {
      const next = this.#claims.then(() => {
        this.#queued = null;
        return this.#fill();
      });
      this.#queued = next;
      this.#claims = next;
    }
    return this.#queued;
  }

  /** Claims due jobs into the free slots and starts them, in each clock's scope; returns how many it started. */
  async #fill(): Promise<number> {
    // Stopped: a delivery that ends, or a commit's kick, must not read the clocks of a closing database.
    if (this.#stopped) return 0;
    let scopes: ClockScope[];
    try {
      scopes = await this.clocks.scopes();
    } catch (err) {
      // A failure only: that a read worked says nothing of whether the storage takes writes again.
      this.#backoff.failed(err);
      return 0;
    }
    let started = 0;
    for (const scope of scopes) started += await this.#fillFrom(scope);
    return started;
  }

  async #fillFrom(due: ClockScope): Promise<number> {
    let started = 0;
    for (;;) {
      const limit = this.options.concurrency - this.#deliveries.size;
      if (this.#stopped || limit <= 0) return started;
      const request = {
        now: this.realTime.now(),
        due,
        lockMs: this.options.claimMs,
        limit,
        perAccount: this.options.concurrencyPerAccount,
        inFlight: this.#perAccount,
      };
      const claim = await this.#storage(() => claimDue(this.db, request));
      if (claim === undefined) return started;
      for (const job of claim.jobs) this.#start(job);
      started += claim.jobs.length;
      if (!claim.more) return started;
    }
  }

  #start(job: OutboxRow): void {
    const account = job.account_sid;
    this.#perAccount.set(account, (this.#perAccount.get(account) ?? 0) + 1);
    const delivery = this.#run(job).finally(() => {
      const left = this.#perAccount.get(account)! - 1;
      if (left === 0) this.#perAccount.delete(account);
      else this.#perAccount.set(account, left);
      this.#deliveries.delete(delivery);
      this.#refill();
    });
    this.#deliveries.add(delivery);
  }

  async #run(job: OutboxRow): Promise<void> {
    let failure: { err: unknown } | null = null;
    let responseStatus: number | null = null;
    try {
      const handler = this.handlers[job.kind as OutboxKind];
      if (handler === undefined) throw new PermanentFailure(`no handler for ${job.kind}`);
      const answer = await handler(JSON.parse(job.payload), job, { lastAttempt: job.attempts >= this.options.maxAttempts });
      responseStatus = answer?.responseStatus ?? null;
    } catch (err) {
      failure = { err };
    }
    // If the outcome cannot be written, the claim runs out and the job runs again (at least once).
    await this.#storage(() => this.#record(job, failure, responseStatus));
  }

  async #record(job: OutboxRow, failure: { err: unknown } | null, responseStatus: number | null): Promise<void> {
    const now = this.clocks.now(job.account_sid);
    if (failure === null) {
      await markDone(this.db, job.sid, now, responseStatus);
      return this.metrics.delivery(job.kind, 'delivered');
    }
    const { err } = failure;
    const message = err instanceof Error ? err.message : String(err);
    const outcome = { error: message, responseStatus: err instanceof AnsweredFailure ? err.responseStatus : null };
    if (err instanceof PermanentFailure || job.attempts >= this.options.maxAttempts) {
      this.log.warn({ job: job.sid, kind: job.kind, attempts: job.attempts, error: message }, 'outbox job given up');
      await giveUp(this.db, job.sid, outcome, now);
      return this.metrics.delivery(job.kind, 'failed');
    }
    const delay = Math.min(RETRY_BASE_MS * 2 ** (job.attempts - 1), RETRY_MAX_MS);
    this.log.info({ job: job.sid, kind: job.kind, attempts: job.attempts, retryInMs: delay, error: message }, 'outbox job will be retried');
    await scheduleRetry(this.db, job.sid, now + delay, outcome, now);
    this.metrics.delivery(job.kind, 'retried');
  }

  /** Runs a statement of the worker's own; a failure is the storage's, reported through the backoff. */
  async #storage<T>(statement: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await statement();
      this.#backoff.succeeded();
      return result;
    } catch (err) {
      this.#backoff.failed(err);
      return undefined;
    }
  }
}
