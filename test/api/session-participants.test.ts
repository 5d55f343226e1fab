// Sessions and the numbers their participants hold: inline participants, close, re-open, expiry, delete.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { servicePerTest } from '../helpers/factories.js';
import { expectError } from '../helpers/http-client.js';

const ALICE = '+12125550101';
const BOB = '+12125550102';

describe('Session create with Participants', () => {
  let t: TestApp;
  let service: string;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
  const pool = servicePerTest(() => t.api, ['+14155550100', '+14155550101']);
  beforeEach(() => void (service = pool.service));

  const participantsOf = async (sessionSid: string) =>
    (await t.api.get(`${service}/Sessions/${sessionSid}/Participants`)).body.participants as Array<Record<string, string>>;
  const totalInUse = async () =>
    ((await t.api.get(`${service}/PhoneNumbers`)).body.phone_numbers as Array<{ in_use: number }>).reduce((sum, n) => sum + n.in_use, 0);

  test('accepts PascalCase, camelCase and snake_case keys, as the official clients pass them through', async () => {
    const response = await t.api.post(`${service}/Sessions`, {
      UniqueName: 'inline',
      Participants: [
        JSON.stringify({ identifier: ALICE, friendlyName: 'Alice' }),
        JSON.stringify({ Identifier: BOB, FriendlyName: 'Bob & Co, "Ltd" ü', ProxyIdentifier: '+14155550101' }),
      ],
    });
    assert.equal(response.status, 201);
    const participants = await participantsOf(response.body.sid);
    const byIdentifier = Object.fromEntries(participants.map((p) => [p.identifier, p]));
    assert.equal(byIdentifier[ALICE]!.friendly_name, 'Alice');
    assert.equal(byIdentifier[BOB]!.friendly_name, 'Bob & Co, "Ltd" ü');
    assert.equal(byIdentifier[BOB]!.proxy_identifier, '+14155550101');
    const snake = await t.api.post(`${service}/Sessions`, {
      Participants: JSON.stringify({ identifier: '+12125550103', friendly_name: 'Carol', proxy_identifier: '+14155550100' }),
    });
    assert.equal((await participantsOf(snake.body.sid))[0]!.friendly_name, 'Carol');
    const bracketed = await t.api.post(`${service}/Sessions`, { 'Participants[Identifier]': '+12125550104' });
    assert.equal((await participantsOf(bracketed.body.sid))[0]!.identifier, '+12125550104');
    assert.equal(await totalInUse(), 4);
  });

  test('all or nothing: a failing participant leaves no session, participant or held number, and is named', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [[JSON.stringify({ Identifier: ALICE }), JSON.stringify({ Identifier: '+1555123456' })], 80404, /^Participants\[1\]: /],
      [[JSON.stringify({ Identifier: ALICE }), JSON.stringify({ Identifier: ALICE })], 80103, /^Participants\[1\]: /],
      [
        [JSON.stringify({ Identifier: ALICE }), JSON.stringify({ Identifier: BOB, ProxyIdentifier: '+14155550999' })],
        80605,
        /^Participants\[1\]: /,
      ],
      [[JSON.stringify({ Identifier: '+447911123456' })], 80203, /^Participants\[0\]: /],
    ];
    for (const [participants, code, message] of cases) {
      const response = await t.api.post(`${service}/Sessions`, { UniqueName: 'atomic', Participants: participants });
      assert.match(expectError(response, 400, code), message, JSON.stringify(participants));
    }
    assert.deepEqual((await t.api.get(`${service}/Sessions`)).body.sessions, []);
    assert.equal(await totalInUse(), 0);
    assert.equal((await t.api.post(`${service}/Sessions`, { UniqueName: 'atomic' })).status, 201, 'the unique name was never taken');
  });

  test('all or nothing when the database refuses the last participant: its number is taken elsewhere', async () => {
    // Refused by the assignments' unique index, in the statements that leave with the COMMIT.
    const held = await t.api.post(`${service}/Sessions`, {
      Participants: [JSON.stringify({ Identifier: BOB, ProxyIdentifier: '+14155550101' })],
    });
    assert.equal(held.status, 201, held.text);
    const participants = [JSON.stringify({ Identifier: ALICE }), JSON.stringify({ Identifier: BOB, ProxyIdentifier: '+14155550101' })];
    const refused = await t.api.post(`${service}/Sessions`, { UniqueName: 'atomic', Participants: participants });
    assert.match(expectError(refused, 409, 80623), /^Participants\[1\]: .*already holds proxy number \+14155550101/);
    const sessions = (await t.api.get(`${service}/Sessions`)).body.sessions as Array<{ sid: string }>;
    assert.deepEqual(
      sessions.map((session) => session.sid),
      [held.body.sid],
      'no session, participant or held number was written',
    );
    assert.equal(await totalInUse(), 1);
    assert.equal((await t.api.post(`${service}/Sessions`, { UniqueName: 'atomic' })).status, 201, 'the unique name was never taken');
  });
});

describe('Numbers held by a session over its life', () => {
  let t: TestApp;
  let service: string;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
  const pool = servicePerTest(() => t.api, ['+14155550100']);
  beforeEach(() => void (service = pool.service));

  const inUse = async () => (await t.api.get(`${service}/PhoneNumbers/%2B14155550100`)).body.in_use as number;
  const pair = async (form: Record<string, string | number> = {}) =>
    (
      await t.api.post(`${service}/Sessions`, {
        ...form,
        Participants: [JSON.stringify({ Identifier: ALICE }), JSON.stringify({ Identifier: BOB })],
      })
    ).body as { sid: string };

  test('closing releases the numbers; re-opening takes them back', async () => {
    const session = await pair();
    assert.equal(await inUse(), 2);
    await t.api.post(`${service}/Sessions/${session.sid}`, { Status: 'closed' });
    assert.equal(await inUse(), 0);
    const other = await pair();
    assert.equal(await inUse(), 2, 'the released number serves the same identifiers in a new session');
    await t.api.delete(`${service}/Sessions/${other.sid}`);
    assert.equal(await inUse(), 0, 'deleting a session releases its numbers');
    await t.api.post(`${service}/Sessions/${session.sid}`, { Status: 'in-progress' });
    assert.equal(await inUse(), 2);
  });

  test('re-opening fails with 80604 and stays closed when an identifier holds the number elsewhere', async () => {
    const first = await pair();
    await t.api.post(`${service}/Sessions/${first.sid}`, { Status: 'closed' });
    await pair();
    const message = expectError(await t.api.post(`${service}/Sessions/${first.sid}`, { Status: 'in-progress' }), 400, 80604);
    assert.match(message, /Proxy identifier already in use/);
    assert.equal((await t.api.get(`${service}/Sessions/${first.sid}`)).body.status, 'closed');
    assert.equal(await inUse(), 2);
  });

  test('expiry releases the numbers in the same step that closes the session', async () => {
    const session = await pair({ Ttl: 60 });
    assert.equal(await inUse(), 2);
    await t.api.post('/simulator/v1/Clock', { Advance: 61 });
    assert.equal((await t.api.get(`${service}/Sessions/${session.sid}`)).body.closed_reason, 'ttl');
    assert.equal(await inUse(), 0);
    assert.equal((await pair()).sid.startsWith('KC'), true);
  });

  test('deleting the service takes its numbers, sessions and participants with it', async () => {
    await pair();
    assert.equal((await t.api.delete(service)).status, 204);
    expectError(await t.api.get(`${service}/PhoneNumbers`), 404, 20404);
    const db = t.app.parley.database.db;
    assert.deepEqual(await db.selectFrom('assignments').select('participant_sid').execute(), []);
  });
});
