// The masking invariant under concurrent requests: one identifier never holds the same pool number
// in two active sessions of a service, and each number's in_use always counts the active
// participants holding it. On PostgreSQL these requests really run at the same time.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http-client.js';
import type { Response } from '../helpers/http-client.js';

const ALICE = '+12125550100';
const BOB = '+12125550101';

/** A 4xx Twilio error with one of these codes (expectError checks the shape of every error). */
function expectOneOf(response: Response, codes: number[]): void {
  assert.ok(response.status >= 400 && response.status < 500, `expected a 4xx, got ${response.status}: ${response.text}`);
  assert.ok(codes.includes(response.body.code), `expected one of ${codes.join('/')}, got ${response.text}`);
  expectError(response, response.status, response.body.code as number);
}

describe('Concurrency and the masking invariant', () => {
  let t: TestApp;
  let numberSuffix = 100;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const newService = async () => {
    const response = await t.api.post('/v1/Services', { UniqueName: `conc-${randomUUID()}` });
    assert.equal(response.status, 201, response.text);
    return response.body.sid as string;
  };
  /** Adds `count` numbers to the pool; numbers belong to one service of an account, so each is new. */
  const addNumbers = async (serviceSid: string, count: number) => {
    const sids: string[] = [];
    for (let i = 0; i < count; i++) {
      const phoneNumber = `+1415555${String(numberSuffix++).padStart(4, '0')}`;
      const response = await t.api.post(`/v1/Services/${serviceSid}/PhoneNumbers`, { PhoneNumber: phoneNumber });
      assert.equal(response.status, 201, response.text);
      sids.push(response.body.sid as string);
    }
    return sids;
  };
  const sessionsOf = (serviceSid: string) => `/v1/Services/${serviceSid}/Sessions`;
  const newSessions = async (serviceSid: string, count: number) => {
    const sids: string[] = [];
    for (let i = 0; i < count; i++) {
      const response = await t.api.post(sessionsOf(serviceSid), {});
      assert.equal(response.status, 201, response.text);
      sids.push(response.body.sid as string);
    }
    return sids;
  };
  const addParticipant = (serviceSid: string, sessionSid: string, identifier: string) =>
    t.api.post(`${sessionsOf(serviceSid)}/${sessionSid}/Participants`, { Identifier: identifier });
  /** in_use of every pool number, by number SID. */
  const inUse = async (serviceSid: string) => {
    const { body } = await t.api.get(`/v1/Services/${serviceSid}/PhoneNumbers`, { PageSize: 1000 });
    return new Map((body.phone_numbers as any[]).map((number) => [number.sid as string, number.in_use as number]));
  };
  /** The participants (not removed) of the service's active sessions, as the API lists them. */
  const activeParticipants = async (serviceSid: string) => {
    const { body } = await t.api.get(sessionsOf(serviceSid), { PageSize: 1000 });
    const active = (body.sessions as any[]).filter((session) => session.status === 'open' || session.status === 'in-progress');
    const participants: any[] = [];
    for (const session of active) {
      const listed = await t.api.get(`${sessionsOf(serviceSid)}/${session.sid}/Participants`, { PageSize: 1000 });
      participants.push(...(listed.body.participants as any[]).filter((participant) => participant.date_deleted === null));
    }
    return participants;
  };
  /** No identifier holds a number twice among active sessions, and in_use counts the holders. */
  const assertInvariant = async (serviceSid: string) => {
    const participants = await activeParticipants(serviceSid);
    const pairs = participants.map((participant) => `${participant.identifier} ${participant.proxy_identifier}`);
    assert.equal(new Set(pairs).size, pairs.length, `an identifier holds a number twice: ${pairs.sort().join(', ')}`);
    const holders = new Map<string, number>();
    for (const participant of participants) {
      holders.set(participant.proxy_identifier_sid, (holders.get(participant.proxy_identifier_sid) ?? 0) + 1);
    }
    for (const [sid, count] of await inUse(serviceSid)) {
      assert.equal(count, holders.get(sid) ?? 0, `in_use of ${sid} is ${count}, but ${holders.get(sid) ?? 0} active participants hold it`);
    }
    return participants;
  };

  test('50 parallel participant creates for one identifier on a pool of 10: exactly 10 succeed (3 rounds)', async () => {
    for (let round = 1; round <= 3; round++) {
      const ks = await newService();
      const numbers = await addNumbers(ks, 10);
      const sessions = await newSessions(ks, 50);
      const answers = await Promise.all(sessions.map((sessionSid) => addParticipant(ks, sessionSid, ALICE)));

      const created = answers.filter((answer) => answer.status === 201);
      const codes = answers.map((answer) => answer.status).join(',');
      assert.equal(created.length, 10, `round ${round}: exactly 10 succeed (${codes})`);
      const proxies = created.map((answer) => answer.body.proxy_identifier_sid as string);
      assert.equal(new Set(proxies).size, 10, `round ${round}: 10 distinct proxy numbers`);
      assert.deepEqual([...proxies].sort(), [...numbers].sort());
      assert.equal(new Set(created.map((answer) => answer.body.proxy_identifier)).size, 10);
      for (const answer of answers) {
        if (answer.status !== 201) expectOneOf(answer, [80208, 80623]);
      }
      const counts = await inUse(ks);
      assert.deepEqual([...counts.values()], Array(10).fill(1), `round ${round}: every number in use once`);
      const participants = await assertInvariant(ks);
      assert.equal(participants.length, 10);
    }
  });

  test('20 different identifiers on a pool of 2 numbers all get a number (sharing is fine)', async () => {
    const ks = await newService();
    await addNumbers(ks, 2);
    const sessions = await newSessions(ks, 10);
    const identifiers = Array.from({ length: 20 }, (_, i) => `+1212555${String(200 + i).padStart(4, '0')}`);
    // Two participants per session, all 20 requests at once.
    const answers = await Promise.all(identifiers.map((identifier, i) => addParticipant(ks, sessions[i % 10]!, identifier)));
    for (const answer of answers) assert.equal(answer.status, 201, answer.text);
    const counts = await inUse(ks);
    assert.equal(
      [...counts.values()].reduce((sum, count) => sum + count, 0),
      20,
    );
    const participants = await assertInvariant(ks);
    assert.equal(participants.length, 20);
    assert.deepEqual(participants.map((participant) => participant.identifier).sort(), identifiers);
  });

  test('parallel session creates with the same two inline participants on a pool of 3: exactly 3 succeed', async () => {
    const ks = await newService();
    await addNumbers(ks, 3);
    const form = { Participants: [JSON.stringify({ Identifier: ALICE }), JSON.stringify({ Identifier: BOB })] };
    const answers = await Promise.all(Array.from({ length: 12 }, () => t.api.post(sessionsOf(ks), form)));

    const created = answers.filter((answer) => answer.status === 201);
    assert.equal(created.length, 3, `exactly 3 succeed: ${answers.map((answer) => answer.status).join(',')}`);
    for (const answer of answers) {
      if (answer.status !== 201) expectOneOf(answer, [80208, 80623]);
    }
    // A failed create leaves nothing behind: no session, no participant, no number held.
    const { body } = await t.api.get(sessionsOf(ks), { PageSize: 1000 });
    assert.deepEqual((body.sessions as any[]).map((session) => session.sid).sort(), created.map((answer) => answer.body.sid).sort());
    const participants = await assertInvariant(ks);
    assert.equal(participants.length, 6);
    for (const identifier of [ALICE, BOB]) {
      const held = participants
        .filter((participant) => participant.identifier === identifier)
        .map((participant) => participant.proxy_identifier);
      assert.equal(held.length, 3);
      assert.equal(new Set(held).size, 3, `${identifier} holds ${held.join(', ')}`);
    }
    assert.deepEqual([...(await inUse(ks)).values()], [2, 2, 2]);
  });

  test('parallel close and re-open never leave in_use out of step with the active participants', async () => {
    const ks = await newService();
    await addNumbers(ks, 3);
    const create = async (a: string, b: string) => {
      const created = await t.api.post(sessionsOf(ks), {
        Participants: [a, b].map((identifier) => JSON.stringify({ Identifier: identifier })),
      });
      assert.equal(created.status, 201, created.text);
      return created.body.sid as string;
    };
    const close = async (sids: string[]) => {
      for (const sid of sids) {
        const closed = await t.api.post(`${sessionsOf(ks)}/${sid}`, { Status: 'closed' });
        assert.equal(closed.status, 200, closed.text);
      }
    };
    const partner = (i: number) => `+1212555${String(300 + i).padStart(4, '0')}`;
    // Alice in 9 sessions with a partner each, made 3 at a time so that her sessions spread over
    // the 3 numbers: re-opening them races for her numbers (80604 for the losers).
    const sessions: string[] = [];
    for (let batch = 0; batch < 3; batch++) {
      const made = [];
      for (let i = 0; i < 3; i++) made.push(await create(ALICE, partner(batch * 3 + i)));
      await close(made);
      sessions.push(...made);
    }
    // And 6 sessions of pairs seen nowhere else: their re-opens run side by side, unserialised.
    for (let i = 0; i < 6; i++) {
      const sid = await create(partner(20 + 2 * i), partner(21 + 2 * i));
      await close([sid]);
      sessions.push(sid);
    }
    const aliceNumbers = new Set<string>();
    for (const sid of sessions.slice(0, 9)) {
      const { body } = await t.api.get(`${sessionsOf(ks)}/${sid}/Participants`);
      for (const participant of body.participants as any[])
        if (participant.identifier === ALICE) aliceNumbers.add(participant.proxy_identifier);
    }
    assert.equal(aliceNumbers.size, 3, 'Alice has had each of the 3 numbers');
    assert.deepEqual(await assertInvariant(ks), []);

    // Answers other than 200 or the expected 4xx, kept so that every round's invariant is checked.
    const unexpected: string[] = [];
    const send = async (round: number, requests: Array<[string, string]>, allowed: number[]) => {
      const answers = await Promise.all(requests.map(([sid, status]) => t.api.post(`${sessionsOf(ks)}/${sid}`, { Status: status })));
      answers.forEach((answer, i) => {
        const [sid, status] = requests[i]!;
        if (answer.status === 200) return;
        if (answer.status >= 400 && answer.status < 500 && allowed.includes(answer.body.code)) return;
        unexpected.push(`round ${round}: Status=${status} on ${sid} answered ${answer.status}: ${answer.text}`);
      });
    };
    const REOPEN = 'in-progress';
    const CLOSE = 'closed';
    for (let round = 0; round < 6; round++) {
      // All closed: every session re-opened, half of them closed at the same time. Allowed:
      // 80604 Alice already holds that number in another active session; 80607/80608 the session
      // was not (or no longer) in the state the request needs.
      await send(
        round,
        sessions.flatMap((sid, i): Array<[string, string]> =>
          (i + round) % 2 === 0
            ? [
                [sid, REOPEN],
                [sid, CLOSE],
              ]
            : [[sid, REOPEN]],
        ),
        [80604, 80607, 80608, 80623],
      );
      await assertInvariant(ks);
      // Some open, some closed: two closes and a re-open of every session at once.
      await send(
        round,
        sessions.flatMap((sid): Array<[string, string]> => [
          [sid, CLOSE],
          [sid, CLOSE],
          [sid, REOPEN],
        ]),
        [80604, 80607, 80608, 80623],
      );
      await assertInvariant(ks);
      // Then close them all at once, twice over.
      await send(
        round,
        sessions.flatMap((sid): Array<[string, string]> => [
          [sid, CLOSE],
          [sid, CLOSE],
        ]),
        [80607],
      );
      await assertInvariant(ks);
      assert.deepEqual([...(await inUse(ks)).values()], [0, 0, 0], `round ${round}: all closed, no number in use`);
    }
    assert.deepEqual(unexpected, [], 'every answer is a 200 or an expected Twilio 4xx');
  });
});

