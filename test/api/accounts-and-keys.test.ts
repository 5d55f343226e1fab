// Accounts (tenants) and API keys: Basic credentials as Twilio takes them, an account SID with its
// auth token or an API key SID (SK…) with its secret; keys can be revoked and their secrets are
// kept only as salted hashes.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { deleteApiKey } from '../../src/accounts/accounts.repository.js';
import { CACHE_MS } from '../../src/accounts/authenticator.js';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { addAccount, addApiKey } from '../helpers/accounts.js';
import type { Credentials, TestAccount } from '../helpers/accounts.js';
import { sleep } from '../helpers/eventually.js';
import { expectError } from '../helpers/http-client.js';
import type { Response } from '../helpers/http-client.js';

const DEFAULT = { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN };

describe('Accounts and API keys', () => {
  let t: TestApp;
  let b: TestAccount;

  before(async () => {
    t = await startTestApp();
    b = await addAccount(t, { friendlyName: 'second tenant' });
  });
  after(() => t.close());

  const sids = (response: Response) => (response.body.services as Array<{ sid: string }>).map((s) => s.sid);

  /** 401 / 20003 with the Basic challenge. */
  function expectUnauthorized(response: Response, what: string): void {
    assert.equal(response.status, 401, `${what}: ${response.status} ${response.text}`);
    expectError(response, 401, 20003);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Basic realm=/, what);
  }

  test('a second account works with its own token, and its resources are its own', async () => {
    assert.match(b.sid, /^AC[0-9a-f]{32}$/);
    const created = await b.api.post('/v1/Services', { UniqueName: 'b-own' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.account_sid, b.sid);
    assert.deepEqual(sids(await b.api.get('/v1/Services')), [created.body.sid]);
    assert.equal((await b.api.get(`/v1/Services/${created.body.sid}`)).body.account_sid, b.sid);

    // The default account does not see it, and may use the same unique name.
    assert.ok(!sids(await t.api.get('/v1/Services')).includes(created.body.sid));
    const same = await t.api.post('/v1/Services', { UniqueName: 'b-own' });
    assert.equal(same.status, 201, same.text);
    assert.equal(same.body.account_sid, TEST_ACCOUNT_SID);
    assert.equal((await b.api.get('/v1/Services/b-own')).body.sid, created.body.sid);
    assert.equal((await t.api.get('/v1/Services/b-own')).body.sid, same.body.sid);

    // Each token opens its own account only.
    expectUnauthorized(
      await t.api.get('/v1/Services', undefined, { auth: { username: b.sid, password: TEST_AUTH_TOKEN } }),
      'B sid + default token',
    );
    expectUnauthorized(
      await t.api.get('/v1/Services', undefined, { auth: { username: TEST_ACCOUNT_SID, password: b.authToken } }),
      'default sid + B token',
    );
    await t.api.delete(`/v1/Services/${same.body.sid}`);
    await b.api.delete(`/v1/Services/${created.body.sid}`);
  });

  test('an API key authenticates as its account', async () => {
    const key = await addApiKey(t, b.sid, 'ci');
    assert.match(key.sid, /^SK[0-9a-f]{32}$/);
    const created = await key.api.post('/v1/Services', { UniqueName: 'made-with-key' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.account_sid, b.sid);
    const byToken = await b.api.post('/v1/Services', { UniqueName: 'made-with-token' });
    // The key and the token are two ways into the same account.
    assert.deepEqual(sids(await key.api.get('/v1/Services')).sort(), [created.body.sid, byToken.body.sid].sort());
    assert.deepEqual(sids(await b.api.get('/v1/Services')).sort(), [created.body.sid, byToken.body.sid].sort());
    assert.ok(!sids(await t.api.get('/v1/Services')).includes(created.body.sid));
    // Nested resources and the simulator too.
    const number = await key.api.post(`/v1/Services/${created.body.sid}/PhoneNumbers`, { PhoneNumber: '+14155550160' });
    assert.equal(number.status, 201, number.text);
    assert.equal(number.body.account_sid, b.sid);
    assert.equal((await key.api.get('/simulator/v1/Messages')).status, 200);

    // A key of the default account acts for the default account.
    const defaultKey = await addApiKey(t, TEST_ACCOUNT_SID);
    const mine = await defaultKey.api.post('/v1/Services', { UniqueName: 'default-key-svc' });
    assert.equal(mine.body.account_sid, TEST_ACCOUNT_SID);
    assert.ok(!sids(await key.api.get('/v1/Services')).includes(mine.body.sid));

    for (const sid of [created.body.sid, byToken.body.sid]) assert.equal((await b.api.delete(`/v1/Services/${sid}`)).status, 204);
    assert.equal((await t.api.delete(`/v1/Services/${mine.body.sid}`)).status, 204);
  });

  test('the official twilio npm client authenticates with an API key', async () => {
    const key = await addApiKey(t, b.sid, 'twilio-node');
    const client = twilio(key.sid, key.secret, { accountSid: b.sid });
    client.proxy.baseUrl = t.baseUrl;
    const service = await client.proxy.v1.services.create({ uniqueName: 'node-with-key' });
    assert.match(service.sid, /^KS[0-9a-f]{32}$/);
    assert.equal(service.accountSid, b.sid);
    const listed = await client.proxy.v1.services.list();
    assert.deepEqual(
      listed.map((s) => s.sid),
      [service.sid],
    );
    assert.equal((await client.proxy.v1.services('node-with-key').fetch()).sid, service.sid);
    // What the key created belongs to B: its token sees it, the default account does not.
    assert.ok(sids(await b.api.get('/v1/Services')).includes(service.sid));
    expectError(await t.api.get(`/v1/Services/${service.sid}`), 404, 20404);

    // A wrong secret through the client is Twilio's 401 / 20003.
    const wrong = twilio(key.sid, `${key.secret}x`, { accountSid: b.sid });
    wrong.proxy.baseUrl = t.baseUrl;
    await assert.rejects(wrong.proxy.v1.services.list(), { status: 401, code: 20003 });
    assert.equal(await client.proxy.v1.services(service.sid).remove(), true);
  });

  test("wrong secrets, other accounts' keys and malformed key SIDs are 401 / 20003", async () => {
    const keyB = await addApiKey(t, b.sid);
    const keyDefault = await addApiKey(t, TEST_ACCOUNT_SID);
    assert.equal((await t.api.get('/v1/Services', undefined, { auth: keyB.auth })).status, 200);
    assert.equal((await t.api.get('/v1/Services', undefined, { auth: keyDefault.auth })).status, 200);

    const cases: Array<[string, Credentials | null]> = [
      ['wrong secret', { username: keyB.sid, password: `${keyB.secret.slice(0, -1)}${keyB.secret.endsWith('A') ? 'B' : 'A'}` }],
      ['secret with a trailing space', { username: keyB.sid, password: `${keyB.secret} ` }],
      ['empty secret', { username: keyB.sid, password: '' }],
      ["B key with the other account's key secret", { username: keyB.sid, password: keyDefault.secret }],
      ["other account's key with B key secret", { username: keyDefault.sid, password: keyB.secret }],
      ["B key with B's auth token", { username: keyB.sid, password: b.authToken }],
      ['B account SID with B key secret', { username: b.sid, password: keyB.secret }],
      ['default account SID with the default key secret', { username: TEST_ACCOUNT_SID, password: keyDefault.secret }],
      ['B account SID with the default token', { username: b.sid, password: TEST_AUTH_TOKEN }],
      ['unknown key SID', { username: `SK${'0'.repeat(32)}`, password: keyB.secret }],
      ['malformed SK: too short', { username: 'SK123', password: keyB.secret }],
      ['malformed SK: too long', { username: `${keyB.sid}0`, password: keyB.secret }],
      ['malformed SK: not hex', { username: `SK${'g'.repeat(32)}`, password: keyB.secret }],
      ['malformed SK: lower-case prefix', { username: `sk${keyB.sid.slice(2)}`, password: keyB.secret }],
      ['malformed SK: another prefix', { username: `KS${keyB.sid.slice(2)}`, password: keyB.secret }],
      ['key SID with whitespace', { username: ` ${keyB.sid}`, password: keyB.secret }],
      ['no credentials', null],
    ];
    for (const [what, auth] of cases) {
      expectUnauthorized(await t.api.get('/v1/Services', undefined, { auth }), what);
      expectUnauthorized(await t.api.post('/v1/Services', { UniqueName: `never-${Math.random()}` }, { auth }), `${what} (POST)`);
      expectUnauthorized(await t.api.get('/simulator/v1/Messages', undefined, { auth }), `${what} (simulator)`);
    }
    // Broken Authorization headers.
    for (const header of [`Bearer ${keyB.secret}`, 'Basic', 'Basic !!!', `Basic ${Buffer.from(keyB.sid).toString('base64')}`]) {
      expectUnauthorized(await t.api.get('/v1/Services', undefined, { auth: null, headers: { authorization: header } }), header);
    }
    // Nothing was created by the refused POSTs.
    assert.ok(!JSON.stringify((await b.api.get('/v1/Services')).body).includes('never-'));
    assert.ok(!JSON.stringify((await t.api.get('/v1/Services')).body).includes('never-'));
    // The good credentials still work after all those failures.
    assert.equal((await t.api.get('/v1/Services', undefined, { auth: keyB.auth })).status, 200);
    assert.equal((await t.api.get('/v1/Services', undefined, { auth: b.auth })).status, 200);
    assert.equal((await t.api.get('/v1/Services', undefined, { auth: DEFAULT })).status, 200);
  });

  test('a revoked key is refused within the auth cache lifetime; other keys keep working', async () => {
    const revoked = await addApiKey(t, b.sid, 'to revoke');
    const kept = await addApiKey(t, b.sid, 'to keep');
    assert.equal((await revoked.api.get('/v1/Services')).status, 200);
    assert.equal((await kept.api.get('/v1/Services')).status, 200);
    assert.equal(await deleteApiKey(t.app.parley.database.queries, revoked.sid), true);
    assert.equal(CACHE_MS, 5_000);
    await sleep(CACHE_MS + 300);
    expectUnauthorized(await revoked.api.get('/v1/Services'), 'revoked key');
    expectUnauthorized(await revoked.api.post('/v1/Services', { UniqueName: 'after-revoke' }), 'revoked key (POST)');
    assert.equal((await kept.api.get('/v1/Services')).status, 200);
    assert.equal((await b.api.get('/v1/Services')).status, 200);
  });

  test('an API key secret is stored only as a salted hash', async () => {
    const keys = [await addApiKey(t, b.sid, 'one'), await addApiKey(t, b.sid, 'two')];
    const db = t.app.parley.database.db;
    const rows = await db
      .selectFrom('api_keys')
      .selectAll()
      .where(
        'sid',
        'in',
        keys.map((k) => k.sid),
      )
      .execute();
    assert.equal(rows.length, 2);
    const dump = JSON.stringify(rows);
    for (const key of keys) {
      const row = rows.find((r) => r.sid === key.sid)!;
      assert.equal(row.account_sid, b.sid);
      // Nowhere in the row: not as given, nor in another encoding, nor as its plain hash.
      const encodings = [
        key.secret,
        Buffer.from(key.secret, 'base64url').toString('hex'),
        Buffer.from(key.secret, 'base64url').toString('base64'),
        Buffer.from(key.secret).toString('hex'),
        Buffer.from(key.secret).toString('base64'),
        createHash('sha256').update(key.secret).digest('hex'),
      ];
      for (const encoded of encodings) {
        assert.ok(!dump.toLowerCase().includes(encoded.toLowerCase()), `the secret appears in api_keys as ${encoded}`);
      }
      assert.match(row.secret_hash, /^[0-9a-f]{64}$/);
      assert.ok(row.secret_salt.length >= 16, row.secret_salt);
      assert.equal(row.secret_hash, createHash('sha256').update(row.secret_salt).update(key.secret).digest('hex'));
    }
    assert.notEqual(rows[0]!.secret_salt, rows[1]!.secret_salt, 'every key has its own salt');
    // Nor is it in the accounts table.
    const accounts = JSON.stringify(await db.selectFrom('accounts').selectAll().execute());
    for (const key of keys) assert.ok(!accounts.includes(key.secret));
  });
});
