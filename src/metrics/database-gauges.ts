// The gauges read from the database (sessions by status, the pool, the outbox backlog), taken
// together at most once per `cacheMs`: a scrape within it, or a storm of scrapes, is answered
// from the last reading, and concurrent scrapes share the one under way. They describe the
// database, so every node of one database reports the same values (aggregate them with max(),
// not sum(): docs/metrics.md).

import type { Clock } from '../common/clock.js';
import type { Db } from '../db/unit-of-work.js';
import { outboxBacklog, poolCounts } from './gauges.repository.js';
import type { OutboxBacklog, PoolCount } from './gauges.repository.js';
import { sessionCounts } from './session-counts.repository.js';
import type { StatusCount } from './session-counts.repository.js';

export interface Reading {
  /** When it was taken (the app's real-time clock). */
  at: number;
  sessions: StatusCount[];
  pool: PoolCount[];
  outbox: OutboxBacklog;
}

export class DatabaseGauges {
  #reading: Promise<Reading | null> | null = null;
  #takenAt = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly perService: boolean,
    private readonly cacheMs: number,
    /** A reading failed (the database is down): the scrape answers without these gauges. */
    private readonly failed: (err: unknown) => void,
  ) {}

  /** The last reading if fresh enough, else a new one; null when the database could not be read. */
  read(): Promise<Reading | null> {
    const now = this.clock.now();
    if (this.#reading === null || now - this.#takenAt >= this.cacheMs || now < this.#takenAt) {
      this.#takenAt = now;
      this.#reading = this.#take(now);
    }
    return this.#reading;
  }

  async #take(at: number): Promise<Reading | null> {
    try {
      const [sessions, pool, outbox] = await Promise.all([
        sessionCounts(this.db, this.perService),
        poolCounts(this.db, this.perService),
        outboxBacklog(this.db),
      ]);
      return { at, sessions, pool, outbox };
    } catch (err) {
      this.failed(err);
      // The next scrape tries again rather than repeating the failure for cacheMs.
      this.#reading = null;
      return null;
    }
  }
}
