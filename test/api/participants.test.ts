import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http-client.js';

const ALICE = '+12125550101';
const BOB = '+12125550102';
const CAROL = '+12125550103';

describe('Participants', () => {
  let t: TestApp;
  let service: string;
  let numbers: Record<string, string>;
  let session: string;

  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
  // Pool numbers are unique per account: each test's service gives its numbers back.
  afterEach(() => t.api.delete(service));
  beforeEach(async () => {
    service = `/v1/Services/${(await t.api.post('/v1/Services', { UniqueName: `svc-${Math.random()}` })).body.sid}`;
    numbers = {};
    for (const n of ['+14155550100', '+14155550101', '+14155550102']) {
      numbers[n] = (await t.api.post(`${service}/PhoneNumbers`, { PhoneNumber: n })).body.sid;
    }
    session = `${service}/Sessions/${(await t.api.post(`${service}/Sessions`, {})).body.sid}`;
  });

  const inUse = async (number: string) => (await t.api.get(`${service}/PhoneNumbers/${numbers[number]}`)).body.in_use as number;

  test('create answers 201 with every field and a proxy number from the pool', async () => {
    const response = await t.api.post(`${session}/Participants`, { Identifier: ALICE, FriendlyName: 'Alice' });
    assert.equal(response.status, 201);
    const p = response.body;
    assert.match(p.sid, /^KP[0-9a-f]{32}$/);
    assert.equal(p.account_sid, TEST_ACCOUNT_SID);
    assert.equal(p.service_sid, service.split('/')[3]);
    assert.equal(p.session_sid, session.split('/')[5]);
    assert.equal(p.identifier, ALICE);
    assert.equal(p.friendly_name, 'Alice');
    assert.ok(Object.keys(numbers).includes(p.proxy_identifier), p.proxy_identifier);
    assert.equal(p.proxy_identifier_sid, numbers[p.proxy_identifier]);
    assert.equal(p.date_deleted, null);
    assert.equal(p.url, `${t.baseUrl}${session}/Participants/${p.sid}`);
    assert.deepEqual(p.links, { message_interactions: `${t.baseUrl}${session}/Participants/${p.sid}/MessageInteractions` });
    assert.equal(await inUse(p.proxy_identifier), 1);
    assert.deepEqual((await t.api.get(`${session}/Participants/${p.sid}`)).body, p);
  });

  test('the identifier is normalised to E.164 and must be a possible phone number (the simulator)', async () => {
    const { body } = await t.api.post(`${session}/Participants`, { Identifier: '+1 (212) 555-0101' });
    assert.equal(body.identifier, ALICE);
    for (const bad of ['+1555123456', '2125550101', 'messenger:123', '+1212', '+80012345678']) {
      assert.match(
        expectError(await t.api.post(`${session}/Participants`, { Identifier: bad }), 400, 80404),
        /valid, reachable phone number/,
      );
    }
    assert.match(expectError(await t.api.post(`${session}/Participants`, {}), 400, 20001), /Identifier/);
    assert.match(expectError(await t.api.post(`${session}/Participants`, { Identifier: ALICE.repeat(20) }), 400, 80701), /Identifier/);
    assert.match(
      expectError(await t.api.post(`${session}/Participants`, { Identifier: BOB, FriendlyName: 'x'.repeat(256) }), 400, 80701),
      /FriendlyName/,
    );
  });

  test('at most two participants, each identifier once (80609, 80103)', async () => {
    await t.api.post(`${session}/Participants`, { Identifier: ALICE });
    expectError(await t.api.post(`${session}/Participants`, { Identifier: ALICE }), 400, 80103);
    await t.api.post(`${session}/Participants`, { Identifier: BOB });
    assert.equal(
      expectError(await t.api.post(`${session}/Participants`, { Identifier: CAROL }), 400, 80609),
      'A Session may have at most 2 participants',
    );
    assert.equal((await t.api.get(`${session}/Participants`)).body.participants.length, 2);
  });

  test('remove is a soft delete: listed with date_deleted, number freed, identifier not re-addable', async () => {
    const { body: alice } = await t.api.post(`${session}/Participants`, { Identifier: ALICE });
    const removed = await t.api.delete(`${session}/Participants/${alice.sid}`);
    assert.equal(removed.status, 204);
    assert.equal(removed.text, '');
    assert.equal(await inUse(alice.proxy_identifier), 0);
    const fetched = (await t.api.get(`${session}/Participants/${alice.sid}`)).body;
    assert.match(fetched.date_deleted, /Z$/);
    const listed = (await t.api.get(`${session}/Participants`)).body.participants;
    assert.deepEqual(
      listed.map((p: { sid: string }) => p.sid),
      [alice.sid],
    );
    expectError(await t.api.delete(`${session}/Participants/${alice.sid}`), 404, 20404);
    assert.match(expectError(await t.api.post(`${session}/Participants`, { Identifier: ALICE }), 400, 80612), /previously removed/);
    // The place it held is free again.
    assert.equal((await t.api.post(`${session}/Participants`, { Identifier: BOB })).status, 201);
    assert.equal((await t.api.post(`${session}/Participants`, { Identifier: CAROL })).status, 201);
  });

  test('ProxyIdentifier and ProxyIdentifierSid pin a pool number', async () => {
    const byNumber = (await t.api.post(`${session}/Participants`, { Identifier: ALICE, ProxyIdentifier: '+14155550102' })).body;
    assert.equal(byNumber.proxy_identifier, '+14155550102');
    const bySid = (await t.api.post(`${session}/Participants`, { Identifier: BOB, ProxyIdentifierSid: numbers['+14155550102']! })).body;
    assert.equal(bySid.proxy_identifier, '+14155550102', 'both participants may share one number');
  });

  test('a pinned number must be in this service, match the SID, suit the mode and be free for the identifier', async () => {
    const other = `/v1/Services/${(await t.api.post('/v1/Services', { UniqueName: `other-${Math.random()}` })).body.sid}`;
    const foreign = (await t.api.post(`${other}/PhoneNumbers`, { PhoneNumber: '+14155550199' })).body.sid;
    expectError(await t.api.post(`${session}/Participants`, { Identifier: ALICE, ProxyIdentifier: '+14155550199' }), 400, 80605);
    expectError(await t.api.post(`${session}/Participants`, { Identifier: ALICE, ProxyIdentifierSid: foreign }), 400, 80605);
    expectError(await t.api.post(`${session}/Participants`, { Identifier: ALICE, ProxyIdentifier: '+14155550777' }), 400, 80605);
    expectError(await t.api.post(`${session}/Participants`, { Identifier: ALICE, ProxyIdentifierSid: 'PN123' }), 400, 80701);
    const mismatch = { Identifier: ALICE, ProxyIdentifier: '+14155550100', ProxyIdentifierSid: numbers['+14155550101']! };
    assert.match(expectError(await t.api.post(`${session}/Participants`, mismatch), 400, 80701), /ProxyIdentifierSid/);
    const smsOnly = (await t.api.post(`${service}/PhoneNumbers`, { PhoneNumber: '+14155550103', Capabilities: 'sms' })).body.phone_number;
    expectError(await t.api.post(`${session}/Participants`, { Identifier: ALICE, ProxyIdentifier: smsOnly }), 400, 80201);

    await t.api.post(`${session}/Participants`, { Identifier: ALICE, ProxyIdentifier: '+14155550100' });
    const second = `${service}/Sessions/${(await t.api.post(`${service}/Sessions`, {})).body.sid}`;
    const conflict = await t.api.post(`${second}/Participants`, { Identifier: ALICE, ProxyIdentifier: '+14155550100' });
    assert.match(expectError(conflict, 409, 80623), /already holds proxy number \+14155550100/);
    assert.equal((await t.api.get(`${second}/Participants`)).body.participants.length, 0, 'the refused participant was not written');
  });

  test('participants cannot join a closed session', async () => {
    await t.api.post(session, { Status: 'closed' });
    expectError(await t.api.post(`${session}/Participants`, { Identifier: ALICE }), 400, 80607);
  });

  test('unknown sessions and participants are 404; a list of a missing session too', async () => {
    const ghost = `${service}/Sessions/KC00000000000000000000000000000000`;
    expectError(await t.api.post(`${ghost}/Participants`, { Identifier: ALICE }), 404, 20404);
    expectError(await t.api.get(`${ghost}/Participants`), 404, 20404);
    expectError(await t.api.get(`${session}/Participants/KP00000000000000000000000000000000`), 404, 20404);
    expectError(await t.api.delete(`${session}/Participants/KP00000000000000000000000000000000`), 404, 20404);
    expectError(await t.api.get(`${session}/Participants/not-a-sid`), 404, 20404);
    assert.deepEqual((await t.api.get(`${session}/Participants`)).body.participants, []);
    expectError(await t.api.request('PUT', `${session}/Participants`), 405, 20004);
    expectError(await t.api.post(`${session}/Participants/KP00000000000000000000000000000000`, {}), 405, 20004);
  });
});
