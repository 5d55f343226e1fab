// Item 1 of the security review: a number has one owner. Under a real carrier a pool number is a
// real line, in at most one pool of the whole installation: another account adding it gets 80601
// and learns nothing of the other pool; the database enforces it; inbound webhooks resolve `To` to
// that one entry. Under the simulator numbers are fictional and scoped to their account, so
// parallel suites, each with its own account, may use the same fixture numbers. Within one account
// a number is in one service's pool (80101), on every carrier.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { isUniqueViolation } from '../../src/db/constraint-errors.js';
import { openDatabase } from '../../src/db/database.js';
import { SharedNumbersError } from '../../src/pool/number-ownership.js';
import { addAccount } from '../helpers/accounts.js';
import type { TestAccount } from '../helpers/accounts.js';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { createDurableDatabase } from '../helpers/database.js';
import { maskedPair, pooledService } from '../helpers/factories.js';
import { startFakeTwilio } from '../helpers/fake-twilio.js';
import type { FakeTwilio } from '../helpers/fake-twilio.js';
import type { HttpClient } from '../helpers/http-client.js';
import { expectError } from '../helpers/http-client.js';
import { assertTwiml, inboundSms, twilioEnv, webhook } from '../helpers/twilio-webhooks.js';

const LINE = '+14155550123';

/** An empty-pooled service named `name`: its path. */
async function serviceOf(api: HttpClient, name: string): Promise<string> {
  return (await pooledService(api, [], { UniqueName: name })).service;
}

/** A session in `service` between two people; answers the first one's proxy number. */
async function sessionIn(api: HttpClient, service: string, people: [string, string]): Promise<{ session: string; proxy: string }> {
  const pair = await maskedPair(api, { in: { service, serviceSid: service.split('/').pop()! }, a: people[0], b: people[1] });
  return { session: pair.session, proxy: pair.a.proxy };
}

describe('pool numbers under a real carrier', () => {
  let t: TestApp;
  let fake: FakeTwilio;
  let other: TestAccount;
  before(async () => {
    fake = await startFakeTwilio();
    t = await startTestApp(twilioEnv(fake));
    other = await addAccount(t);
  });
  after(async () => {
    await t.close();
    await fake.stop();
  });

  test("another account adding a held number gets 80601, and nothing about the holder's pool", async () => {
    const mine = await serviceOf(t.api, 'holder');
    assert.equal((await t.api.post(`${mine}/PhoneNumbers`, { PhoneNumber: LINE })).status, 201);
    const theirs = await serviceOf(other.api, 'taker');
    const refused = await other.api.post(`${theirs}/PhoneNumbers`, { PhoneNumber: LINE });
    const message = expectError(refused, 400, 80601);
    assert.ok(!/KS[0-9a-f]{32}|AC[0-9a-f]{32}/.test(message), `the answer names no SID of the other pool: ${message}`);
    // Its own other service: 80101, as on Twilio.
    const second = await serviceOf(t.api, 'holder-too');
    expectError(await t.api.post(`${second}/PhoneNumbers`, { PhoneNumber: LINE }), 400, 80101);
    // Freed, it can move to the other account.
    const pn = (await t.api.get(`${mine}/PhoneNumbers/${encodeURIComponent(LINE)}`)).body.sid;
    assert.equal((await t.api.delete(`${mine}/PhoneNumbers/${pn}`)).status, 204);
    assert.equal((await other.api.post(`${theirs}/PhoneNumbers`, { PhoneNumber: LINE })).status, 201);
    await other.api.delete(theirs);
    for (const service of [mine, second]) await t.api.delete(service);
  });

  test('two accounts adding the same number at once: one gets it', async () => {
    const services = [await serviceOf(t.api, 'race-a'), await serviceOf(other.api, 'race-b')];
    const answers = await Promise.all([
      t.api.post(`${services[0]}/PhoneNumbers`, { PhoneNumber: '+14155550124' }),
      other.api.post(`${services[1]}/PhoneNumbers`, { PhoneNumber: '+14155550124' }),
    ]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [201, 400]);
    expectError(
      answers.find((a) => a.status === 400)!,
      400,
      80601,
    );
    await t.api.delete(services[0]!);
    await other.api.delete(services[1]!);
  });

  test('the database refuses a second pool entry for a number, whatever the code does', async () => {
    const service = await serviceOf(t.api, 'db-rule');
    assert.equal((await t.api.post(`${service}/PhoneNumbers`, { PhoneNumber: '+14155550125' })).status, 201);
    const { db } = t.app.parley.database;
    const row = await db.selectFrom('phone_numbers').selectAll().where('phone_number', '=', '+14155550125').executeTakeFirstOrThrow();
    const theirs = await serviceOf(other.api, 'db-rule-b');
    await assert.rejects(
      db
        .insertInto('phone_numbers')
        .values({ ...row, sid: `PN${'e'.repeat(32)}`, account_sid: other.sid, service_sid: theirs.split('/').pop()! })
        .execute(),
      (err: unknown) => isUniqueViolation(err),
    );
    await t.api.delete(service);
    await other.api.delete(theirs);
  });

  test("an inbound webhook to the number reaches its one owner's session", async () => {
    const service = await serviceOf(t.api, 'routed');
    for (const number of [LINE, '+14155550126'])
      assert.equal((await t.api.post(`${service}/PhoneNumbers`, { PhoneNumber: number })).status, 201);
    const { session, proxy } = await sessionIn(t.api, service, ['+12125550131', '+12125550132']);
    const theirs = await serviceOf(other.api, 'routed-b');
    expectError(await other.api.post(`${theirs}/PhoneNumbers`, { PhoneNumber: proxy }), 400, 80601);
    assertTwiml(await webhook(t, '/carriers/twilio/messages', inboundSms('+12125550131', proxy, 'to my partner')));
    assert.equal((await t.api.get(`${session}/Interactions`)).body.interactions.length, 1);
    await t.api.delete(service);
    await other.api.delete(theirs);
  });
});

