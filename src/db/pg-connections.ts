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

import type { Writable } from 'node:stream';
import { Kysely } from 'kysely';
import type { CompiledQuery, DatabaseConnection, PostgresDialect, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { CommitWith } from './commit-with.js';
import type { Outcome } from './commit-with.js';
import { isDatabaseUnavailable } from './constraint-errors.js';
import { together } from './together.js';
import type { Database } from './schema.js';

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

function guard(client: pg.PoolClient, onFailure: (err: unknown) => void): PostgresPoolClient {
  let failure: Error | undefined;
  const batchWrites = writesOfOneTick(client);
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
  };
}

/**
 * pg writes each pipelined statement to the socket as it is issued: one system call, and one wake-up
 * of the PostgreSQL backend, per statement. Holding the socket corked until the current tick's
 * promise jobs have run sends the statements a unit issued together in one write. (`connection.stream`
 * is pg's socket; pg corks around each statement itself, and corks nest.)
 */
function writesOfOneTick(client: pg.PoolClient): () => void {
  const socket = (client as unknown as { connection: { stream: Writable } }).connection.stream;
  let corked = false;
  return () => {
    if (corked) return;
    corked = true;
    socket.cork();
    process.nextTick(() => {
      corked = false;
      socket.uncork();
    });
  };
}

/**
 * PostgreSQL transactions with their statements pipelined (the pool's clients run in pg's pipeline
 * mode): BEGIN goes out together with the first statement, and statements a unit of work issues
 * together (`db/together.ts`) share one round trip instead of taking one each. PostgreSQL still runs
 * them one after another, in the order they were issued. Kysely's own transactions wait for each
 * statement before sending the next, and on a small machine the round trips, not the statements,
 * set the pace (routing a message went from seven round trips to three).
 */
export function pipelinedTransactions(db: Kysely<Database>, dialect: PostgresDialect, pool: PostgresPool) {
  // Kysely wants a driver among a database's parts; a transaction's is never used.
  const driver = dialect.createDriver();
  return async function run<T>(work: (trx: Kysely<Database>) => Promise<Outcome<T>>): Promise<T> {
    const client = await pool.connect();
    const connection: DatabaseConnection = {
      executeQuery: async <R>(query: CompiledQuery) => {
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
    const begin = client.query('begin', []);
    begin.catch(() => {}); // awaited below; this only keeps a failure from counting as unhandled meanwhile
    try {
      const outcome = await work(trx);
      if (!(outcome instanceof CommitWith)) {
        await begin;
        await client.query('commit', []);
        return outcome;
      }
      // COMMIT leaves in the same write as the unit's last statements (db/commit-with.ts).
      const [, , commit] = await together([begin, outcome.statements, client.query('commit', [])]);
      // A failed statement fails the transaction, which PostgreSQL then ends with a rollback.
      if ((commit as { command: string }).command !== 'COMMIT') throw new Error('PostgreSQL rolled the transaction back at COMMIT');
      return outcome.result;
    } catch (err) {
      await client.query('rollback', []).catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  };
}
