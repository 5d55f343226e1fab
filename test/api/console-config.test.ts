// Where the console is (PARLEY_CONSOLE): on by default with the simulator; off with
// PARLEY_CONSOLE=false or by default with the Twilio carrier, when /console is an unknown path
// like any other (the API's JSON 404); on with Twilio when asked, then without the simulator's
// Phone page and clock. Behind a TLS proxy (PARLEY_TRUST_PROXY) the cookie is Secure and the
// site a form must come from is the https one.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { assertErrorPage, assertSeeOther, ConsoleClient } from '../helpers/console.js';
import { startFakeTwilio } from '../helpers/fake-twilio.js';
import type { FakeTwilio } from '../helpers/fake-twilio.js';
import { expectError } from '../helpers/http-client.js';
import { ALICE, BOB } from '../helpers/carrier-harness.js';
import { twilioEnv } from '../helpers/twilio-webhooks.js';
import { maskedPair } from '../helpers/factories.js';

const A = { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN };
const CONSOLE_PATHS = ['/console', '/console/', '/console/sign-in', '/console/services', '/console/assets/console.js'];

/** For a describe block: an app with these variables (a fake Twilio's, with `twilio`), closed after. */
function appWith(env: Record<string, string>, twilio = false): { readonly t: TestApp } {
  const state = {} as { t: TestApp; fake?: FakeTwilio };
  before(async () => {
    if (twilio) state.fake = await startFakeTwilio();
    state.t = await startTestApp(state.fake === undefined ? env : twilioEnv(state.fake, env));
  });
  after(async () => {
    await state.t.close();
    await state.fake?.stop();
  });
  return state;
}

/** The console is not there: every path under it is the API's own JSON 404, and the API works. */
async function assertNoConsole(t: TestApp): Promise<void> {
  for (const path of CONSOLE_PATHS) expectError(await t.anonymous.get(path), 404, 20404);
  expectError(await t.anonymous.post('/console/sign-in', { username: A.username, password: A.password }), 404, 20404);
  assert.equal((await t.api.get('/v1/Services')).status, 200);
}

describe('PARLEY_CONSOLE=false with the simulator', () => {
  const fixture = appWith({ PARLEY_CONSOLE: 'false' });
  test('/console is an unknown path', () => assertNoConsole(fixture.t));
});

describe('PARLEY_CARRIER=twilio, by default', () => {
  const fixture = appWith({}, true);
  test('/console is an unknown path', () => assertNoConsole(fixture.t));
});

describe('PARLEY_CARRIER=twilio with PARLEY_CONSOLE=true', () => {
  const fixture = appWith({ PARLEY_CONSOLE: 'true' }, true);

  test('the console is there, without the Phone page, the clock or links to phones', async () => {
    const { t } = fixture;
    const user = await ConsoleClient.signIn(t.baseUrl, A);
    const pair = await maskedPair(t.api, { a: ALICE, b: BOB });
    for (const path of ['/console/services', `/console/services/${pair.serviceSid}/sessions/${pair.sessionSid}`, '/console/callbacks']) {
      const page = await user.get(path);
      assert.equal(page.status, 200, path);
      assert.ok(!page.text.includes('href="/console/phone'), `${path}: no link to a phone`);
      assert.ok(!page.text.includes('aria-label="Emulator clock"') && !page.text.includes('action="/console/clock"'), `${path}: no clock`);
    }
    for (const path of [
      '/console/phone',
      `/console/phone?number=${encodeURIComponent(ALICE)}`,
      `/console/phone/live?number=${encodeURIComponent(ALICE)}`,
    ]) {
      assertErrorPage(await user.get(path), 404);
    }
    for (const [path, form] of [
      ['/console/clock', { advance: 3600 }],
      ['/console/phone/messages', { from: ALICE, to: pair.a.proxy, body: 'hi' }],
      ['/console/phone/calls', { from: ALICE, to: pair.a.proxy }],
    ] as const) {
      assertErrorPage(await user.post(path, form), 404);
    }
    expectError(await t.api.get('/simulator/v1/Clock'), 404, 20404);
  });
});

describe('behind a TLS proxy (PARLEY_TRUST_PROXY=true)', () => {
  const fixture = appWith({ PARLEY_TRUST_PROXY: 'true' });

  test('the cookie is Secure, and a form must come from the https origin', async () => {
    const { t } = fixture;
    const https = { 'x-forwarded-proto': 'https' };
    const signed = await new ConsoleClient(t.baseUrl).post('/console/sign-in', A, https);
    assertSeeOther(signed, '/console/services');
    assert.match(signed.headers.get('set-cookie') ?? '', /; Secure(;|$)/);
    const user = await ConsoleClient.signIn(t.baseUrl, A);
    const host = new URL(t.baseUrl).host;
    const back = '/console/callbacks';
    assertErrorPage(await user.post('/console/clock', { advance: 60, back }, { ...https, origin: `http://${host}` }), 403);
    assertSeeOther(await user.post('/console/clock', { advance: 60, back }, { ...https, origin: `https://${host}` }), back);
  });
});
