// The probes: /healthz/live answers 200 whatever the database does; /healthz/ready answers 200
// only while the schema has this build's newest migration and a write commits, and 503 with the
// failed check's name otherwise, then 200 again once the database recovers. The writes are broken
// as the storage-fault and outage tests break them: SQLite's query_only; on PostgreSQL a trigger
// raising disk_full, and a TCP proxy the test cuts. Readiness answers are reused for a second (a flood of unauthenticated probes
// must not become a flood of writes): the app runs on a ManualTimer, so the test ages them itself.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { createTestDatabase, testEngine } from '../helpers/database.js';
import type { TestDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { ManualTimer } from '../helpers/manual-timer.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { LATEST_MIGRATION } from '../../src/db/migrate.js';
import { REUSE_MS } from '../../src/lifecycle/readiness.js';

interface Probe {
  status: number;
  body: { status: string; failed?: string[] };
}

async function probe(t: TestApp, path: string): Promise<Probe> {
  const response = await fetch(`${t.baseUrl}${path}`);
  return { status: response.status, body: (await response.json()) as Probe['body'] };
}

const READY: Probe = { status: 200, body: { status: 'ok', failed: [] } };
const LIVE: Probe = { status: 200, body: { status: 'ok' } };
const unready = (...failed: string[]): Probe => ({ status: 503, body: { status: 'unavailable', failed } });

/** A fresh readiness answer: the last one has aged past its reuse. */
async function ready(t: TestApp, timer: ManualTimer): Promise<Probe> {
  timer.advance(REUSE_MS);
  return probe(t, '/healthz/ready');
}

describe(`the probes (${testEngine()})`, () => {
  const timer = new ManualTimer();
  let t: TestApp;
  before(async () => {
    t = await startTestApp({}, { timer });
  });
  after(() => t.close());

  test('live and ready answer 200 on a healthy server, without credentials', async () => {
    assert.deepEqual(await probe(t, '/healthz/live'), LIVE);
    assert.deepEqual(await ready(t, timer), READY);
    assert.deepEqual(await probe(t, '/healthz'), { status: 200, body: { status: 'ok' } }, '/healthz is as it was');
  });

  test('a database without the newest migration: ready is 503 "schema" until it has it again', async () => {
    const { db } = t.app.parley.database;
    const row = await sql<Record<string, unknown>>`select * from parley_migrations where name = ${LATEST_MIGRATION}`.execute(db);
    assert.equal(row.rows.length, 1, 'the start migrated the database');
    await sql`delete from parley_migrations where name = ${LATEST_MIGRATION}`.execute(db);
    try {
      assert.deepEqual(await ready(t, timer), unready('schema'));
      assert.deepEqual(await probe(t, '/healthz/live'), LIVE);
    } finally {
      const { name, timestamp } = row.rows[0]!;
      await sql`insert into parley_migrations (name, timestamp) values (${name}, ${timestamp})`.execute(db);
    }
    assert.deepEqual(await ready(t, timer), READY);
  });

  /** While `fault` holds, ready says "writes" (once the last answer has aged), live 200, reads work; then ready again. */
  async function whileWritesFail(fault: { start(db: Kysely<any>): Promise<void>; end(db: Kysely<any>): Promise<void> }) {
    const { db } = t.app.parley.database;
    assert.deepEqual(await ready(t, timer), READY);
    await fault.start(db);
    try {
      assert.deepEqual(await probe(t, '/healthz/ready'), READY, 'the answer of a moment ago is reused, nothing is written');
      assert.deepEqual(await ready(t, timer), unready('writes'));
      assert.deepEqual(await probe(t, '/healthz/live'), LIVE);
      assert.equal((await t.api.get('/v1/Services')).status, 200, 'reads still work: only the writes fail');
    } finally {
      await fault.end(db);
    }
    assert.deepEqual(await ready(t, timer), READY);
  }

  test(
    'SQLite refusing writes (query_only): ready is 503 "writes", live stays 200',
    { skip: testEngine() !== 'sqlite' && 'an SQLite fault' },
    () =>
      whileWritesFail({
        start: (db) => sql`pragma query_only = 1`.execute(db).then(() => {}),
        end: (db) => sql`pragma query_only = 0`.execute(db).then(() => {}),
      }),
  );

  test(
    'PostgreSQL refusing writes (a trigger raising disk_full): ready is 503 "writes", live stays 200',
    { skip: testEngine() !== 'postgres' && 'a PostgreSQL fault' },
    () =>
      whileWritesFail({
        start: async (db) => {
          await sql`create function parley_test_disk_full() returns trigger language plpgsql as $$
            begin raise exception 'could not extend file: No space left on device' using errcode = 'disk_full'; end $$`.execute(db);
          await sql`create trigger disk_full before insert on storage_probe for each row execute function parley_test_disk_full()`.execute(
            db,
          );
        },
        end: (db) => sql`drop function parley_test_disk_full cascade`.execute(db).then(() => {}),
      }),
  );
});

describe(
  'the probes when PostgreSQL cannot be reached (a TCP proxy the test cuts)',
  { skip: testEngine() !== 'postgres' && 'PostgreSQL only' },
  () => {
    const timer = new ManualTimer();
    let database: TestDatabase;
    let proxy: TcpProxy;
    let t: TestApp;
    before(async () => {
      database = await createTestDatabase();
      const url = new URL(database.url);
      proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
      await proxy.listen();
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      t = await startTestApp({ DATABASE_URL: url.toString(), PARLEY_DB_TIMEOUT_MS: '1000' }, { timer });
    });
    after(async () => {
      await t?.close();
      await proxy?.close();
      await database?.drop();
    });

    test('ready is 503 "schema" and "writes" while the database is cut off, live stays 200; both back once it returns', async () => {
      assert.deepEqual(await ready(t, timer), READY);
      await proxy.cut();
      assert.deepEqual(await ready(t, timer), unready('schema', 'writes'));
      assert.deepEqual(await probe(t, '/healthz/live'), LIVE);
      await proxy.listen();
      // Each pooled connection the cut broke fails once before the pool replaces it.
      await eventually(async () => assert.deepEqual(await ready(t, timer), READY));
    });
  },
);
