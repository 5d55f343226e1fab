// Item 10 of the security review: after PARLEY_AUTH_FAILURE_LIMIT failed sign-ins from one client
// address within a minute, that address gets 429 / 20429 with Retry-After for a while, whatever it
// sends. The address is request.ip, which follows PARLEY_TRUST_PROXY.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http-client.js';
import { FAILURE_WINDOW_MS, LOCKOUT_MS, SignInGuard } from '../../src/http/sign-in-guard.js';
import { ApiError } from '../../src/errors/api-error.js';
import { loadConfig } from '../../src/config.js';

const WRONG = { username: TEST_ACCOUNT_SID, password: 'guess-guess-guess' };

async function withApp(env: Record<string, string>, run: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await startTestApp(env);
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

const fromAddress = (address: string) => ({ 'x-forwarded-for': address });

describe('password guessing', () => {
  test('the address is locked out after the limit, for right and wrong credentials alike', async () => {
    await withApp({ PARLEY_AUTH_FAILURE_LIMIT: '3' }, async (t) => {
      for (let i = 0; i < 3; i++) expectError(await t.api.get('/v1/Services', undefined, { auth: WRONG }), 401, 20003);
      const locked = await t.api.get('/v1/Services');
      expectError(locked, 429, 20429);
      assert.ok(Number(locked.headers.get('retry-after')) >= 1, 'Retry-After says when to come back');
      expectError(await t.api.get('/v1/Services', undefined, { auth: WRONG }), 429, 20429);
      expectError(await t.api.get('/simulator/v1/Clock'), 429, 20429);
      // Unauthenticated routes are not behind the lock.
      assert.equal((await t.anonymous.get('/healthz')).status, 200);
    });
  });

  test('a successful sign-in before the limit starts the count again; requests without credentials do not count', async () => {
    await withApp({ PARLEY_AUTH_FAILURE_LIMIT: '3' }, async (t) => {
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 2; i++) expectError(await t.api.get('/v1/Services', undefined, { auth: WRONG }), 401, 20003);
        assert.equal((await t.api.get('/v1/Services')).status, 200);
      }
      for (let i = 0; i < 5; i++) expectError(await t.anonymous.get('/v1/Services'), 401, 20003);
      assert.equal((await t.api.get('/v1/Services')).status, 200);
    });
  });

  test('with PARLEY_TRUST_PROXY the address is the forwarded client, so one client locks out only itself', async () => {
    await withApp({ PARLEY_AUTH_FAILURE_LIMIT: '2', PARLEY_TRUST_PROXY: '127.0.0.1' }, async (t) => {
      for (let i = 0; i < 2; i++) {
        expectError(await t.api.get('/v1/Services', undefined, { auth: WRONG, headers: fromAddress('203.0.113.7') }), 401, 20003);
      }
      expectError(await t.api.get('/v1/Services', undefined, { headers: fromAddress('203.0.113.7') }), 429, 20429);
      assert.equal((await t.api.get('/v1/Services', undefined, { headers: fromAddress('198.51.100.9') })).status, 200);
    });
  });

  test('without PARLEY_TRUST_PROXY a forwarded address is ignored: it cannot dodge the lock', async () => {
    await withApp({ PARLEY_AUTH_FAILURE_LIMIT: '2' }, async (t) => {
      for (let i = 0; i < 2; i++) {
        expectError(await t.api.get('/v1/Services', undefined, { auth: WRONG, headers: fromAddress(`203.0.113.${i}`) }), 401, 20003);
      }
      expectError(await t.api.get('/v1/Services', undefined, { headers: fromAddress('198.51.100.9') }), 429, 20429);
    });
  });

  test('is off by default with the simulator, whose test suites send bad credentials on purpose', async () => {
    assert.equal(loadConfig({}).authFailureLimit, 0);
    await withApp({}, async (t) => {
      for (let i = 0; i < 30; i++) expectError(await t.api.get('/v1/Services', undefined, { auth: WRONG }), 401, 20003);
      assert.equal(
        (await t.api.get('/v1/Services', undefined, { auth: { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN } })).status,
        200,
      );
    });
  });

  test('is 20 by default with a real carrier', () => {
    const twilio = {
      PARLEY_CARRIER: 'twilio',
      PARLEY_TWILIO_ACCOUNT_SID: 'AC' + 'f'.repeat(32),
      PARLEY_TWILIO_AUTH_TOKEN: 'twilio-token',
      PARLEY_PUBLIC_URL: 'https://p.example.com',
    };
    assert.equal(loadConfig(twilio).authFailureLimit, 20);
    assert.equal(loadConfig({ ...twilio, PARLEY_AUTH_FAILURE_LIMIT: '0' }).authFailureLimit, 0);
  });
});

describe('SignInGuard, on an injected clock', () => {
  const lockedOut = (guard: SignInGuard, address: string) => {
    try {
      guard.check(address);
      return false;
    } catch (err) {
      assert.ok(err instanceof ApiError && err.code === 20429);
      return true;
    }
  };

  test('counts failures within a sliding minute, and the lockout ends', () => {
    let now = 1_000_000;
    const guard = new SignInGuard(3, () => now);
    guard.failed('a');
    guard.failed('a');
    now += FAILURE_WINDOW_MS + 1; // those two fell out of the window
    guard.failed('a');
    guard.failed('a');
    assert.equal(lockedOut(guard, 'a'), false);
    guard.failed('a');
    assert.equal(lockedOut(guard, 'a'), true);
    assert.equal(lockedOut(guard, 'b'), false, 'per address');
    now += LOCKOUT_MS - 1;
    assert.equal(lockedOut(guard, 'a'), true);
    now += 1;
    assert.equal(lockedOut(guard, 'a'), false);
  });

  test('remembers a bounded number of addresses', () => {
    const guard = new SignInGuard(2, () => 0);
    guard.failed('first');
    guard.failed('first');
    for (let i = 0; i < 100_001; i++) guard.failed(`spray-${i}`);
    assert.equal(lockedOut(guard, 'first'), false, 'the oldest address was forgotten, not the memory exhausted');
  });
});
