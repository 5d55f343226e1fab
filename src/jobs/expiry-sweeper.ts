// Closes sessions whose expiry has passed. Reads already show them closed (sessions.expiry.ts
// `asOf`); this job writes it down so the state is durable and indexes stay small.

import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import { closeExpiredSessions } from '../resources/sessions/sessions.repository.js';

const BATCH = 500;

export class ExpirySweeper {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => void this.sweep(), this.intervalMs).unref();
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** One pass; overlapping ticks wait for the pass under way instead of starting another. */
  sweep(): Promise<void> {
    this.#running ??= this.#closeAllDue().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #closeAllDue(): Promise<void> {
    try {
      const now = this.clock.now();
      let closed: string[];
      do {
        closed = await closeExpiredSessions(this.db, now, BATCH);
        if (closed.length > 0) this.log.info({ count: closed.length }, 'closed expired sessions');
      } while (closed.length === BATCH && this.#timer !== null);
    } catch (err) {
      // A database outage must not kill the process; the next tick tries again.
      this.log.warn({ err }, 'expiry sweep failed');
    }
  }
}
