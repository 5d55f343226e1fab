import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { frozenClock, startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { expectError } from '../helpers/http-client.js';
import { formatDate } from '../../src/common/dates.js';

describe('Session expiry with the simulator clock', () => {
  let t: TestApp;
  before(async () => {
    // Server time moves only with `advance`: a Ttl window is exact.
    t = await startTestApp({}, { clock: frozenClock() });
  });
  after(() => t.close());

  const advance = async (seconds: number) => {
    const response = await t.api.post('/simulator/v1/Clock', { Advance: seconds });
    assert.equal(response.status, 200, response.text);
    return response.body as { now: string; now_ms: number; offset_seconds: number };
  };
  const now = async () => (await t.api.get('/simulator/v1/Clock')).body.now_ms as number;
  const newService = async (form: Record<string, string | number> = {}) => {
    const service = (await t.api.post('/v1/Services', { UniqueName: `svc-${Math.random()}`, ...form })).body;
    return `/v1/Services/${service.sid}/Sessions`;
  };
  const storedStatus = async (sid: string) =>
    await t.app.parley.database.db
      .selectFrom('sessions')
      .select(['status', 'closed_reason'])
      .where('sid', '=', sid)
      .executeTakeFirstOrThrow();

  test('the clock endpoint shows and advances the server time', async () => {
    const before = (await t.api.get('/simulator/v1/Clock')).body;
    const after = await advance(3600);
    assert.ok(after.now_ms - before.now_ms >= 3600_000);
    assert.equal(after.offset_seconds - before.offset_seconds, 3600);
    assert.match(after.now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(expectError(await t.api.post('/simulator/v1/Clock', { Advance: -5 }), 400, 80701), /Advance/);
    expectError(await t.api.post('/simulator/v1/Clock', {}), 400, 20001);
    expectError(await t.anonymous.get('/simulator/v1/Clock'), 401, 20003);
  });

  test('a session past its Ttl reads as closed at once, and the job writes it down', async () => {
    const path = await newService();
    const { body: session } = await t.api.post(path, { Ttl: 60 });
    await advance(59);
    assert.equal((await t.api.get(`${path}/${session.sid}`)).body.status, 'open');
    await advance(2);
    const { body: expired } = await t.api.get(`${path}/${session.sid}`);
    assert.equal(expired.status, 'closed');
    assert.equal(expired.closed_reason, 'ttl');
    assert.equal(expired.date_ended, formatDate(Date.parse(session.date_created) + 60_000));
    const listed = (await t.api.get(path)).body.sessions[0];
    assert.deepEqual(listed, expired);
    await eventually(async () => assert.equal((await storedStatus(session.sid)).status, 'closed', 'the expiry job wrote it down'));
    assert.deepEqual(await storedStatus(session.sid), { status: 'closed', closed_reason: 'ttl' });
    assert.deepEqual((await t.api.get(`${path}/${session.sid}`)).body, expired);
  });

  test('DateExpiry overrides Ttl and closes with reason date-expiry', async () => {
    const path = await newService();
    const expiry = formatDate((await now()) + 100_000)!;
    const { body: session } = await t.api.post(path, { Ttl: 10, DateExpiry: expiry });
    await advance(50);
    assert.equal((await t.api.get(`${path}/${session.sid}`)).body.status, 'open');
    await advance(51);
    const { body } = await t.api.get(`${path}/${session.sid}`);
    assert.equal(body.status, 'closed');
    assert.equal(body.closed_reason, 'date-expiry');
    assert.equal(body.date_ended, expiry);
  });

  test('without a ttl the service default_ttl applies, and changing it moves the expiry', async () => {
    const path = await newService({ DefaultTtl: 30 });
    const serviceSid = path.split('/')[3]!;
    const { body: lives } = await t.api.post(path, {});
    const { body: dies } = await t.api.post(path, {});
    const { body: own } = await t.api.post(path, { Ttl: 1000 });
    assert.equal(lives.ttl, 0);
    await advance(20);
    await t.api.post(`/v1/Services/${serviceSid}`, { DefaultTtl: 0 });
    await t.api.post(`${path}/${dies.sid}`, { Ttl: 25 });
    await advance(20);
    assert.equal((await t.api.get(`${path}/${lives.sid}`)).body.status, 'open', 'default_ttl 0 means unlimited');
    assert.equal((await t.api.get(`${path}/${dies.sid}`)).body.status, 'closed', 'its own ttl counts from creation');
    assert.equal((await t.api.get(`${path}/${own.sid}`)).body.status, 'open');
    await t.api.post(`/v1/Services/${serviceSid}`, { DefaultTtl: 10 });
    assert.equal((await t.api.get(`${path}/${lives.sid}`)).body.closed_reason, 'ttl');
  });

  test('no ttl anywhere means the session never expires', async () => {
    const path = await newService();
    const { body: session } = await t.api.post(path, {});
    await advance(5 * 365 * 24 * 3600);
    assert.equal((await t.api.get(`${path}/${session.sid}`)).body.status, 'open');
  });

  test('an expired session is closed for updates and re-opens with a fresh TTL window', async () => {
    const path = await newService();
    const { body: session } = await t.api.post(path, { Ttl: 60 });
    await advance(61);
    expectError(await t.api.post(`${path}/${session.sid}`, { Ttl: 120 }), 400, 80607);
    const { body: reopened } = await t.api.post(`${path}/${session.sid}`, { Status: 'in-progress' });
    assert.equal(reopened.status, 'in-progress');
    assert.equal(reopened.closed_reason, null);
    await advance(59);
    assert.equal((await t.api.get(`${path}/${session.sid}`)).body.status, 'in-progress');
    await advance(2);
    assert.equal((await t.api.get(`${path}/${session.sid}`)).body.status, 'closed');
  });

  test('re-opening a session whose DateExpiry has passed needs a new DateExpiry', async () => {
    const path = await newService();
    const { body: session } = await t.api.post(path, { DateExpiry: formatDate((await now()) + 10_000)! });
    await advance(11);
    assert.match(expectError(await t.api.post(`${path}/${session.sid}`, { Status: 'in-progress' }), 400, 80701), /DateExpiry/);
    const later = formatDate((await now()) + 3600_000)!;
    const { body } = await t.api.post(`${path}/${session.sid}`, { Status: 'in-progress', DateExpiry: later });
    assert.equal(body.status, 'in-progress');
    assert.equal(body.date_expiry, later);
  });
});

describe('outside the simulator', () => {
  test('the clock endpoint does not exist', async () => {
    const t = await startTestApp({
      PARLEY_CARRIER: 'twilio',
      PARLEY_TWILIO_ACCOUNT_SID: 'AC' + 'f'.repeat(32),
      PARLEY_TWILIO_AUTH_TOKEN: 'twilio-token',
      PARLEY_PUBLIC_URL: 'https://parley.example.com',
    });
    try {
      expectError(await t.api.get('/simulator/v1/Clock'), 404, 20404);
    } finally {
      await t.close();
    }
  });
});
