import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http-client.js';

const FUTURE = '2099-01-02T03:04:05Z';

describe('Sessions', () => {
  let t: TestApp;
  let service: { sid: string };
  let sessions: string;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
  beforeEach(async () => {
    service = (await t.api.post('/v1/Services', { UniqueName: `svc-${Math.random()}` })).body;
    sessions = `/v1/Services/${service.sid}/Sessions`;
  });

  test('the seed example: create with Ttl and UniqueName, fetch, list, update, delete', async () => {
    const created = await t.api.post(sessions, { UniqueName: 'Order #1234', Ttl: 3600 });
    assert.equal(created.status, 201);
    const session = created.body;
    assert.match(session.sid, /^KC[0-9a-f]{32}$/);
    assert.equal(session.service_sid, service.sid);
    assert.equal(session.account_sid, TEST_ACCOUNT_SID);
    assert.equal(session.unique_name, 'Order #1234');
    assert.equal(session.ttl, 3600);
    assert.equal(session.status, 'open');
    assert.equal(session.mode, 'voice-and-message');
    assert.equal(session.closed_reason, null);
    assert.equal(session.date_started, null);
    assert.equal(session.date_ended, null);
    assert.equal(session.date_last_interaction, null);
    assert.equal(session.date_expiry, null);
    assert.equal(session.url, `${t.baseUrl}${sessions}/${session.sid}`);
    assert.deepEqual(session.links, {
      interactions: `${t.baseUrl}${sessions}/${session.sid}/Interactions`,
      participants: `${t.baseUrl}${sessions}/${session.sid}/Participants`,
    });

    assert.deepEqual((await t.api.get(`${sessions}/${session.sid}`)).body, session);
    assert.deepEqual((await t.api.get(`${sessions}/Order%20%231234`)).body, session);

    const list = await t.api.get(sessions, { PageSize: 20 });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.sessions, [session]);
    assert.equal(list.body.meta.page_size, 20);
    assert.equal(list.body.meta.key, 'sessions');

    const updated = await t.api.post(`${sessions}/${session.sid}`, { Status: 'closed' });
    assert.equal(updated.body.status, 'closed');
    const reopened = await t.api.post(`${sessions}/${session.sid}`, { Status: 'in-progress', DateExpiry: FUTURE });
    assert.equal(reopened.status, 200);
    assert.equal(reopened.body.status, 'in-progress');
    assert.equal(reopened.body.date_expiry, FUTURE);

    const deleted = await t.api.delete(`${sessions}/${session.sid}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    expectError(await t.api.get(`${sessions}/${session.sid}`), 404, 20404);
  });

  test('create with Mode, Status in-progress and DateExpiry in any ISO 8601 offset', async () => {
    const { body } = await t.api.post(sessions, { Mode: 'message-only', Status: 'in-progress', DateExpiry: '2099-01-02T05:04:05+02:00' });
    assert.equal(body.mode, 'message-only');
    assert.equal(body.status, 'in-progress');
    assert.equal(body.date_expiry, FUTURE);
    assert.equal(body.date_started, body.date_created);
  });

  test('create validates every parameter and names it', async () => {
    const cases: Array<[Record<string, string>, number, RegExp]> = [
      [{ Ttl: 'abc' }, 80701, /'Ttl'/],
      [{ Ttl: '-5' }, 80701, /'Ttl'/],
      [{ Ttl: '1.5' }, 80701, /'Ttl'/],
      [{ Ttl: '2147483647' }, 80701, /'Ttl'/],
      [{ Mode: 'carrier-pigeon' }, 80701, /'Mode'/],
      [{ Status: 'sleeping' }, 80701, /'Status'/],
      [{ DateExpiry: 'next tuesday' }, 80701, /'DateExpiry'/],
      [{ DateExpiry: '2001-01-01T00:00:00Z' }, 80701, /'DateExpiry'.*future/],
      [{ UniqueName: 'x'.repeat(192) }, 80701, /'UniqueName'/],
      [{ Status: 'closed' }, 80608, /open or in-progress/],
      [{ Status: 'failed' }, 80608, /open or in-progress/],
    ];
    for (const [form, code, message] of cases) {
      assert.match(expectError(await t.api.post(sessions, form), 400, code), message, JSON.stringify(form));
    }
    assert.deepEqual((await t.api.get(sessions)).body.sessions, [], 'a rejected create writes nothing');
  });

  test('UniqueName is unique within its service, reusable in another and after delete', async () => {
    const first = await t.api.post(sessions, { UniqueName: 'dup' });
    assert.equal(expectError(await t.api.post(sessions, { UniqueName: 'dup' }), 400, 80603), 'Session UniqueName must be unique.');
    const other = (await t.api.post('/v1/Services', { UniqueName: `other-${Math.random()}` })).body;
    assert.equal((await t.api.post(`/v1/Services/${other.sid}/Sessions`, { UniqueName: 'dup' })).status, 201);
    await t.api.delete(`${sessions}/${first.body.sid}`);
    assert.equal((await t.api.post(sessions, { UniqueName: 'dup' })).status, 201);
    // Sessions without a name never collide.
    assert.equal((await t.api.post(sessions, {})).status, 201);
    assert.equal((await t.api.post(sessions, {})).status, 201);
  });

  test('malformed Participants are 400s naming the element, and nothing is written', async () => {
    assert.match(
      expectError(await t.api.post(sessions, { Participants: ['{"Identifier":'] }), 400, 80701),
      /Participants\[0\] is not valid JSON/,
    );
    assert.match(
      expectError(await t.api.post(sessions, { Participants: ['{"Identifer":"+1555"}'] }), 400, 80701),
      /unknown key "Identifer"/,
    );
    assert.match(expectError(await t.api.post(sessions, { Participants: ['{"FriendlyName":"x"}'] }), 400, 80701), /needs an Identifier/);
    assert.match(expectError(await t.api.post(sessions, { Participants: ['[1,2]'] }), 400, 80701), /JSON object/);
    assert.match(expectError(await t.api.post(sessions, { Participants: ['{"Identifier":5}'] }), 400, 80701), /must be a string/);
    const three = ['+14155550001', '+14155550002', '+14155550003'].map((n) => JSON.stringify({ Identifier: n }));
    expectError(await t.api.post(sessions, { Participants: three }), 400, 80609);
    assert.deepEqual((await t.api.get(sessions)).body.sessions, []);
  });

  test('sessions of an unknown service, or another service, are 404', async () => {
    const { body: session } = await t.api.post(sessions, {});
    const other = (await t.api.post('/v1/Services', { UniqueName: `elsewhere-${Math.random()}` })).body;
    expectError(await t.api.get(`/v1/Services/${other.sid}/Sessions/${session.sid}`), 404, 20404);
    expectError(await t.api.get('/v1/Services/KS00000000000000000000000000000000/Sessions'), 404, 20404);
    expectError(await t.api.post('/v1/Services/KS00000000000000000000000000000000/Sessions', {}), 404, 20404);
    expectError(await t.api.get(`/v1/Services/${service.sid}/Sessions/KC00000000000000000000000000000000`), 404, 20404);
    expectError(await t.api.post(`${sessions}/not-a-sid`, { Status: 'closed' }), 404, 20404);
    expectError(await t.api.delete(`${sessions}/KC00000000000000000000000000000000`), 404, 20404);
  });
});

describe('Session status transitions', () => {
  let t: TestApp;
  let sessions: string;
  before(async () => {
    t = await startTestApp();
    const service = (await t.api.post('/v1/Services', { UniqueName: 'transitions' })).body;
    sessions = `/v1/Services/${service.sid}/Sessions`;
  });
  after(() => t.close());

  const create = async (status = 'open') => (await t.api.post(sessions, { Status: status })).body as { sid: string };
  const update = (sid: string, form: Record<string, string>) => t.api.post(`${sessions}/${sid}`, form);

  test('open → closed and in-progress → closed set date_ended and closed_reason "api"', async () => {
    for (const start of ['open', 'in-progress']) {
      const session = await create(start);
      const { body } = await update(session.sid, { Status: 'closed' });
      assert.equal(body.status, 'closed');
      assert.equal(body.closed_reason, 'api');
      assert.match(body.date_ended, /Z$/);
    }
  });

  test('closed → in-progress re-opens and clears date_ended and closed_reason', async () => {
    const session = await create();
    await update(session.sid, { Status: 'closed' });
    const { body } = await update(session.sid, { Status: 'in-progress' });
    assert.equal(body.status, 'in-progress');
    assert.equal(body.closed_reason, null);
    assert.equal(body.date_ended, null);
  });

  test('every other status change is 80608', async () => {
    const open = await create();
    const inProgress = await create('in-progress');
    const closed = await create();
    await update(closed.sid, { Status: 'closed' });
    const refused: Array<[string, string]> = [
      [open.sid, 'in-progress'],
      [open.sid, 'open'],
      [open.sid, 'failed'],
      [open.sid, 'unknown'],
      [inProgress.sid, 'open'],
      [inProgress.sid, 'in-progress'],
      [closed.sid, 'open'],
      [closed.sid, 'failed'],
    ];
    for (const [sid, status] of refused) {
      const message = expectError(await update(sid, { Status: status }), 400, 80608);
      assert.match(message, /Session status change not supported/);
    }
    assert.equal((await t.api.get(`${sessions}/${open.sid}`)).body.status, 'open');
  });

  test('changing anything but the status of a closed session is 80607', async () => {
    const session = await create();
    await update(session.sid, { Status: 'closed' });
    assert.equal(expectError(await update(session.sid, { Ttl: '60' }), 400, 80607), 'Session is closed and cannot be updated');
    expectError(await update(session.sid, { DateExpiry: FUTURE }), 400, 80607);
    expectError(await update(session.sid, { Status: 'closed' }), 400, 80607);
    expectError(await update(session.sid, {}), 400, 80607);
  });

  test('Ttl and DateExpiry update on an active session; an empty DateExpiry clears it', async () => {
    const session = await create();
    let { body } = await update(session.sid, { Ttl: '120', DateExpiry: FUTURE });
    assert.equal(body.ttl, 120);
    assert.equal(body.date_expiry, FUTURE);
    ({ body } = await update(session.sid, { DateExpiry: '' }));
    assert.equal(body.date_expiry, null);
    assert.equal(body.ttl, 120);
    expectError(await update(session.sid, { DateExpiry: '2001-01-01T00:00:00Z' }), 400, 80701);
    expectError(await update(session.sid, { Ttl: 'x' }), 400, 80701);
    // Unknown parameters (FailOnParticipantConflict from old SDKs) are accepted and ignored.
    assert.equal((await update(session.sid, { FailOnParticipantConflict: 'true', Ttl: '60' })).status, 200);
  });
});
