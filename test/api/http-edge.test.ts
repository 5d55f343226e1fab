// Auth, routing and malformed input on the real app: every failure is a Twilio error, never a 500.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http-client.js';

describe('HTTP edge', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('GET /healthz answers 200 without credentials', async () => {
    const response = await t.anonymous.get('/healthz');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ok' });
  });

  test('missing, malformed or wrong credentials get 401 / 20003 "Authenticate"', async () => {
    const attempts = [
      t.anonymous.get('/v1/Services'),
      t.api.get('/v1/Services', undefined, { auth: { username: TEST_ACCOUNT_SID, password: 'wrong' } }),
      t.api.get('/v1/Services', undefined, { auth: { username: 'ACffffffffffffffffffffffffffffffff', password: TEST_AUTH_TOKEN } }),
      t.api.get('/v1/Services', undefined, { auth: { username: 'nobody', password: '' } }),
      t.api.get('/v1/Services', undefined, { auth: null, headers: { authorization: 'Bearer abc' } }),
      t.api.get('/v1/Services', undefined, { auth: null, headers: { authorization: 'Basic !!!' } }),
    ];
    for (const response of await Promise.all(attempts)) {
      expectError(response, 401, 20003);
      assert.deepEqual(response.body, {
        code: 20003,
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      });
      assert.match(response.headers.get('www-authenticate') ?? '', /^Basic/);
    }
  });

  test('an unknown route is 404 / 20404 naming the path', async () => {
    const message = expectError(await t.api.get('/v1/Nothing/Here'), 404, 20404);
    assert.equal(message, 'The requested resource /v1/Nothing/Here was not found');
    expectError(await t.anonymous.get('/favicon.ico'), 404, 20404);
  });

  test('a wrong method on a known path is 405 / 20004 with Allow', async () => {
    for (const [method, path] of [
      ['PUT', '/v1/Services'],
      ['DELETE', '/v1/Services'],
      ['PATCH', '/v1/Services/KS00000000000000000000000000000000'],
      ['PUT', '/v1/Services/KS00000000000000000000000000000000/Sessions'],
    ] as const) {
      const response = await t.api.request(method, path);
      expectError(response, 405, 20004);
      assert.ok(response.headers.get('allow')?.includes('GET'), `${method} ${path}`);
    }
  });

  test('a body that is not form encoding is a 400 or 415, never a 500', async () => {
    const path = '/v1/Services';
    expectError(
      await t.api.post(path, {}, { raw: 'UniqueName=%E0%A4%A', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      400,
      70002,
    );
    expectError(
      await t.api.post(
        path,
        {},
        { raw: Buffer.from([0x55, 0x3d, 0xc3, 0x28]), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      ),
      400,
      70002,
    );
    expectError(await t.api.post(path, {}, { raw: '{"UniqueName":"x"}', headers: { 'content-type': 'application/json' } }), 415, 70002);
    expectError(await t.api.post(path, {}, { raw: 'UniqueName=x', headers: { 'content-type': 'text/plain' } }), 415, 70002);
  });

  test('a malformed URL is a 400, not a crash', async () => {
    expectError(await t.api.get('/v1/Services/%E0%A4%A'), 400, 70002);
  });

  test('a body over the limit is a 413', async () => {
    const huge = 'UniqueName=' + 'x'.repeat(70 * 1024);
    expectError(
      await t.api.post('/v1/Services', {}, { raw: huge, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      413,
      70002,
    );
  });

  test('the same scalar parameter twice names the parameter', async () => {
    const message = expectError(await t.api.post('/v1/Services', { UniqueName: ['a', 'b'] }), 400, 80701);
    assert.match(message, /UniqueName/);
  });

  test('URLs point back at the server the client reached; untrusted X-Forwarded-* are ignored', async () => {
    const direct = await t.api.post('/v1/Services', { UniqueName: 'urls-direct' });
    assert.equal(direct.body.url, `${t.baseUrl}/v1/Services/${direct.body.sid}`);
    // PARLEY_TRUST_PROXY is unset: anyone can send these headers (test/security/forwarded-headers.test.ts).
    const spoofed = await t.api.get(`/v1/Services/${direct.body.sid}`, undefined, {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'proxy.example.com' },
    });
    assert.equal(spoofed.body.url, `${t.baseUrl}/v1/Services/${direct.body.sid}`);
    const hostile = await t.api.get(`/v1/Services/${direct.body.sid}`, undefined, { headers: { host: 'evil.com/"><script>' } });
    assert.ok(!hostile.body.url.includes('<'), hostile.body.url);
  });
});

describe('PARLEY_PUBLIC_URL', () => {
  test('replaces the request-derived base in url, links and meta', async () => {
    const t = await startTestApp({ PARLEY_PUBLIC_URL: 'https://proxy.example.com/parley/' });
    try {
      const created = await t.api.post('/v1/Services', { UniqueName: 'public' });
      assert.equal(created.body.url, `https://proxy.example.com/parley/v1/Services/${created.body.sid}`);
      assert.equal(created.body.links.sessions, `https://proxy.example.com/parley/v1/Services/${created.body.sid}/Sessions`);
      const list = await t.api.get('/v1/Services');
      assert.equal(list.body.meta.url, 'https://proxy.example.com/parley/v1/Services?PageSize=50&Page=0');
    } finally {
      await t.close();
    }
  });
});
