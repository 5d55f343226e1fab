// SQLite runs one write transaction at a time, and each commit writes and waits for its own WAL
// frames. Under load, transactions queue up anyway; group commit runs the queued ones together in
// one transaction, each inside a savepoint of its own, and commits once. A unit that fails is
// rolled back to its savepoint and fails alone; if the commit fails, every unit of the batch does.
// A unit's promise settles only after the commit, so nobody hears "done" before it is durable.
//
// A storage fault (SQLITE_FULL, IOERR, BUSY, NOMEM) may make SQLite roll the whole transaction back
// on its own, taking the earlier units' writes and every savepoint with it. Then the unit's error is
// the batch's: every unit fails with it (the original, not the "no such savepoint" that rolling back
// to the savepoint would throw, nor Kysely's "cannot rollback" after that), and the units not yet
// run are not run. So the committer drives BEGIN/COMMIT itself, and asks SQLite whether the
// transaction is still open instead of assuming so.

import type { Kysely } from 'kysely';
import { CompiledQuery } from 'kysely';
import type { Database } from './schema.js';
import { StatementLog } from './unit-of-work.js';
import type { Runner, UnitOfWork } from './unit-of-work.js';

type Work<T> = (uow: UnitOfWork) => Promise<T>;

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

  constructor(
    private readonly db: Kysely<Database>,
    /** Whether the connection is inside a transaction right now (better-sqlite3's `inTransaction`). */
    private readonly inTransaction: () => boolean,
    /** How the batch's statements run on the connection it holds (sqlite-statements.ts directRunner). */
    private readonly runStatement: Runner,
  ) {}

  /** For GET /metrics: whether a batch holds the connection now, and the units waiting for the next one. */
  load(): { busy: boolean; queued: number } {
    return { busy: this.#running, queued: this.#queue.length };
  }

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
      try {
        const settled = await this.db.connection().execute((connection) => this.#commit(connection, batch));
        for (const done of settled) done();
      } catch (error) {
        for (const unit of batch) unit.reject(error);
      }
    }
    this.#running = false;
  }

  /** Runs the batch in one transaction; rejects with the error that ended it, rolled back. */
  async #commit(connection: Kysely<Database>, batch: Unit[]): Promise<Array<() => void>> {
    // A batch whose rollback failed left its transaction open: end it before starting another.
    if (this.inTransaction()) await this.#exec(connection, 'rollback');
    const settled: Array<() => void> = [];
    try {
      await this.#exec(connection, 'begin');
      for (const unit of batch) settled.push(await this.#runUnit(connection, unit));
      await this.#exec(connection, 'commit');
      return settled;
    } catch (error) {
      // A failed rollback must not hide why the batch failed.
      if (this.inTransaction()) await this.#exec(connection, 'rollback').catch(() => {});
      throw error;
    }
  }

  #exec(connection: Kysely<Database>, statement: string): Promise<unknown> {
    return this.runStatement(connection, CompiledQuery.raw(statement));
  }

  /** Runs one unit in its savepoint; throws only when the whole transaction is lost. */
  async #runUnit(connection: Kysely<Database>, unit: Unit): Promise<() => void> {
    await this.#exec(connection, 'savepoint unit');
    let value: unknown;
    // No locks: SQLite's one connection runs one write transaction at a time already.
    const uow = new StatementLog(connection, () => null, this.runStatement);
    try {
      value = await unit.work(uow);
      await uow.settle();
    } catch (error) {
      await uow.settle().catch(() => {});
      await this.#rollBackUnit(connection, error);
      return () => unit.reject(error);
    }
    // A unit that caught a storage fault itself would otherwise release a savepoint that is gone.
    if (!this.inTransaction()) throw new Error('SQLite rolled the transaction back on a failure that a unit of work caught');
    await this.#exec(connection, 'release unit');
    return () => unit.resolve(value);
  }

  /** Undoes a failed unit alone, or throws its error when that is impossible (the transaction is lost). */
  async #rollBackUnit(connection: Kysely<Database>, error: unknown): Promise<void> {
    if (!this.inTransaction()) throw error;
    try {
      await this.#exec(connection, 'rollback to unit');
      await this.#exec(connection, 'release unit');
    } catch {
      // The rollback met a storage fault of its own: the batch ends, with the unit's error.
      throw error;
    }
  }
}
