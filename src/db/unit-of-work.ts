// How the domain and the repositories talk to the database: `Db`, two calls.
//   read(query)   runs the query and answers its rows; awaited.
//   write(query)  issues the statement at once, in order, and answers its result.
// Outside a transaction both run at once on the pool (`autocommit`). Inside one
// (`transactions.run(async (uow) => …)`) a unit of work needs nobody to await its writes: they are
// issued in the order written, the runner settles every one of them in that order and reports the
// first failure, and a read reports an earlier write's failure before its own. So a unit reads as
// straight-line code, and on PostgreSQL statements written one after another leave together and
// the COMMIT leaves right behind the last write (db/pg-connections.ts): round trips are spent only
// where the unit waits for an answer. A unit awaits a write only when it needs the write's result
// (did the UPDATE match a row?); a constraint violation that means something to the API is mapped
// where it is written (`refusal`), so the unit need not wait for it either.

import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A Kysely builder, or a query compiled ahead (db/prepared.ts). */
export type Query<R> = Compilable<R> | CompiledQuery<R>;

/** Turns a write's failure into the error the API answers with, or leaves it (undefined). */
export type Refusal = (err: unknown) => Error | undefined;

export interface Written<R> {
  rows: R[];
  /** Rows inserted, updated or deleted. */
  count: number;
}

export interface Db {
  /** Builds queries; they run through read() and write(), never by executing the builder. */
  readonly sql: Kysely<Database>;
  read<R>(query: Query<R>): Promise<R[]>;
  write<R>(query: Query<R>, refusal?: Refusal): Promise<Written<R>>;
}

export interface UnitOfWork extends Db {
  /**
   * Holds each key, in the order given, until the unit ends, so units using the same key run one
   * after another (PostgreSQL advisory locks; SQLite needs none: it runs one writer at a time).
   * Issued like a write: a later read waits for it.
   */
  lock(...keys: string[]): void;
}

/** The first row, if any (a lookup by key). */
export function first<R>(rows: R[]): R | undefined {
  return rows[0];
}

/** How a Db runs its statements: Kysely's executor (runQuery), or an engine's own faster way. */
export type Runner = <R>(sql: Kysely<Database>, query: Query<R>) => Promise<Written<R>>;

export async function runQuery<R>(sql: Kysely<Database>, query: Query<R>): Promise<Written<R>> {
  const result = await sql.executeQuery<R>(query);
  // better-sqlite3 reports no count for a statement that returns rows (RETURNING): its rows are the count.
  return { rows: result.rows, count: result.numAffectedRows === undefined ? result.rows.length : Number(result.numAffectedRows) };
}

/** Statements outside any transaction: each runs on its own, at once. */
export function autocommit(sql: Kysely<Database>, run: Runner = runQuery): Db {
  return {
    sql,
    read: async (query) => (await run(sql, query)).rows,
    write: async (query, refusal) => {
      try {
        return await run(sql, query);
      } catch (err) {
        throw refusal?.(err) ?? err;
      }
    },
  };
}

/**
 * The unit of work a transaction runner hands out. `sql` is bound to the transaction's connection;
 * `lockQuery` compiles the engine's lock statement (null: the engine needs none).
 */
export class StatementLog implements UnitOfWork {
  readonly #writes: Array<Promise<unknown>> = [];

  constructor(
    readonly sql: Kysely<Database>,
    private readonly lockQuery: (keys: string[]) => Query<unknown> | null,
    private readonly run: Runner = runQuery,
  ) {}

  write<R>(query: Query<R>, refusal?: Refusal): Promise<Written<R>> {
    const written = this.run(this.sql, query).catch((err: unknown) => {
      throw refusal?.(err) ?? err;
    });
    // Settled by the runner (settle()); this only keeps a failure from counting as unhandled meanwhile.
    written.catch(() => {});
    this.#writes.push(written);
    return written;
  }

  async read<R>(query: Query<R>): Promise<R[]> {
    const earlier = this.#writes.slice();
    const own = this.run(this.sql, query);
    // On PostgreSQL an earlier failure aborts the transaction and this read fails for that reason
    // alone; the earlier failure is the one to report.
    const [ownOutcome, ...earlierOutcomes] = await Promise.allSettled([own, ...earlier]);
    for (const outcome of earlierOutcomes) if (outcome.status === 'rejected') throw outcome.reason;
    if (ownOutcome!.status === 'rejected') throw ownOutcome!.reason;
    return ownOutcome!.value.rows;
  }

  lock(...keys: string[]): void {
    const statement = keys.length === 0 ? null : this.lockQuery(keys);
    if (statement !== null) void this.write(statement);
  }

  /** Waits for every write issued so far; rejects with the first failure, in issue order. */
  async settle(): Promise<void> {
    const outcomes = await Promise.allSettled(this.#writes);
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  }
}
