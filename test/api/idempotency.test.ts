// Idempotency-Key on authenticated POSTs: the first 2xx answer for (account, key) is replayed to
// a retry of the same request; the same key with another request is a 422, a key still being
// processed a 409; failures are not kept; keys are forgotten after PARLEY_IDEMPOTENCY_TTL.

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { expectError, formEncode } from '../helpers/http-client.js';
import type { Form, Response } from '../helpers/http-client.js';

const REPLAYED = 'idempotent-replayed';

/** A fresh key for every test, so no test sees another's. */
const newKey = () => `key-${randomUUID()}`;

/** Asserts that `retry` is the replay of `original`: same status, same bytes, the header set. */
function assertReplay(retry: Response, original: Response): void {
  assert.equal(original.headers.get(REPLAYED), null, 'the first answer is not a replay');
  assert.equal(retry.status, original.status, retry.text);
  assert.equal(retry.headers.get(REPLAYED), 'true', 'a replay carries Idempotent-Replayed: true');
  assert.equal(retry.text, original.text, 'a replay has the very same body');
  assert.equal(retry.headers.get('content-type'), original.headers.get('content-type'));
}

describe('Idempotency-Key', () => {
  let t: TestApp;
  let numberSuffix = 100;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const withKey = (key: string) => ({ headers: { 'Idempotency-Key': key } });
  const newService = async () => {
    const { body } = await t.api.post('/v1/Services', { UniqueName: `idem-${randomUUID()}` });
    return body.sid as string;
  };
  const sessionsOf = (serviceSid: string) => `/v1/Services/${serviceSid}/Sessions`;
  const listSessions = async (serviceSid: string) => (await t.api.get(sessionsOf(serviceSid), { PageSize: 1000 })).body.sessions as any[];
  const addNumber = async (serviceSid: string) => {
    const phoneNumber = `+1415555${String(numberSuffix++).padStart(4, '0')}`;
    const response = await t.api.post(`/v1/Services/${serviceSid}/PhoneNumbers`, { PhoneNumber: phoneNumber });
    assert.equal(response.status, 201, response.text);
    return response.body as { sid: string };
  };
  const listNumbers = async (serviceSid: string) =>
    (await t.api.get(`/v1/Services/${serviceSid}/PhoneNumbers`, { PageSize: 1000 })).body.phone_numbers as any[];

  test('a retried session create is replayed: same 201, same bytes, one session', async () => {
    const ks = await newService();
    const key = newKey();
    const form = { Ttl: 3600, Mode: 'message-only' };
    const first = await t.api.post(sessionsOf(ks), form, withKey(key));
    assert.equal(first.status, 201, first.text);
    const retry = await t.api.post(sessionsOf(ks), form, withKey(key));
    assertReplay(retry, first);
    const again = await t.api.post(sessionsOf(ks), form, withKey(key));
    assertReplay(again, first);
    const sessions = await listSessions(ks);
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].sid, first.body.sid);
  });

  test('a retried service create is replayed and creates one service', async () => {
    const key = newKey();
    const form = { UniqueName: `idem-service-${randomUUID()}`, DefaultTtl: 600 };
    const first = await t.api.post('/v1/Services', form, withKey(key));
    assert.equal(first.status, 201, first.text);
    const retry = await t.api.post('/v1/Services', form, withKey(key));
    assertReplay(retry, first);
    const services = (await t.api.get('/v1/Services', { PageSize: 1000 })).body.services as any[];
    assert.deepEqual(
      services.filter((service) => service.unique_name === form.UniqueName).map((service) => service.sid),
      [first.body.sid],
    );
  });

  test('a retried participant create is replayed and does not take a second number', async () => {
    const ks = await newService();
    await addNumber(ks);
    await addNumber(ks);
    const { body: session } = await t.api.post(sessionsOf(ks), {});
    const participants = `${sessionsOf(ks)}/${session.sid}/Participants`;
    const key = newKey();
    const form = { Identifier: '+12125550142', FriendlyName: 'Alice' };
    const first = await t.api.post(participants, form, withKey(key));
    assert.equal(first.status, 201, first.text);
    const retry = await t.api.post(participants, form, withKey(key));
    assertReplay(retry, first);

    const numbers = await listNumbers(ks);
    const held = numbers.find((number) => number.sid === first.body.proxy_identifier_sid);
    assert.equal(held?.in_use, 1, 'the replay took no number');
    assert.equal(
      numbers.reduce((sum, number) => sum + number.in_use, 0),
      1,
    );
    const listed = (await t.api.get(participants)).body.participants as any[];
    assert.deepEqual(
      listed.map((participant) => participant.sid),
      [first.body.sid],
    );
  });

  test('the same key with a different body is 422 / 70002, and the first answer still replays', async () => {
    const ks = await newService();
    const key = newKey();
    const first = await t.api.post(sessionsOf(ks), { Ttl: 60 }, withKey(key));
    assert.equal(first.status, 201, first.text);
    assert.match(expectError(await t.api.post(sessionsOf(ks), { Ttl: 61 }, withKey(key)), 422, 70002), /different request/);
    expectError(await t.api.post(sessionsOf(ks), {}, withKey(key)), 422, 70002);
    expectError(await t.api.post(sessionsOf(ks), { Ttl: 60, Mode: 'voice-only' }, withKey(key)), 422, 70002);
    assert.equal((await listSessions(ks)).length, 1, 'the 422s created nothing');
    assertReplay(await t.api.post(sessionsOf(ks), { Ttl: 60 }, withKey(key)), first);
  });

  test('the same key on another path is 422 / 70002', async () => {
    const ks = await newService();
    const other = await newService();
    const key = newKey();
    const form = { Ttl: 60 };
    const first = await t.api.post(sessionsOf(ks), form, withKey(key));
    assert.equal(first.status, 201, first.text);
    // The very same body, to another service's sessions.
    expectError(await t.api.post(sessionsOf(other), form, withKey(key)), 422, 70002);
    // Another resource altogether.
    expectError(await t.api.post('/v1/Services', { UniqueName: `idem-${randomUUID()}` }, withKey(key)), 422, 70002);
    // An update of the session just created.
    expectError(await t.api.post(`${sessionsOf(ks)}/${first.body.sid}`, form, withKey(key)), 422, 70002);
    assert.equal((await listSessions(other)).length, 0);
    assertReplay(await t.api.post(sessionsOf(ks), form, withKey(key)), first);
  });

  test('a failed first request is not kept: its retry runs again and a corrected retry succeeds', async () => {
    const ks = await newService();
    const key = newKey();
    const failed = await t.api.post(sessionsOf(ks), { Ttl: 'abc' }, withKey(key));
    assert.match(expectError(failed, 400, 80701), /'Ttl'/);
    assert.equal(failed.headers.get(REPLAYED), null);
    // The same failing request again: run again (not replayed), fails again.
    const failedAgain = await t.api.post(sessionsOf(ks), { Ttl: 'abc' }, withKey(key));
    expectError(failedAgain, 400, 80701);
    assert.equal(failedAgain.headers.get(REPLAYED), null);
    // The corrected request has another body, but nothing was kept for the key: it runs.
    const corrected = await t.api.post(sessionsOf(ks), { Ttl: 60 }, withKey(key));
    assert.equal(corrected.status, 201, corrected.text);
    assert.equal(corrected.headers.get(REPLAYED), null);
    assertReplay(await t.api.post(sessionsOf(ks), { Ttl: 60 }, withKey(key)), corrected);
    assert.equal((await listSessions(ks)).length, 1);
  });

  test('a failure after the key was claimed (unknown service, 404) is not kept either', async () => {
    const key = newKey();
    const missing = sessionsOf('KS00000000000000000000000000000000');
    expectError(await t.api.post(missing, {}, withKey(key)), 404, 20404);
    // Were the claim kept, this (another path) would be a 422.
    const ks = await newService();
    const created = await t.api.post(sessionsOf(ks), {}, withKey(key));
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.get(REPLAYED), null);
  });

  test('10 identical concurrent requests with one key create exactly one session', async () => {
    const ks = await newService();
    await addNumber(ks);
    const key = newKey();
    const form = { Ttl: 3600, Participants: [JSON.stringify({ Identifier: '+12125550143' })] };
    const answers = await Promise.all(Array.from({ length: 10 }, () => t.api.post(sessionsOf(ks), form, withKey(key))));

    const created = answers.filter((answer) => answer.status === 201);
    const originals = created.filter((answer) => answer.headers.get(REPLAYED) === null);
    assert.equal(originals.length, 1, `exactly one original answer: ${answers.map((a) => a.status).join(',')}`);
    for (const answer of answers) {
      if (answer.status === 201) {
        assert.equal(answer.text, originals[0]!.text, 'every 201 is the one session');
      } else {
        assert.match(expectError(answer, 409, 70002), /still being processed/);
      }
    }
    const sessions = await listSessions(ks);
    assert.deepEqual(
      sessions.map((session) => session.sid),
      [originals[0]!.body.sid],
    );
    assert.deepEqual(
      (await listNumbers(ks)).map((number) => number.in_use),
      [1],
    );
    // Once answered, the key replays.
    assertReplay(await t.api.post(sessionsOf(ks), form, withKey(key)), originals[0]!);
  });

  test('a key claimed by a request that never answered is 409 until the claim is stale', async () => {
    const ks = await newService();
    const key = newKey();
    const form: Form = { Ttl: 120 };
    const path = sessionsOf(ks);
    // What a request that crashed between claiming the key and answering leaves behind. The
    // digest is the hook's: method, path and a SHA-256 of the raw body.
    const bodyDigest = createHash('sha256').update(formEncode(form)).digest('hex');
    const now = (await t.api.get('/simulator/v1/Clock')).body.now_ms as number;
    await t.app.parley.database.db
      .insertInto('idempotency_keys')
      .values({
        account_sid: TEST_ACCOUNT_SID,
        key,
        request_digest: createHash('sha256').update(`POST ${path}\n${bodyDigest}`).digest('hex'),
        status: null,
        response: null,
        date_created: now,
        expires_at: now + 86_400_000,
      })
      .execute();
    assert.match(expectError(await t.api.post(path, form, withKey(key)), 409, 70002), /still being processed/);
    expectError(await t.api.post(path, { Ttl: 121 }, withKey(key)), 422, 70002);
    assert.equal((await listSessions(ks)).length, 0);
    // A minute later the claim is deemed abandoned: the retry takes it over and runs.
    await advance(61);
    const created = await t.api.post(path, form, withKey(key));
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.get(REPLAYED), null);
    assertReplay(await t.api.post(path, form, withKey(key)), created);
  });

  test('after PARLEY_IDEMPOTENCY_TTL (86400 s by default) the key is forgotten', async () => {
    const ks = await newService();
    const key = newKey();
    const form = { Mode: 'voice-only' };
    const first = await t.api.post(sessionsOf(ks), form, withKey(key));
    assert.equal(first.status, 201, first.text);
    await advance(86_400 - 60);
    assertReplay(await t.api.post(sessionsOf(ks), form, withKey(key)), first);
    await advance(61);
    const fresh = await t.api.post(sessionsOf(ks), form, withKey(key));
    assert.equal(fresh.status, 201, fresh.text);
    assert.equal(fresh.headers.get(REPLAYED), null, 'past its TTL the key is not replayed');
    assert.notEqual(fresh.body.sid, first.body.sid, 'the retry created a new session');
    assert.equal((await listSessions(ks)).length, 2);
    // The key now belongs to the new answer, and another body is a 422 again.
    assertReplay(await t.api.post(sessionsOf(ks), form, withKey(key)), fresh);
    expectError(await t.api.post(sessionsOf(ks), { Mode: 'message-only' }, withKey(key)), 422, 70002);
  });

  test('invalid keys are 400 / 80701 and nothing is created', async () => {
    const ks = await newService();
    const invalid = ['', 'x'.repeat(256), 'has space', 'tab\there', 'cl\u00e9'];
    for (const key of invalid) {
      const message = expectError(await t.api.post(sessionsOf(ks), {}, withKey(key)), 400, 80701);
      assert.match(message, /Idempotency-Key/, JSON.stringify(key));
    }
    assert.equal((await listSessions(ks)).length, 0);
    // The longest valid key, and every visible ASCII character, are accepted.
    for (const key of ['k'.repeat(255), '!"#$%&\'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~']) {
      const response = await t.api.post(sessionsOf(ks), {}, withKey(key));
      assert.equal(response.status, 201, `${key}: ${response.text}`);
    }
    assert.equal((await listSessions(ks)).length, 2);
  });

  test('without the header, or on a GET, nothing changes: every POST runs', async () => {
    const ks = await newService();
    const first = await t.api.post(sessionsOf(ks), { Ttl: 60 });
    const second = await t.api.post(sessionsOf(ks), { Ttl: 60 });
    for (const response of [first, second]) {
      assert.equal(response.status, 201, response.text);
      assert.equal(response.headers.get(REPLAYED), null);
    }
    assert.notEqual(first.body.sid, second.body.sid);
    assert.equal((await listSessions(ks)).length, 2);
    // A GET ignores the header, even an invalid one.
    const read = await t.api.get(sessionsOf(ks), undefined, withKey(''));
    assert.equal(read.status, 200, read.text);
    assert.equal(read.headers.get(REPLAYED), null);
  });

  async function advance(seconds: number): Promise<void> {
    const response = await t.api.post('/simulator/v1/Clock', { Advance: seconds });
    assert.equal(response.status, 200, response.text);
  }
});

describe('Idempotency-Key lifetime without the expiry job', () => {
  let t: TestApp;
  before(async () => {
    // PARLEY_IDEMPOTENCY_TTL=1, and an expiry job that never gets to run during the test.
    t = await startTestApp({ PARLEY_IDEMPOTENCY_TTL: '1', PARLEY_EXPIRY_SWEEP_MS: '3600000' });
  });
  after(() => t.close());

  test('a key past its TTL is not replayed, even before the expiry job has purged it', async () => {
    const { body: service } = await t.api.post('/v1/Services', { UniqueName: `idem-${randomUUID()}` });
    const path = `/v1/Services/${service.sid}/Sessions`;
    const key = newKey();
    const options = { headers: { 'Idempotency-Key': key } };
    const first = await t.api.post(path, {}, options);
    assert.equal(first.status, 201, first.text);
    assertReplay(await t.api.post(path, {}, options), first);
    await sleep(1200);
    const retry = await t.api.post(path, {}, options);
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.headers.get(REPLAYED), null, 'replayed after PARLEY_IDEMPOTENCY_TTL=1 s had passed');
    assert.notEqual(retry.body.sid, first.body.sid);
  });
});