describe('pool numbers under the simulator', () => {
  let t: TestApp;
  let other: TestAccount;
  before(async () => {
    t = await startTestApp();
    other = await addAccount(t);
  });
  after(() => t.close());

  test('each account may use the same fixture numbers, and its traffic stays its own', async () => {
    const people: [string, string] = ['+12125550141', '+12125550142'];
    const pairs = [];
    for (const [api, name] of [
      [t.api, 'suite-a'],
      [other.api, 'suite-b'],
    ] as const) {
      const service = await serviceOf(api, name);
      // One pool number: both participants hold it, so both suites' sessions use the same one.
      assert.equal((await api.post(`${service}/PhoneNumbers`, { PhoneNumber: '+14155550140' })).status, 201);
      pairs.push({ api, service, ...(await sessionIn(api, service, people)) });
    }
    assert.equal(pairs[0]!.proxy, pairs[1]!.proxy, 'the same fixture number in both accounts');
    const sent = await t.api.post('/simulator/v1/Messages', { From: people[0], To: pairs[0]!.proxy, Body: 'suite A only' });
    assert.equal(sent.status, 201, sent.text);
    assert.equal((await t.api.get(`${pairs[0]!.session}/Interactions`)).body.interactions.length, 1);
    assert.equal(
      (await other.api.get(`${pairs[1]!.session}/Interactions`)).body.interactions.length,
      0,
      "the other suite's session heard nothing",
    );
    // Within one account: one service's pool.
    const second = await serviceOf(t.api, 'suite-a-2');
    expectError(await t.api.post(`${second}/PhoneNumbers`, { PhoneNumber: '+14155550140' }), 400, 80101);
  });
});

describe('starting with a real carrier on numbers shared under the simulator', () => {
  test('lists the shared numbers and stops; starts once each is in one pool', async () => {
    // One database, used first by the simulator (where sharing is fine), then by Twilio.
    const database = await createDurableDatabase();
    const url = database.url;
    const simulator = await startTestApp({ DATABASE_URL: url });
    const other = await addAccount(simulator);
    const services = [await serviceOf(simulator.api, 'a'), await serviceOf(other.api, 'b')];
    assert.equal((await simulator.api.post(`${services[0]}/PhoneNumbers`, { PhoneNumber: LINE })).status, 201);
    assert.equal((await other.api.post(`${services[1]}/PhoneNumbers`, { PhoneNumber: LINE })).status, 201);
    await simulator.app.close();

    const fake = await startFakeTwilio();
    const env = {
      ...twilioEnv(fake),
      DATABASE_URL: url,
      PARLEY_LOG_LEVEL: 'silent',
      PARLEY_ACCOUNT_SID: TEST_ACCOUNT_SID,
      PARLEY_AUTH_TOKEN: TEST_AUTH_TOKEN,
    };
    try {
      await assert.rejects(buildApp(loadConfig(env)), (err: unknown) => {
        assert.ok(err instanceof SharedNumbersError, String(err));
        assert.match(err.message, new RegExp(services[0]!.split('/').pop()!));
        assert.match(err.message, new RegExp(services[1]!.split('/').pop()!));
        assert.match(err.message, /\+14•+0123/, 'the number is recognisable');
        assert.ok(!err.message.includes(LINE), 'but not written out');
        return true;
      });
      // Once the number is in one pool, the same start succeeds.
      const handle = openDatabase(url);
      await handle.db.deleteFrom('phone_numbers').where('account_sid', '=', other.sid).execute();
      await handle.destroy();
      const twilioApp = await buildApp(loadConfig(env));
      const rows = await twilioApp.parley.database.db.selectFrom('phone_numbers').select('owner_scope').execute();
      assert.deepEqual(
        rows.map((row) => row.owner_scope),
        ['carrier'],
      );
      await twilioApp.close();
    } finally {
      await fake.stop();
      await simulator.database.drop();
      await database.drop();
    }
  });
});
