// The emulator's admin API: POST /simulator/v1/Accounts creates an account (its credentials work
// at once), DELETE /simulator/v1/Accounts/{AccountSid} removes it with everything it holds, its
// clock included. Only a bearer token equal to PARLEY_ADMIN_TOKEN gets in (401 otherwise); with
// the variable unset the routes do not exist (404).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accountOverHttp, ADMIN_TOKEN, adminHeaders } from '../helpers/accounts.js';
import { startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { advanceClock, maskedPair } from '../helpers/factories.js';
import { expectError, HttpClient } from '../helpers/http-client.js';

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('Emulator admin API', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ PARLEY_ADMIN_TOKEN: ADMIN_TOKEN });
  });
  after(() => t.close());

  test('POST /simulator/v1/Accounts: 201 with the new account’s credentials, which work at once', async () => {
    const created = await t.anonymous.post('/simulator/v1/Accounts', { FriendlyName: 'suite 1' }, { headers: adminHeaders() });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(Object.keys(created.body).sort(), ['auth_token', 'date_created', 'friendly_name', 'sid']);
    assert.match(created.body.sid, /^AC[0-9a-f]{32}$/);
    assert.match(created.body.auth_token, /^[0-9a-f]{32}$/);
    assert.equal(created.body.friendly_name, 'suite 1');
    assert.match(created.body.date_created, DATE);
    const api = new HttpClient(t.baseUrl, { username: created.body.sid, password: created.body.auth_token });
    const services = await api.get('/v1/Services');
    assert.equal(services.status, 200, services.text);
    assert.deepEqual(services.body.services, [], 'a new account holds nothing');

    const unnamed = await t.anonymous.post('/simulator/v1/Accounts', {}, { headers: adminHeaders() });
    assert.equal(unnamed.status, 201, unnamed.text);
    assert.equal(unnamed.body.friendly_name, 'Parley account');
  });

  test('DELETE /simulator/v1/Accounts/{AccountSid}: 204; its data, credentials and clock are gone', async () => {
    const doomed = await accountOverHttp(t, 'doomed');
    await maskedPair(doomed.api);
    await advanceClock(doomed.api, 3600);
    const removed = await t.anonymous.delete(`/simulator/v1/Accounts/${doomed.sid}`, { headers: adminHeaders() });
    assert.equal(removed.status, 204, removed.text);
    assert.equal(removed.text, '');
    expectError(await doomed.api.get('/v1/Services'), 401, 20003);
    const db = t.app.parley.database.db;
    assert.deepEqual(await db.selectFrom('accounts').select('sid').where('sid', '=', doomed.sid).execute(), []);
    assert.deepEqual(await db.selectFrom('sessions').select('sid').where('account_sid', '=', doomed.sid).execute(), []);
    expectError(await t.anonymous.delete(`/simulator/v1/Accounts/${doomed.sid}`, { headers: adminHeaders() }), 404, 20404);
  });

  test('the configured account (PARLEY_ACCOUNT_SID) is not deleted: the server would create it again', async () => {
    const refused = await t.anonymous.delete(`/simulator/v1/Accounts/${TEST_ACCOUNT_SID}`, { headers: adminHeaders() });
    assert.match(expectError(refused, 400, 70002), /PARLEY_ACCOUNT_SID/);
    assert.equal((await t.api.get('/v1/Services')).status, 200);
  });

  test('a missing or wrong bearer token, or Basic credentials: 401, and nothing is created', async () => {
    const before = await t.app.parley.database.db.selectFrom('accounts').select('sid').execute();
    for (const headers of [{}, adminHeaders('wrong-token'), adminHeaders(`${ADMIN_TOKEN}x`), { authorization: ADMIN_TOKEN }]) {
      const refused = await t.anonymous.post('/simulator/v1/Accounts', {}, { headers });
      expectError(refused, 401, 20003);
      assert.match(refused.headers.get('www-authenticate') ?? '', /^Bearer /);
    }
    expectError(await t.api.post('/simulator/v1/Accounts', {}), 401, 20003);
    expectError(await t.anonymous.delete(`/simulator/v1/Accounts/${TEST_ACCOUNT_SID}`, { headers: adminHeaders('wrong') }), 401, 20003);
    assert.equal((await t.app.parley.database.db.selectFrom('accounts').select('sid').execute()).length, before.length);
  });

  test('other methods: 405', async () => {
    expectError(await t.anonymous.get('/simulator/v1/Accounts', undefined, { headers: adminHeaders() }), 405, 20004);
  });
});

describe('Emulator admin API without PARLEY_ADMIN_TOKEN', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('the routes do not exist: 404', async () => {
    expectError(await t.anonymous.post('/simulator/v1/Accounts', {}, { headers: adminHeaders() }), 404, 20404);
    expectError(await t.anonymous.delete(`/simulator/v1/Accounts/${TEST_ACCOUNT_SID}`, { headers: adminHeaders() }), 404, 20404);
  });
});
