// Storage faults answer honestly: a full disk, a read-only database, a lock held too long must give
// a 503 (code 20503, Retry-After), never a 500; the log must name the real fault, not the failed
// rollback after it; /healthz must answer 503 while writes fail; and once the fault is gone the
// server must work again without a restart.
//
// CI runs as root, which ignores file modes, so the faults are injected in the database itself:
// SQLite's max_page_count (SQLITE_FULL), query_only (SQLITE_READONLY), a second connection holding
// the write lock (SQLITE_BUSY); PostgreSQL's default_transaction_read_only, and a trigger raising
// PostgreSQL's own disk_full error (filling the shared server's disk is not an option).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { testEngine } from '../helpers/database.js';
import type { Response } from '../helpers/http-client.js';
import { expectError } from '../helpers/http-client.js';
import { logCollector } from '../helpers/log-collector.js';
import { isDatabaseUnavailable } from '../../src/db/constraint-errors.js';
import { openDatabase } from '../../src/db/database.js';
import type { UnitOfWork } from '../../src/db/unit-of-work.js';

const sqliteOnly = { skip: testEngine() === 'postgres' && 'an SQLite fault' };
const postgresOnly = { skip: testEngine() !== 'postgres' && 'a PostgreSQL fault' };

/** A row bigger than a page: SQLite must find a new page for it. */
const LONG_URL = `https://example.com/${'x'.repeat(3900)}`;
const bigService = (name: string) => ({ UniqueName: name, CallbackUrl: LONG_URL, InterceptCallbackUrl: LONG_URL });
// A create writes on its own; an update runs in a unit of work of the group committer.
const bigUpdate = { CallbackUrl: LONG_URL, InterceptCallbackUrl: LONG_URL };

function expectUnavailable(response: Response): void {
  expectError(response, 503, 20503);
  assert.equal(response.headers.get('retry-after'), '1', 'a 503 says when to retry');
}

async function healthz(t: TestApp): Promise<number> {
  const response = await fetch(`${t.baseUrl}/healthz`);
  await response.text();
  return response.status;
}

async function pragma(t: TestApp, statement: string): Promise<unknown> {
  const { rows } = await sql.raw(`pragma ${statement}`).execute(t.app.parley.database.db);
  // Setting some pragmas (query_only) answers no row.
  return rows.length === 0 ? undefined : Object.values(rows[0] as object)[0];
}

/** SQLite may take no page beyond those it has. */
async function fillDisk(t: TestApp): Promise<void> {
  assert.equal(await pragma(t, 'freelist_count'), 0, 'no free pages to write into');
  await pragma(t, `max_page_count = ${String(await pragma(t, 'page_count'))}`);
}

