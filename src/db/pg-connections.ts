// The PostgreSQL pool as Kysely sees it, with two things pg's pool lacks, and transactions that
// pipeline their statements (pipelinedTransactions, at the end).
//
// 1. Named prepared statements. Parley sends the same few dozen statements over and over; named,
// each connection has PostgreSQL parse and plan one once instead of on every execution (pg keeps
// track of what each connection has prepared). Texts without parameters (BEGIN, COMMIT) stay on
// the one-message simple protocol. Past MAX_NAMED distinct texts (an IN list of every length, say)
// the rest go unnamed, so memory on both sides stays bounded.
//
// 2. A connection that failed below SQL (a query that timed out, a socket that broke) is never
// used again.
//
// Why: after pg's query_timeout the statement is still in flight on that connection, and so is its
// transaction. Handed out again, the connection would queue every later query behind the stuck one
// (each timing out in turn), and once the network healed, the next request's COMMIT would commit the
// abandoned transaction's first half. So the first such failure poisons the connection: later
// queries on it (Kysely's ROLLBACK) fail at once instead of waiting out another timeout, and on
// release pg's pool closes it and opens a fresh one for the next request. The server rolls back
// whatever the closed connection left open. A storage fault (disk full, a read-only transaction)
// retires the connection too: one that answered "read-only" may be a session of a server that has
// become a standby, or one that started while the database was read-only, and stays so for life.
//
// Every failure is also reported (onFailure), so storage-health.ts knows when writes fail.

import { channel } from 'node:diagnostics_channel';
import type { Writable } from 'node:stream';
import { Kysely, sql } from 'kysely';
import type { CompiledQuery, DatabaseConnection, PostgresDialect, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { isDatabaseUnavailable } from './constraint-errors.js';
import type { Database } from './schema.js';
import { StatementLog } from './unit-of-work.js';
import type { UnitOfWork } from './unit-of-work.js';

export function discardingBrokenConnections(pool: pg.Pool, onFailure: (err: unknown) => void): PostgresPool {
  return {
    connect: async () => {
      try {
        return guard(await pool.connect(), onFailure);
      } catch (err) {
        onFailure(err);
        throw err;
      }
    },
    end: () => pool.end(),
  };
}

const MAX_NAMED = 1000;
const statementNames = new Map<string, string>();

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED) {
    name = `parley_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return name;
}

/** A pooled client, guarded; `flushes` counts the socket writes it made (round trips, in a transaction). */
type GuardedClient = PostgresPoolClient & { flushes(): number };

function guard(client: pg.PoolClient, onFailure: (err: unknown) => void): GuardedClient {
  let failure: Error | undefined;
  const { batchWrites, flushes } = writesOfOneTick(client);
  const query = async (text: string, parameters: ReadonlyArray<unknown>) => {
    if (failure !== undefined) throw failure;
    batchWrites();
    try {
      if (parameters.length === 0) return await client.query(text);
      return await client.query({ name: statementName(text), text, values: parameters as unknown[] });
    } catch (err) {
      onFailure(err);
      // SQL errors (a constraint, a deadlock) leave the connection sound; outages and storage faults do not.
      if (isDatabaseUnavailable(err)) failure = err as Error;
      throw err;
    }
  };
  return {
    // Parley never reads through cursors, so only the (sql, parameters) form is needed.
    query: query as unknown as PostgresPoolClient['query'],
    // A truthy argument makes pg's pool destroy the client rather than keep it.
    release: () => client.release(failure),
    flushes,
  };
}

/**
 * pg writes each pipelined statement to the socket as it is issued: one system call, and one wake-up
 * of the PostgreSQL backend, per statement. Holding the socket corked until the current tick's
 * promise jobs have run sends the statements a unit issued together in one write. (`connection.stream`
 * is pg's socket; pg corks around each statement itself, and corks nest.)
 */
function writesOfOneTick(client: pg.PoolClient): { batchWrites: () => void; flushes: () => number } {
  const socket = (client as unknown as { connection: { stream: Writable } }).connection.stream;
  let corked = false;
  let flushes = 0;
  const batchWrites = () => {
    if (corked) return;
    corked = true;
    flushes++;
    socket.cork();
    process.nextTick(() => {
      corked = false;
      socket.uncork();
    });
  };
  return { batchWrites, flushes: () => flushes };
}

/**
 * Each unit's round trips (the socket writes its transaction made, COMMIT included) and its
 * statements, for tests and diagnostics that subscribe; nothing is gathered while nobody does.
 */
export const unitChannel = channel('parley:db:unit');

export interface UnitReport {
  roundTrips: number;
  statements: string[];
}

/**
 * PostgreSQL transactions with their statements pipelined (the pool's clients run in pg's pipeline
 * mode), run as units of work (db/unit-of-work.ts): BEGIN goes out with the first statement, the
 * statements a unit writes one after another leave in one socket write and share one round trip,
 * and COMMIT leaves right behind the last of them. PostgreSQL still runs them in the order issued.
 * Kysely's own transactions wait for each statement before sending the next, and on a small machine
 * the round trips, not the statements, set the pace (routing a message went from seven to three).
 */
export function pipelinedTransactions(db: Kysely<Database>, dialect: PostgresDialect, pool: PostgresPool) {
  // Kysely wants a driver among a database's parts; a transaction's is never used.
  const driver = dialect.createDriver();
  return async function run<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    const client = (await pool.connect()) as GuardedClient;
    const flushesBefore = client.flushes();
    const statements: string[] | null = unitChannel.hasSubscribers ? [] : null;
    const connection: DatabaseConnection = {
      executeQuery: async <R>(query: CompiledQuery) => {
        statements?.push(query.sql);
        const { command, rowCount, rows } = (await client.query<R>(query.sql, query.parameters)) as PostgresQueryResult<R>;
        const writes = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
        return { rows: rows ?? [], numAffectedRows: writes ? BigInt(rowCount) : undefined };
      },
      streamQuery: () => {
        throw new Error('Parley does not stream query results');
      },
    };
    const executor = db.getExecutor().withConnectionProvider({ provideConnection: (consume) => consume(connection) });
    const trx = new Kysely<Database>({ config: { dialect }, dialect, driver, executor });
    const uow = new StatementLog(trx, (keys) => advisoryLocks(keys).compile(trx));
    const begin = client.query('begin', []);
    begin.catch(() => {}); // settled below; this only keeps a failure from counting as unhandled meanwhile
    try {
      const result = await work(uow);
      // Right behind the unit's last writes, in the same socket write when the unit awaited nothing since.
      const commit = client.query('commit', []);
      commit.catch(() => {});
      await begin;
      await uow.settle();
      // A failed statement fails the transaction, which PostgreSQL then ends with a rollback.
      if (((await commit) as { command: string }).command !== 'COMMIT') throw new Error('PostgreSQL rolled the transaction back at COMMIT');
      if (statements !== null) unitChannel.publish({ roundTrips: client.flushes() - flushesBefore, statements } satisfies UnitReport);
      return result;
    } catch (err) {
      // The rollback must not overtake a statement still on its way: it would run outside the transaction.
      await uow.settle().catch(() => {});
      await client.query('rollback', []).catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  };
}

/** One statement, one round trip: PostgreSQL evaluates the select list left to right. */
function advisoryLocks(keys: string[]) {
  return sql`select ${sql.join(keys.map((key) => sql`pg_advisory_xact_lock(hashtextextended(${key}, 0))`))}`;
}
