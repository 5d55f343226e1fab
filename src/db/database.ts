// Opens the database named by DATABASE_URL. The only module that knows which engine it is: the
// rest of the code reads and writes through `queries` and `transactions` (db/unit-of-work.ts), the
// same on both engines.

import { createRequire } from 'node:module';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type pgModule from 'pg';
import { discardingBrokenConnections, pipelinedTransactions } from './pg-connections.js';
import { WithoutRowLocks } from './row-locks.js';
import { GroupCommitter } from './group-commit.js';
import { startCheckpointer } from './sqlite-checkpointer.js';
import { createPrivately } from './sqlite-files.js';
import { directRunner, withStatementCache } from './sqlite-statements.js';
import { StorageHealth } from './storage-health.js';
import type { Database } from './schema.js';
import { autocommit } from './unit-of-work.js';
import type { Db, UnitOfWork } from './unit-of-work.js';

export type Engine = 'sqlite' | 'postgres';

/** How the domain writes together: every transaction goes through `run`, which each engine does its way. */
export interface Transactions {
  /**
   * Runs `work` as one unit of work, in a transaction (on SQLite batched with concurrent ones:
   * db/group-commit.ts; on PostgreSQL pipelined: db/pg-connections.ts). It commits once `work` has
   * returned and every write it issued has succeeded; otherwise nothing of it is written.
   */
  run<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T>;
}

export interface DatabaseHandle {
  readonly engine: Engine;
  /** Statements outside any transaction. */
  readonly queries: Db;
  readonly transactions: Transactions;
  /** The Kysely instance itself: for migrations, administration and tests that look at the tables. */
  readonly db: Kysely<Database>;
  /**
   * Runs schema work (migrations, reading the catalogue) with no per-statement timeout: a migration
   * may rightly take minutes (an index over a big table), and on a busy machine even a catalogue
   * query can outlast PARLEY_DB_TIMEOUT_MS, which is meant for requests, not for starting up.
   */
  maintain<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /** How busy its connections are right now (GET /metrics). */
  connections(): ConnectionUse;
  /** Answers whether the database is reachable right now and, after a storage fault, takes writes again. */
  ping(): Promise<boolean>;
  /** Writes a probe row now and deletes it again, committed (db/storage-health.ts): whether the database takes writes. */
  writable(): Promise<boolean>;
  destroy(): Promise<void>;
}

/**
 * PostgreSQL: pg's pool (its size, connections checked out, requests waiting for one). SQLite: its
 * one connection, in use while a group commit runs, and the units of work queued for the next.
 */
export interface ConnectionUse {
  size: number;
  inUse: number;
  waiting: number;
}

export interface DatabaseOptions {
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** PostgreSQL: longest wait for a connection, and for the answer to one query. */
  timeoutMs?: number;
  /** SQLite: checkpoint the WAL from a worker thread (true by default; a short command needs none). */
  checkpoints?: boolean;
}

export function openDatabase(url: string, options: DatabaseOptions = {}): DatabaseHandle {
  return url.startsWith('sqlite:') ? openSqlite(url.slice('sqlite:'.length), options) : openPostgres(url, options);
}

function openSqlite(path: string, options: DatabaseOptions): DatabaseHandle {
  // ':memory:' and '' (a temporary file of SQLite's own) name no file of ours.
  if (path !== ':memory:' && path !== '') createPrivately(path);
  const sqlite = new SQLite(path);
  // WAL lets readers run beside the one writer; synchronous=NORMAL in WAL mode never loses a
  // committed transaction when the process dies, only (rarely) on power loss. See README.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Checkpoints run in a worker thread (sqlite-checkpointer.ts); this connection's own automatic
  // checkpoint, at ~400 MB of WAL, is only a backstop.
  sqlite.pragma('wal_autocheckpoint = 100000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const health = new StorageHealth();
  const database = withStatementCache(sqlite, (err) => health.observe(err));
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }), plugins: [new WithoutRowLocks()] });
  const checkpointer = path === ':memory:' || options.checkpoints === false ? null : startCheckpointer(path);
  const direct = directRunner(database, () => sqlite.inTransaction);
  const committer = new GroupCommitter(db, () => sqlite.inTransaction, direct.inTransaction);
  const transactions: Transactions = { run: (work) => committer.run(work) };
  return {
    engine: 'sqlite',
    queries: autocommit(db, direct.outside),
    db,
    transactions,
    connections: () => {
      const { busy, queued } = committer.load();
      return { size: 1, inUse: busy ? 1 : 0, waiting: queued };
    },
    // One connection, and no statement timeout to lift.
    maintain: (work) => work(db),
    ping: async () => sqlite.open && (await health.check(transactions)),
    writable: async () => sqlite.open && (await health.probe(transactions)),
    destroy: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/** pg, loaded when a PostgreSQL database is opened: on SQLite (and for a short `parley` command) it costs ~50 ms of start-up. */
const requirePg = (): typeof pgModule => createRequire(import.meta.url)('pg') as typeof pgModule;

// int8 (bigint) columns hold millisecond timestamps, well inside Number's exact range.
function pgTypes(pg: typeof pgModule): pgModule.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format);
    }) as pgModule.CustomTypesConfig['getTypeParser'],
  };
}

function openPostgres(url: string, options: DatabaseOptions): DatabaseHandle {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pg = requirePg();
  const poolSize = options.poolSize ?? 10;
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: pgTypes(pg),
    // During an outage requests fail with a 503 after this long instead of hanging.
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    // Statements issued together go out together (see pipelinedTransactions).
    pipeline: true,
  });
  // A client losing its connection must not crash the process. Idle: the pool drops it and emits
  // 'error'. Checked out (inside a transaction, between queries): the client itself emits 'error',
  // with no listener of the pool's; its next query fails (a 503) and the pool discards it on release.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
    // Every statement is named (pg-connections.ts), and PostgreSQL would still re-plan most of them
    // on each execution: it keeps custom plans while they look cheaper than the generic one. Parley's
    // statements are index lookups whose best plan does not depend on the values, so planning once
    // per connection is enough (participant create ran ~25% faster in bench/). Queued ahead of the
    // connection's first statement; a failure leaves the default, which is only slower.
    client.query('set plan_cache_mode = force_generic_plan').catch(() => {});
  });
  const health = new StorageHealth();
  const connections = discardingBrokenConnections(pool, (err) => health.observe(err));
  const dialect = new PostgresDialect({ pool: connections });
  const db = new Kysely<Database>({ dialect });
  const transactions: Transactions = { run: pipelinedTransactions(db, dialect, connections) };
  return {
    engine: 'postgres',
    queries: autocommit(db),
    db,
    transactions,
    connections: () => ({ size: poolSize, inUse: pool.totalCount - pool.idleCount, waiting: pool.waitingCount }),
    maintain: async (work) => {
      // A connection of its own, without query_timeout; still bounded in how long it waits to connect.
      const maintenance = new Kysely<Database>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: url, max: 1, types: pgTypes(pg), connectionTimeoutMillis: timeoutMs }),
        }),
      });
      try {
        return await work(maintenance);
      } finally {
        await maintenance.destroy();
      }
    },
    ping: async () => {
      if (health.failing) return health.check(transactions);
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    writable: () => health.probe(transactions),
    destroy: () => db.destroy(),
  };
}