describe('storage faults on SQLite', () => {
  test('a full disk: writes answer 503, reads still work, /healthz says 503 until writes work again', sqliteOnly, async () => {
    const t = await startTestApp();
    try {
      const before = await t.api.post('/v1/Services', { UniqueName: 'before' });
      assert.equal(before.status, 201);
      assert.equal(await healthz(t), 200);
      await fillDisk(t);
      expectUnavailable(await t.api.post('/v1/Services', bigService('full')));
      expectUnavailable(await t.api.post(`/v1/Services/${before.body.sid}`, bigUpdate));
      assert.equal(await healthz(t), 503);
      assert.equal((await t.api.get(`/v1/Services/${before.body.sid}`)).status, 200, 'reads still work');

      await pragma(t, 'max_page_count = 1000000000');
      assert.equal((await t.api.post('/v1/Services', bigService('full'))).status, 201);
      assert.equal((await t.api.post(`/v1/Services/${before.body.sid}`, bigUpdate)).status, 200);
      assert.equal(await healthz(t), 200);
    } finally {
      await t.close();
    }
  });

  test('a full disk is logged as itself, not as the failed rollback after it', sqliteOnly, async () => {
    const log = logCollector();
    const t = await startTestApp({ PARLEY_LOG_LEVEL: 'info' }, { logStream: log.stream });
    try {
      const service = await t.api.post('/v1/Services', { UniqueName: 'logged' });
      await fillDisk(t);
      // SQLite rolls the whole transaction back on its own, savepoints and all.
      expectUnavailable(await t.api.post(`/v1/Services/${service.body.sid}`, bigUpdate));
      const faults = log.lines().filter((line) => line.includes('database or disk is full'));
      assert.ok(faults.length > 0, `the log names the fault:\n${log.text()}`);
      assert.equal(JSON.parse(faults[0]!).err.code, 'SQLITE_FULL');
      assert.doesNotMatch(log.text(), /no such savepoint|cannot rollback/);
    } finally {
      await t.close();
    }
  });

  test('a read-only database: writes answer 503, /healthz says 503, both recover', sqliteOnly, async () => {
    const t = await startTestApp();
    try {
      await pragma(t, 'query_only = 1');
      expectUnavailable(await t.api.post('/v1/Services', { UniqueName: 'read-only' }));
      assert.equal(await healthz(t), 503);
      assert.equal((await t.api.get('/v1/Services')).status, 200, 'reads still work');

      await pragma(t, 'query_only = 0');
      assert.equal((await t.api.post('/v1/Services', { UniqueName: 'read-only' })).status, 201);
      assert.equal(await healthz(t), 200);
    } finally {
      await t.close();
    }
  });

  test('another connection holding the write lock: writes answer 503 until it lets go', sqliteOnly, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-busy-'));
    const path = join(dir, 'parley.db');
    const t = await startTestApp({ DATABASE_URL: `sqlite:${path}` });
    const other = new SQLite(path);
    try {
      await pragma(t, 'busy_timeout = 20');
      other.exec('begin immediate');
      expectUnavailable(await t.api.post('/v1/Services', { UniqueName: 'busy' }));
      assert.equal(await healthz(t), 503);
      other.exec('commit');
      assert.equal((await t.api.post('/v1/Services', { UniqueName: 'busy' })).status, 201);
      assert.equal(await healthz(t), 200);
    } finally {
      other.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a fault in one unit of a group commit fails the whole batch with that fault', sqliteOnly, async () => {
    const database = openDatabase('sqlite::memory:');
    const db = database.db;
    const run = (statement: (uow: UnitOfWork) => Promise<unknown>) => database.transactions.run(statement);
    try {
      await sql`create table notes (body text not null)`.execute(db);
      await sql`insert into notes values ('seed')`.execute(db);
      const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(db);
      await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(db);
      // Issued together, so they share one batch; the second needs a page SQLite may not take.
      const small = run((uow) => uow.write(sql`insert into notes values ('small')`.compile(uow.sql)));
      const big = run((uow) => uow.write(sql`insert into notes values (${'x'.repeat(8000)})`.compile(uow.sql)));
      const outcomes = await Promise.allSettled([small, big]);
      for (const outcome of outcomes) {
        assert.equal(outcome.status, 'rejected');
        assert.equal((outcome.reason as { code?: string }).code, 'SQLITE_FULL', String(outcome.reason));
      }
      await sql`pragma max_page_count = 1000000000`.execute(db);
      await run((uow) => uow.write(sql`insert into notes values ('after')`.compile(uow.sql)));
      const notes = await sql<{ body: string }>`select body from notes`.execute(db);
      assert.deepEqual(
        notes.rows.map((row) => row.body),
        ['seed', 'after'],
        'the batch left nothing behind',
      );
    } finally {
      await database.destroy();
    }
  });
});