describe('A clock advance while the expiry job is running', () => {
  let t: TestApp;
  before(async () => {
    // The shortest sweep interval: a pass of the job is under way most of the time.
    t = await startTestApp({ PARLEY_EXPIRY_SWEEP_MS: '10' });
  });
  after(() => t.close());

  test('numbers held by sessions that expired on the way are free when the advance answers', async () => {
    const { body: service } = await t.api.post('/v1/Services', { UniqueName: `conc-${randomUUID()}` });
    const sessions = `/v1/Services/${service.sid}/Sessions`;
    const number = await t.api.post(`/v1/Services/${service.sid}/PhoneNumbers`, { PhoneNumber: '+14155550199' });
    assert.equal(number.status, 201, number.text);
    const participants = [JSON.stringify({ Identifier: ALICE })];
    const failures: string[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      // Alice takes the only number; 61 s later her session has expired and the number is free.
      const created = await t.api.post(sessions, { Ttl: 60, Participants: participants });
      if (created.status !== 201) failures.push(`attempt ${attempt}: ${created.status} ${created.text}`);
      const advanced = await t.api.post('/simulator/v1/Clock', { Advance: 61 });
      assert.equal(advanced.status, 200, advanced.text);
    }
    assert.deepEqual(failures, [], 'the expired session still held the number after POST /simulator/v1/Clock answered');
  });
});
