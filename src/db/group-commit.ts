// SQLite runs one write transaction at a time, and each commit writes and waits for its own WAL
// frames. Under load, transactions queue up anyway; group commit runs the queued ones together in
// one transaction, each inside a savepoint of its own, and commits once. A unit that fails is
// rolled back to its savepoint and fails alone; if the commit fails, every unit of the batch does.
// A unit's promise settles only after the commit, so nobody hears "done" before it is durable.

import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { settle } from './commit-with.js';
import type { Outcome } from './commit-with.js';
import type { Database } from './schema.js';

type Work<T> = (trx: Kysely<Database>) => Promise<Outcome<T>>;

interface Unit {
  work: Work<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** More would make one unit's wait for the commit long; fewer would lose the point. */
const MAX_BATCH = 64;

export class GroupCommitter {
  readonly #queue: Unit[] = [];
  #running = false;

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#running) {
        this.#running = true;
        // Start on the next turn of the event loop, so requests that arrived together all join.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      const settled: Array<() => void> = [];
      try {
        await this.db.transaction().execute(async (trx) => {
          for (const unit of batch) {
            await sql`savepoint unit`.execute(trx);
            try {
              const value = await settle(await unit.work(trx));
              await sql`release unit`.execute(trx);
              settled.push(() => unit.resolve(value));
            } catch (error) {
              await sql`rollback to unit`.execute(trx);
              await sql`release unit`.execute(trx);
              settled.push(() => unit.reject(error));
            }
          }
        });
        for (const settle of settled) settle();
      } catch (error) {
        for (const unit of batch) unit.reject(error);
      }
    }
    this.#running = false;
  }
}
