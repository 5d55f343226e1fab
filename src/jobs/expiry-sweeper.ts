// Closes sessions whose expiry has passed and frees their numbers. Reads already show them
// closed (sessions.expiry.ts `asOf`); this job writes it down so the state is durable and the
// numbers can be chosen again. It also forgets Idempotency-Keys past their lifetime.
// While the storage fails, timer ticks back off (backoff.ts); explicit sweeps still run.

import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../common/clock.js';
import type { Transactions } from '../db/database.js';
import { purgeExpiredKeys } from '../idempotency/idempotency.repository.js';
import { release } from '../pool/pool.repository.js';
import { closeExpiredSessions } from '../resources/sessions/sessions.repository.js';
import { Backoff } from './backoff.js';
import { PassQueue } from './pass-queue.js';
import type { Db } from '../db/unit-of-work.js';

const BATCH = 500;

export class ExpirySweeper {
  #timer: NodeJS.Timeout | null = null;
  readonly #passes = new PassQueue();
  readonly #backoff: Backoff;

  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly log: FastifyBaseLogger,
  ) {
    this.#backoff = new Backoff({ job: 'expiry sweep', log });
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.tick(), this.intervalMs).unref();
  }

  /**
   * What the timer does. A tick while a pass is queued or running adds nothing (that pass will see
   * the same time), nor does one while the storage is failing and the job backs off.
   */
  tick(): Promise<void> {
    return !this.#passes.busy && this.#backoff.ready() ? this.sweep() : Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#passes.settled();
  }

  /**
   * A pass that starts after any pass under way, so it reads the clock after the caller's change
   * (the simulator clock awaits this after moving time forward).
   */
  sweep(): Promise<void> {
    return this.#passes.enqueue(() => this.#closeAllDue());
  }

  async #closeAllDue(): Promise<void> {
    try {
      const now = this.clock.now();
      let closed: string[];
      do {
        // Closing and releasing the numbers is one transaction: no number stays held by a closed session.
        closed = await this.transactions.run(async (uow) => {
          const sids = await closeExpiredSessions(uow, now, BATCH);
          await release(uow, { sessionSids: sids });
          return sids;
        });
        if (closed.length > 0) this.log.info({ count: closed.length }, 'closed expired sessions');
      } while (closed.length === BATCH && this.#timer !== null);
      await purgeExpiredKeys(this.db, now);
      this.#backoff.succeeded();
    } catch (err) {
      // A database outage must not kill the process; a later tick tries again.
      this.#backoff.failed(err);
    }
  }
}