describe('storage faults on PostgreSQL', () => {
  async function onDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** Repeats `attempt` until it returns true, at most `times` times; the answer of the last. */
  async function within(times: number, attempt: () => Promise<boolean>): Promise<boolean> {
    for (let i = 1; i < times; i++) if (await attempt()) return true;
    return attempt();
  }

  test('a read-only database: writes answer 503 and say why, /healthz says 503, both recover', postgresOnly, async () => {
    const log = logCollector();
    const t = await startTestApp({ PARLEY_LOG_LEVEL: 'info' }, { logStream: log.stream });
    const name = new URL(t.database.url).pathname.slice(1);
    const server = process.env.PARLEY_TEST_DATABASE_URL!;
    try {
      // Sessions starting from now are read-only; the app's open connections are ended, and gone
      // before the test goes on, so its pool opens new (read-only) ones.
      await onDatabase(server, async (admin) => {
        await admin.query(`alter database ${name} set default_transaction_read_only = on`);
        const { rows } = await admin.query(
          'select coalesce(array_agg(pid), array[]::int[]) as pids from pg_stat_activity where datname = $1',
          [name],
        );
        const pids = rows[0].pids as number[];
        await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [pids]);
        const alive = async () => (await admin.query('select 1 from pg_stat_activity where pid = any($1::int[])', [pids])).rowCount !== 0;
        while (await alive());
      });
      // Each connection that died under the pool fails one request (a 503 too) and is replaced.
      assert.ok(await within(12, async () => (await t.api.get('/v1/Services')).status === 200), 'reads work again');

      const readOnly = async () => {
        expectUnavailable(await t.api.post('/v1/Services', { UniqueName: 'read-only' }));
        return log.text().includes('read-only transaction');
      };
      assert.ok(await within(3, readOnly), `the log names the fault:\n${log.text()}`);
      assert.equal(await healthz(t), 503);

      await onDatabase(server, (admin) => admin.query(`alter database ${name} reset default_transaction_read_only`));
      // Each connection that started read-only fails its first write and is replaced (10 at most).
      const written = async () => (await t.api.post('/v1/Services', { UniqueName: 'read-only' })).status === 201;
      assert.ok(await within(12, written), 'writes work again');
      assert.ok(await within(12, async () => (await healthz(t)) === 200), '/healthz is 200 again');
      assert.equal(await healthz(t), 200);
    } finally {
      await onDatabase(server, (admin) => admin.query(`alter database ${name} reset default_transaction_read_only`)).catch(() => {});
      await t.close();
    }
  });

  test('a full disk: writes answer 503, reads still work, /healthz says 503 until writes work again', postgresOnly, async () => {
    const t = await startTestApp();
    const failInserts = (table: string) =>
      `create trigger disk_full before insert on ${table} for each row execute function parley_test_disk_full()`;
    try {
      const before = await t.api.post('/v1/Services', { UniqueName: 'before' });
      await onDatabase(t.database.url, async (client) => {
        await client.query(`create function parley_test_disk_full() returns trigger language plpgsql as $$
          begin raise exception 'could not extend file: No space left on device' using errcode = 'disk_full'; end $$`);
        await client.query(failInserts('services'));
        await client.query(failInserts('storage_probe'));
      });
      expectUnavailable(await t.api.post('/v1/Services', { UniqueName: 'full' }));
      assert.equal(await healthz(t), 503);
      assert.equal((await t.api.get(`/v1/Services/${before.body.sid}`)).status, 200, 'reads still work');

      await onDatabase(t.database.url, (client) => client.query('drop function parley_test_disk_full cascade'));
      assert.equal((await t.api.post('/v1/Services', { UniqueName: 'full' })).status, 201);
      assert.equal(await healthz(t), 200);
    } finally {
      await t.close();
    }
  });
});

describe('isDatabaseUnavailable', () => {
  const fault = (code: string) => Object.assign(new Error(code), { code });

  test("is true for every storage fault of SQLite, with its extended codes, and not for the request's own faults", () => {
    const codes = [
      'SQLITE_FULL',
      'SQLITE_READONLY',
      'SQLITE_READONLY_DBMOVED',
      'SQLITE_READONLY_DIRECTORY',
      'SQLITE_IOERR',
      'SQLITE_IOERR_WRITE',
      'SQLITE_IOERR_FSYNC',
      'SQLITE_IOERR_SHORT_READ',
      'SQLITE_BUSY',
      'SQLITE_BUSY_SNAPSHOT',
      'SQLITE_LOCKED',
      'SQLITE_LOCKED_SHAREDCACHE',
      'SQLITE_CANTOPEN',
      'SQLITE_CANTOPEN_ISDIR',
      'SQLITE_PROTOCOL',
      'SQLITE_NOMEM',
    ];
    for (const code of codes) assert.equal(isDatabaseUnavailable(fault(code)), true, code);
    for (const code of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', 'SQLITE_MISMATCH', 'SQLITE_FULLNESS']) {
      assert.equal(isDatabaseUnavailable(fault(code)), false, code);
    }
    assert.equal(isDatabaseUnavailable(new Error('no such savepoint: unit')), false);
  });

  test("is true for PostgreSQL's storage faults and outages, and not for the request's own faults", () => {
    // disk full, out of memory, I/O error, read-only transaction, too many connections, shutting down
    for (const code of ['53100', '53200', '58030', '25006', '53300', '57P01']) assert.equal(isDatabaseUnavailable(fault(code)), true, code);
    // unique violation, serialization failure, invalid text representation
    for (const code of ['23505', '40001', '22P02']) assert.equal(isDatabaseUnavailable(fault(code)), false, code);
  });
});
