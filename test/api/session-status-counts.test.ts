// The session counters behind parley_sessions (migration 0009's triggers) stay equal to what a
// count(*) over sessions says, through every way sessions change: created (alone and with
// participants), closed by the API, expired by the sweeper, deleted one by one, with their service,
// and with their account; on PostgreSQL before and after the deltas are compacted; and an existing
// database's sessions are counted when the migration runs (the backfill).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { down as dropCounters } from '../../src/db/migrations/0009-session-status-counts.js';
import { compactSessionCounts, sessionCounts } from '../../src/metrics/session-counts.repository.js';
import { accountOverHttp, ADMIN_TOKEN, adminHeaders } from '../helpers/accounts.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { createDurableDatabase, testEngine } from '../helpers/database.js';
import { advanceClock, handset, maskedPair, poolNumber, pooledService, sessionWith } from '../helpers/factories.js';
import type { HttpClient } from '../helpers/http-client.js';

type Counts = Record<string, number>;

/** What the counters say, by "service status". */
async function counted(t: TestApp): Promise<Counts> {
  const rows = await sessionCounts(t.app.parley.database.queries, true);
  return Object.fromEntries(rows.map((row) => [`${row.service_sid} ${row.status}`, row.sessions]));
}

/** What a count(*) over sessions says, the same way. */
async function truth(t: TestApp): Promise<Counts> {
  const rows = await t.app.parley.database.db
    .selectFrom('sessions')
    .select(['service_sid', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['service_sid', 'status'])
    .execute();
  return Object.fromEntries(rows.map((row) => [`${row.service_sid} ${row.status}`, Number(row.n)]));
}

async function assertCounted(t: TestApp, what: string): Promise<void> {
  assert.deepEqual(await counted(t), await truth(t), what);
  if (testEngine() !== 'postgres') return;
  // Folding the deltas changes nothing that a scrape sees, and leaves no delta and no zero total.
  await compactSessionCounts(t.app.parley.database.queries);
  assert.deepEqual(await counted(t), await truth(t), `${what}, compacted`);
  const { db } = t.app.parley.database;
  assert.deepEqual(await db.selectFrom('session_status_deltas').selectAll().execute(), []);
  assert.deepEqual(await db.selectFrom('session_status_counts').selectAll().where('total', '=', 0).execute(), []);
}

/** A few sessions of each kind in a new service of `api`'s account. */
async function populate(api: HttpClient) {
  const pair = await maskedPair(api, { pool: [poolNumber(), poolNumber()] });
  const service = { service: pair.service, serviceSid: pair.serviceSid };
  const lone = await sessionWith(api, service, [handset()]);
  const empty = await sessionWith(api, service, []);
  const brief = await sessionWith(api, service, [], { Ttl: 60 });
  return { pair, service, lone, empty, brief };
}

describe('session counters', () => {
  test('follow creates, closes, expiries and deletes, of sessions, services and accounts', async () => {
    const t = await startTestApp({ PARLEY_ADMIN_TOKEN: ADMIN_TOKEN });
    try {
      const ours = await populate(t.api);
      await assertCounted(t, 'created');
      assert.equal((await counted(t))[`${ours.service.serviceSid} open`], 4);

      assert.equal((await t.api.post(ours.pair.session, { Status: 'closed' })).status, 200);
      assert.equal((await t.api.post(ours.lone.session, { Status: 'closed' })).status, 200);
      assert.equal((await t.api.post(ours.lone.session, { Status: 'in-progress' })).status, 200);
      assert.equal((await t.api.post(ours.lone.session, { Ttl: 600 })).status, 200);
      await assertCounted(t, 'closed, re-opened, updated');
      assert.equal((await counted(t))[`${ours.service.serviceSid} in-progress`], 1);

      await advanceClock(t.api, 61);
      assert.equal((await t.api.get(ours.brief.session)).body.status, 'closed');
      await assertCounted(t, 'expired');

      assert.equal((await t.api.delete(ours.empty.session)).status, 204);
      await assertCounted(t, 'one deleted');

      const other = await populate(t.api);
      assert.equal((await t.api.delete(other.service.service)).status, 204);
      await assertCounted(t, 'a service deleted with its sessions');
      assert.ok(!Object.keys(await counted(t)).some((key) => key.startsWith(other.service.serviceSid)));

      const tenant = await accountOverHttp(t);
      const theirs = await populate(tenant.api);
      await assertCounted(t, "another account's");
      const deleted = await t.anonymous.delete(`/simulator/v1/Accounts/${tenant.sid}`, { headers: adminHeaders() });
      assert.equal(deleted.status, 204, deleted.text);
      await assertCounted(t, 'an account deleted');
      assert.ok(!Object.keys(await counted(t)).some((key) => key.startsWith(theirs.service.serviceSid)));
    } finally {
      await t.close();
    }
  });

  test('the migration counts the sessions an existing database already holds', async () => {
    const database = await createDurableDatabase();
    let t: TestApp | undefined;
    try {
      t = await startTestApp({ DATABASE_URL: database.url });
      const service = await pooledService(t.api, [poolNumber()]);
      await sessionWith(t.api, service, [handset()]);
      const closing = await sessionWith(t.api, service, []);
      assert.equal((await t.api.post(closing.session, { Status: 'closed' })).status, 200);
      // Back to the schema before 0009, sessions and all, as a database of an earlier release.
      const { db } = t.app.parley.database;
      await dropCounters(db);
      await db
        .deleteFrom('parley_migrations' as never)
        .where('name' as never, '=', '0009-session-status-counts' as never)
        .execute();
      await sessionWith(t.api, service, []);
      await t.close();
      t = undefined;

      t = await startTestApp({ DATABASE_URL: database.url });
      assert.deepEqual(await counted(t), { [`${service.serviceSid} open`]: 2, [`${service.serviceSid} closed`]: 1 });
      await assertCounted(t, 'backfilled');
      await sessionWith(t.api, service, []);
      await assertCounted(t, 'counted on after the backfill');
    } finally {
      await t?.close();
      await database.drop();
    }
  });
});
