// Data at rest about the people who text and call: erasing one person's number on request
// (anonymised participants, cleared bodies, no log or stored text left with the number, counts
// kept), and retention (PARLEY_RETENTION_DAYS: old bodies, the simulator's log and finished
// outbox jobs go, driven here by the emulator's clock; carrier webhook answers after a day).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AdminRefusal } from '../../src/accounts/accounts.service.js';
import { IDEMPOTENCY_HEADER } from '../../src/idempotency/idempotency.hooks.js';
import { eraseNumber } from '../../src/privacy/number-erasure.js';
import { appAndReceiver, startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { addAccount } from '../helpers/accounts.js';
import { advanceClock, call, maskedPair, pooledService, text } from '../helpers/factories.js';
import { everyRow } from '../helpers/invariants.js';

const POOL = ['+14155550100', '+14155550101', '+14155550102'];
const PERSON = '+12125550123';
const FRIEND = '+12125550124';
const OTHER = '+12125550125';
const OTHER_FRIEND = '+12125550126';
const DAY = 86_400;

type Row = Record<string, any>;
/** The number as a stored text may carry it, and not as the start of a longer one. */
const mentionsPerson = (row: Row) => /(?:\+|%2B)12125550123(?!\d)/i.test(JSON.stringify(row));

async function webhookAnswer(t: TestApp, resourceSid: string, answer: string): Promise<void> {
  const row = {
    carrier: 'twilio',
    resource_sid: resourceSid,
    content_type: 'text/xml',
    answer,
    date_created: t.app.parley.clock.now(TEST_ACCOUNT_SID),
  };
  await t.app.parley.database.db.insertInto('carrier_webhooks').values(row).execute();
}

describe('erase-number', () => {
  const fixture = appAndReceiver();

  test("anonymises the person's participants, clears their interactions' bodies, deletes what mentions them, keeps every count", async () => {
    const { t, receiver } = fixture;
    const service = await pooledService(t.api, POOL, { CallbackUrl: receiver.url('/callback') });
    const active = await maskedPair(t.api, { in: service, a: PERSON, b: FRIEND });
    await text(t.api, PERSON, active.a.proxy, `call me back on ${PERSON}`);
    await text(t.api, FRIEND, active.b.proxy, 'will do');
    await call(t.api, PERSON, active.a.proxy);
    // Added by name with an Idempotency-Key (the stored answer carries the number), then closed.
    const closed = await t.api.post(`${service.service}/Sessions`, {});
    const closedPath = `${service.service}/Sessions/${closed.body.sid}`;
    const added = await t.api.post(
      `${closedPath}/Participants`,
      { Identifier: PERSON, FriendlyName: 'Pat' },
      { headers: { [IDEMPOTENCY_HEADER]: 'add-pat' } },
    );
    assert.equal(added.status, 201, added.text);
    assert.equal((await t.api.post(closedPath, { Status: 'closed' })).status, 200);
    // Other people's traffic, and the same number in another account: untouched.
    const others = await maskedPair(t.api, { in: service, a: OTHER, b: OTHER_FRIEND });
    await text(t.api, OTHER, others.a.proxy, 'not about Pat');
    const elsewhere = await addAccount(t);
    const theirs = await maskedPair(elsewhere.api, { pool: POOL, a: PERSON, b: FRIEND });
    await text(elsewhere.api, PERSON, theirs.a.proxy, `another account, ${PERSON}`);
    // A fault still planned for the person's number, here and in the other account.
    for (const api of [t.api, elsewhere.api]) {
      const fault = await api.post('/simulator/v1/Faults', { Number: PERSON, Channel: 'voice', Outcome: 'busy' });
      assert.equal(fault.status, 201, fault.text);
    }
    await webhookAnswer(t, 'CAperson', `<Response><Dial><Number>${PERSON}</Number></Dial></Response>`);
    await webhookAnswer(t, 'CAlonger', `<Response><Dial><Number>${PERSON}4</Number></Dial></Response>`);
    await receiver.waitFor(4);
    await t.app.parley.components.outbox.drain();

    const { db, transactions } = t.app.parley.database;
    const before = await everyRow(db);
    const theirSids = new Set<string>([
      elsewhere.sid,
      ...Object.values(before)
        .flat()
        .filter((row) => row.account_sid === elsewhere.sid && typeof row.sid === 'string')
        .map((row) => row.sid),
    ]);
    const ofElsewhere = (row: Row) => Object.values(row).some((value) => typeof value === 'string' && theirSids.has(value));
    const person = before
      .participants!.filter((row) => row.identifier === PERSON && row.account_sid === TEST_ACCOUNT_SID)
      .map((row) => row.sid as string);
    assert.equal(person.length, 2);
    const touched = (row: Row) =>
      [row.participant_sid, row.inbound_participant_sid, row.outbound_participant_sid].some((sid) => person.includes(sid));
    const theirInteractions = before.interactions!.filter(touched).map((row) => row.sid as string);
    assert.equal(theirInteractions.length, 3, 'two texts and a call');
    const aboutPerson = (row: Row) => mentionsPerson(row) || theirInteractions.some((sid) => JSON.stringify(row).includes(sid));
    const outboxBefore = before.outbox!.filter((row) => row.account_sid === TEST_ACCOUNT_SID);
    assert.ok(
      outboxBefore.some(aboutPerson) && outboxBefore.some((row) => !aboutPerson(row)),
      'callbacks about the person and about others',
    );

    // Any spelling of the number; the counts are printed, never the number.
    const erased = await eraseNumber(transactions, t.app.parley.clock.base, TEST_ACCOUNT_SID, '+1 212-555-0123');
    assert.deepEqual(erased, {
      participants: 2,
      assignments: 1, // the closed session's number was given back when it closed
      interactions: 2, // the call had no body
      simulatorMessages: 4, // both texts, as sent and as delivered
      simulatorCalls: 1,
      simulatorFaults: 1,
      outboxJobs: outboxBefore.filter(aboutPerson).length,
      idempotencyKeys: 1,
      carrierWebhooks: 1,
    });

    const afterwards = await everyRow(db);
    for (const [table, rows] of Object.entries(afterwards)) {
      const theirsBefore = before[table]!.filter(ofElsewhere);
      assert.deepEqual(rows.filter(ofElsewhere), theirsBefore, `the other account's ${table} is untouched`);
      assert.deepEqual(
        rows.filter((row) => !ofElsewhere(row) && mentionsPerson(row)),
        [],
        `nothing of this account's ${table} carries the number`,
      );
    }
    for (const table of ['services', 'sessions', 'participants', 'interactions', 'assignments', 'phone_numbers']) {
      assert.equal(afterwards[table]!.length, before[table]!.length, `every ${table} row stays`);
    }
    for (const sid of person) {
      const row = afterwards.participants!.find((p) => p.sid === sid)!;
      assert.equal(row.identifier, `erased:${sid}`);
      assert.equal(row.friendly_name, null);
    }
    const listed = (await t.api.get(`${active.session}/Participants`)).body.participants as Row[];
    assert.deepEqual(listed.map((p) => p.identifier).sort(), [`erased:${active.a.sid}`, FRIEND].sort());
    const interactions = (await t.api.get(`${active.session}/Interactions`)).body.interactions as Row[];
    assert.equal(interactions.length, 3);
    for (const interaction of interactions) assert.equal(interaction.data, null, `${interaction.type} ${interaction.sid} has no body left`);
    const kept = (await t.api.get(`${others.session}/Interactions`)).body.interactions as Row[];
    assert.deepEqual(
      kept.map((i) => JSON.parse(i.data).body),
      ['not about Pat'],
    );
    // The simulator's log keeps only the others' texts; the stored texts about the person are gone.
    const log = (await t.api.get('/simulator/v1/Messages')).body.messages as Row[];
    assert.deepEqual(
      log.map((m) => m.body),
      ['not about Pat', 'not about Pat'],
    );
    const outboxAfter = afterwards.outbox!.filter((row) => row.account_sid === TEST_ACCOUNT_SID);
    assert.deepEqual(outboxAfter.filter(aboutPerson), []);
    assert.equal(outboxAfter.length, outboxBefore.filter((row) => !aboutPerson(row)).length);
    assert.deepEqual(
      afterwards.carrier_webhooks!.map((row) => row.resource_sid),
      ['CAlonger'],
    );
  });

  test('a number that is not one, or an unknown account, is refused without repeating the number', async () => {
    const { t } = fixture;
    const { transactions } = t.app.parley.database;
    await assert.rejects(
      eraseNumber(transactions, t.app.parley.clock.base, TEST_ACCOUNT_SID, '12125550123'),
      (err: Error) => err instanceof AdminRefusal && !err.message.includes('2125550123'),
    );
    const ghost = `AC${'0'.repeat(32)}`;
    await assert.rejects(
      eraseNumber(transactions, t.app.parley.clock.base, ghost, PERSON),
      (err: Error) => err instanceof AdminRefusal && err.message === `no account ${ghost}`,
    );
  });
});

describe('retention (PARLEY_RETENTION_DAYS, 30 by default)', () => {
  const fixture = appAndReceiver();

  /** A finished or pending outbox job written straight into the table, as the worker leaves them. */
  async function job(status: 'done' | 'failed' | 'pending', nextAttemptAt: number): Promise<string> {
    const { t } = fixture;
    const now = t.app.parley.clock.now(TEST_ACCOUNT_SID);
    const sid = `OB${status}${Math.random().toString(16).slice(2)}`;
    const row = {
      sid,
      account_sid: TEST_ACCOUNT_SID,
      kind: 'callback',
      payload: '{}',
      status,
      attempts: 1,
      next_attempt_at: nextAttemptAt,
      locked_until: null,
      last_error: null,
      date_created: now,
      date_updated: now,
    };
    await t.app.parley.database.db.insertInto('outbox').values(row).execute();
    return sid;
  }

  test('bodies, the simulator log and finished jobs go after the retention; interactions and pending jobs stay', async () => {
    const { t, receiver } = fixture;
    const { db } = t.app.parley.database;
    const pair = await maskedPair(t.api, { pool: POOL, service: { CallbackUrl: receiver.url('/callback') }, a: PERSON, b: FRIEND });
    await text(t.api, PERSON, pair.a.proxy, 'old news');
    await text(t.api, FRIEND, pair.b.proxy, 'old reply');
    await receiver.waitFor(2);
    await t.app.parley.components.outbox.drain();
    const failed = await job('failed', t.app.parley.clock.now(TEST_ACCOUNT_SID));
    // A retry far off: still pending however old it is.
    const pending = await job('pending', t.app.parley.clock.now(TEST_ACCOUNT_SID) + 100 * 365 * DAY * 1000);
    await webhookAnswer(t, 'SManswered', '<Response/>');
    const interactionsBefore = (await t.api.get(`${pair.session}/Interactions`)).body.interactions as Row[];
    assert.deepEqual(interactionsBefore.map((i) => JSON.parse(i.data).body).sort(), ['old news', 'old reply']);

    // Two days on: webhook answers are gone (carriers retry within hours); everything else stays.
    await advanceClock(t.api, 2 * DAY);
    assert.deepEqual(await db.selectFrom('carrier_webhooks').selectAll().execute(), []);
    assert.deepEqual(
      ((await t.api.get(`${pair.session}/Interactions`)).body.interactions as Row[]).map((i) => i.data),
      interactionsBefore.map((i) => i.data),
    );
    assert.equal((await t.api.get('/simulator/v1/Messages')).body.messages.length, 4);

    // Past the retention (30 days, plus one).
    await advanceClock(t.api, 29 * DAY);
    const interactionsAfter = (await t.api.get(`${pair.session}/Interactions`)).body.interactions as Row[];
    assert.deepEqual(
      interactionsAfter,
      interactionsBefore.map((i) => ({ ...i, data: null })),
      'the interactions stay, without their bodies',
    );
    assert.deepEqual((await t.api.get('/simulator/v1/Messages')).body.messages, []);
    const jobs = await db.selectFrom('outbox').select(['sid', 'status']).execute();
    assert.deepEqual(jobs, [{ sid: pending, status: 'pending' }], `the finished jobs (${failed} among them) are gone`);

    // What is newer than the retention stays through a pass.
    await text(t.api, PERSON, pair.a.proxy, 'fresh');
    await t.app.parley.components.retention.run();
    const fresh = ((await t.api.get(`${pair.session}/Interactions`)).body.interactions as Row[]).filter((i) => i.data !== null);
    assert.deepEqual(
      fresh.map((i) => JSON.parse(i.data).body),
      ['fresh'],
    );
    assert.equal((await t.api.get('/simulator/v1/Messages')).body.messages.length, 2);
  });
});

describe('retention off (PARLEY_RETENTION_DAYS=0)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ PARLEY_RETENTION_DAYS: '0' });
  });
  after(() => t.close());

  test('keeps bodies and the simulator log for ever, but not carrier webhook answers', async () => {
    const pair = await maskedPair(t.api, { pool: POOL, a: PERSON, b: FRIEND });
    await text(t.api, PERSON, pair.a.proxy, 'kept');
    await webhookAnswer(t, 'SManswered', '<Response/>');
    await advanceClock(t.api, 3650 * DAY);
    const interactions = (await t.api.get(`${pair.session}/Interactions`)).body.interactions as Row[];
    assert.deepEqual(
      interactions.map((i) => JSON.parse(i.data).body),
      ['kept'],
    );
    assert.equal((await t.api.get('/simulator/v1/Messages')).body.messages.length, 2);
    assert.deepEqual(await t.app.parley.database.db.selectFrom('carrier_webhooks').selectAll().execute(), []);
  });
});
