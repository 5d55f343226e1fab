// The console's sign-in (/console/sign-in): the API's credentials (an account SID and auth token,
// or an API key SID and secret) give a session cookie scoped to the console (HttpOnly,
// SameSite=Strict, Max-Age); a page without a session sends the browser to the sign-in page and
// back, never to another site; signing out, or revoking the key that signed in, ends the session;
// and a session lasts CONSOLE_SESSION_SECONDS of real time, whatever the emulator's clock does.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deleteApiKey } from '../../src/accounts/accounts.repository.js';
import { createSecondaryToken, promoteSecondaryToken } from '../../src/accounts/token-rotation.js';
import { systemClock } from '../../src/common/clock.js';
import { CONSOLE_SESSION_SECONDS } from '../../src/accounts/console-sessions.js';
import { addAccount, addApiKey } from '../helpers/accounts.js';
import type { Credentials, TestAccount } from '../helpers/accounts.js';
import { frozenClock, startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp, TestClock } from '../helpers/app.js';
import { assertErrorPage, assertSeeOther, ConsoleClient, cookieOf, isSignedIn } from '../helpers/console.js';
import type { ConsolePage } from '../helpers/console.js';
import { advanceClock, pooledService } from '../helpers/factories.js';
import type { Form } from '../helpers/http-client.js';

const A: Credentials = { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN };
const SERVICES = '/console/services';

/** The sign-in form, posted by a browser with no session (and these extra headers). */
function postSignIn(t: TestApp, form: Form | Credentials, headers: Record<string, string> = {}): Promise<ConsolePage> {
  return new ConsoleClient(t.baseUrl).post('/console/sign-in', { ...form }, headers);
}

/** Asserts the sign-in form was refused: a 401 page with the form again, and no cookie. */
function assertRefused(page: ConsolePage, what: string): void {
  assert.match(assertErrorPage(page, 401), /not accepted/, what);
  assert.equal(page.headers.get('set-cookie'), null, `${what}: no cookie`);
  assert.equal(page.headers.get('www-authenticate'), null, `${what}: no Basic challenge (a browser would open its own dialog)`);
  assert.match(page.text, /<form method="post" action="\/console\/sign-in"/, what);
}

/** The `next` hidden field of a sign-in page. */
const nextOf = (page: ConsolePage) => /name="next" value="([^"]*)"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&');

describe('Console sign-in and sign-out', () => {
  let t: TestApp;
  let b: TestAccount;
  let sessionsOfA: string;
  before(async () => {
    t = await startTestApp();
    b = await addAccount(t, { friendlyName: 'console tenant B' });
    sessionsOfA = `/console/services/${(await pooledService(t.api, [])).serviceSid}/sessions?status=open&unique_name=a`;
  });
  after(() => t.close());

  test('an account SID and auth token: a 303 to next, and a session cookie for the console only', async () => {
    const signed = await postSignIn(t, { ...A, next: sessionsOfA });
    assertSeeOther(signed, sessionsOfA);
    const [pair, ...attributes] = (signed.headers.get('set-cookie') ?? assert.fail('no Set-Cookie')).split(/;\s*/);
    assert.match(pair!, /^parley_console=[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(attributes.sort(), ['HttpOnly', `Max-Age=${CONSOLE_SESSION_SECONDS}`, 'Path=/console', 'SameSite=Strict']);

    const landed = await new ConsoleClient(t.baseUrl, pair!).get(sessionsOfA);
    assert.equal(landed.status, 200, landed.text);
    assert.match(landed.text, new RegExp(`title="Signed in as">${TEST_ACCOUNT_SID}<`));
  });

  test('an API key SID and secret sign in as the key’s account', async () => {
    const key = await addApiKey(t, b.sid, 'console key');
    const mine = await pooledService(b.api, [], { UniqueName: 'b-console-service' });
    const signed = await postSignIn(t, { username: key.sid, password: key.secret });
    assertSeeOther(signed, SERVICES);
    const page = await new ConsoleClient(t.baseUrl, cookieOf(signed.headers)).get(SERVICES);
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, new RegExp(`title="Signed in as">${key.sid}<`));
    assert.ok(page.text.includes(mine.serviceSid), 'B’s service is listed');
    assert.ok(!page.text.includes(sessionsOfA.split('/')[3]!), 'A’s is not');
  });

  test('wrong credentials get the form again with a 401, and no cookie', async () => {
    const key = await addApiKey(t, b.sid);
    const cases: Array<[string, Record<string, string>]> = [
      ['a wrong auth token', { username: TEST_ACCOUNT_SID, password: `${TEST_AUTH_TOKEN}x` }],
      ['another account’s token', { username: TEST_ACCOUNT_SID, password: b.authToken }],
      ['a key SID with its account’s token', { username: key.sid, password: b.authToken }],
      ['a wrong key secret', { username: key.sid, password: `${key.secret}x` }],
      ['an unknown account', { username: `AC${'0'.repeat(32)}`, password: TEST_AUTH_TOKEN }],
      ['not a SID', { username: 'admin', password: 'admin' }],
      ['an empty form', {}],
    ];
    for (const [what, form] of cases) assertRefused(await postSignIn(t, form), what);
  });

  test('a page without a session goes to the sign-in page, and comes back after it', async () => {
    const tokens = ['', 'parley_console=', 'parley_console=garbage', `parley_console=${'A'.repeat(43)}`];
    for (const cookie of tokens) {
      const client = new ConsoleClient(t.baseUrl, cookie === '' ? null : cookie);
      assertSeeOther(await client.get(sessionsOfA), `/console/sign-in?next=${encodeURIComponent(sessionsOfA)}`);
      assertSeeOther(await client.get('/console'), `/console/sign-in?next=${encodeURIComponent('/console')}`);
      // A form needs a session too: refused, never a redirect that could be replayed after sign-in.
      assert.match(assertErrorPage(await client.post('/console/clock', { advance: 3600 }), 403), /signed out/);
    }
    const signInPage = await new ConsoleClient(t.baseUrl).get(`/console/sign-in?next=${encodeURIComponent(sessionsOfA)}`);
    assert.equal(signInPage.status, 200);
    assert.equal(nextOf(signInPage), sessionsOfA);
    assertSeeOther(await postSignIn(t, { ...A, next: nextOf(signInPage)! }), sessionsOfA);
  });

  test('next never leads out of the console: another site or a scheme goes to the services', async () => {
    const elsewhere = [
      '//evil.example',
      'https://evil.example',
      'https://evil.example/console/services',
      '/\\evil.example',
      '/console@evil.example',
      '/console.evil.example',
      'javascript:alert(1)',
      '/console/services\r\nSet-Cookie: x=y',
      '/services',
    ];
    for (const next of elsewhere) {
      assertSeeOther(await postSignIn(t, { ...A, next }), SERVICES);
      const page = await new ConsoleClient(t.baseUrl).get(`/console/sign-in?next=${encodeURIComponent(next)}`);
      assert.equal(nextOf(page), SERVICES, next);
    }
  });

  test('a sign-in posted from another site is refused and sets no cookie', async () => {
    const headers: Array<Record<string, string>> = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const header of headers) {
      const refused = await postSignIn(t, A, header);
      assert.match(assertErrorPage(refused, 403), /another site/, JSON.stringify(header));
      assert.equal(refused.headers.get('set-cookie'), null);
    }
  });

  test('signing out deletes that session only; without the CSRF token it is refused', async () => {
    const [one, two] = [await ConsoleClient.signIn(t.baseUrl, A), await ConsoleClient.signIn(t.baseUrl, A)];
    assertErrorPage(await one.post('/console/sign-out', { _csrf: undefined }), 403);
    assert.equal(await isSignedIn(one), true, 'a refused sign-out signs nobody out');

    const out = await one.post('/console/sign-out');
    assertSeeOther(out, '/console/sign-in');
    assert.match(out.headers.get('set-cookie') ?? '', /^parley_console=; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=0$/);
    assert.equal(await isSignedIn(one), false, 'the old cookie opens nothing');
    assertErrorPage(await one.post('/console/sign-out'), 403);
    assert.equal(await isSignedIn(two), true, 'the other session goes on');
  });

  test('revoking the API key that signed in ends its sessions; the account’s own go on', async () => {
    const key = await addApiKey(t, b.sid, 'to revoke');
    const [byKey, byToken] = [await ConsoleClient.signIn(t.baseUrl, key.auth), await ConsoleClient.signIn(t.baseUrl, b.auth)];
    assert.equal(await isSignedIn(byKey), true);
    assert.equal(await deleteApiKey(t.app.parley.database.queries, key.sid), true);
    // A running server sees the revocation within the Authenticator's cache (5 s); the test does not wait.
    t.app.parley.components.authenticator.forget();
    assert.equal(await isSignedIn(byKey), false);
    assert.match(assertErrorPage(await byKey.post('/console/clock', { advance: 60 }), 403), /signed out/);
    assert.equal(await isSignedIn(byToken), true);
    assertRefused(await postSignIn(t, key.auth), 'the revoked key');
  });

  test('rotating the auth token away ends the sessions it signed in; the new token’s go on', async () => {
    const db = t.app.parley.database.queries;
    const account = await addAccount(t);
    const byOld = await ConsoleClient.signIn(t.baseUrl, account.auth);
    const secondary = await createSecondaryToken(db, systemClock, account.sid, null);
    // A running server reads the tokens again within the Authenticator's cache (5 s); the test does not wait.
    t.app.parley.components.authenticator.forget();
    const byNew = await ConsoleClient.signIn(t.baseUrl, { username: account.sid, password: secondary });
    assert.equal(await isSignedIn(byOld), true, 'during the rotation both tokens sign in');
    await promoteSecondaryToken(db, systemClock, account.sid, null);
    t.app.parley.components.authenticator.forget();
    assert.equal(await isSignedIn(byOld), false, 'the retired token’s session ended');
    assert.equal(await isSignedIn(byNew), true);
  });
});

describe('Console sign-in lockout and rate limit', () => {
  let t: TestApp;
  before(async () => {
    // The rate limiter's time stands still: nothing refills the bucket while the test runs.
    t = await startTestApp({ PARLEY_AUTH_FAILURE_LIMIT: '3', PARLEY_RATE_LIMIT: '1', PARLEY_RATE_BURST: '3' }, { rateClock: () => 0 });
  });
  after(() => t.close());

  test('console pages count against the account’s rate limit, per page', async () => {
    const user = await ConsoleClient.signIn(t.baseUrl, A);
    // The landing page after sign-in was the first of three.
    for (let i = 0; i < 2; i++) assert.equal((await user.get(SERVICES)).status, 200);
    const limited = await user.get(SERVICES);
    assert.match(assertErrorPage(limited, 429), /more than 1 requests per second/);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((await user.get('/console/callbacks')).status, 200, 'another page has its own bucket');
  });

  test('failed sign-ins lock the address out of the console and the API alike', async () => {
    for (let i = 0; i < 3; i++) assertRefused(await postSignIn(t, { username: TEST_ACCOUNT_SID, password: `wrong-${i}` }), `guess ${i}`);
    assertErrorPage(await postSignIn(t, A), 429);
    assert.equal((await t.api.get('/v1/Services')).status, 429, 'the API shares the lockout');
  });
});

describe('Console session lifetime', () => {
  let t: TestApp;
  let clock: TestClock;
  before(async () => {
    // Real time stands still until the test moves it.
    clock = frozenClock();
    t = await startTestApp({}, { clock });
  });
  after(() => t.close());

  const rows = () => t.app.parley.database.db.selectFrom('console_sessions').selectAll().execute();

  test('a session lasts CONSOLE_SESSION_SECONDS of real time; the emulator clock moving a day signs nobody out', async () => {
    const user = await ConsoleClient.signIn(t.baseUrl, A);
    await advanceClock(t.api, 86_400);
    assertSeeOther(await user.post('/console/clock', { advance: 86_400, back: SERVICES }), SERVICES);
    assert.equal((await t.api.get('/simulator/v1/Clock')).body.offset_seconds, 2 * 86_400);
    assert.equal(await isSignedIn(user), true, 'two emulated days later, still signed in');

    clock.advance(CONSOLE_SESSION_SECONDS - 1);
    assert.equal(await isSignedIn(user), true, 'a second before it ends');
    clock.advance(1);
    assert.equal(await isSignedIn(user), false, 'ended');
    assert.match(assertErrorPage(await user.post('/console/clock', { advance: 60 }), 403), /signed out/);

    // The next sign-in sweeps the expired row away.
    assert.equal((await rows()).length, 1);
    const again = await ConsoleClient.signIn(t.baseUrl, A);
    assert.equal(await isSignedIn(again), true);
    const left = await rows();
    assert.equal(left.length, 1, 'the expired session was deleted');
    assert.equal(Number(left[0]!.expires_at), clock.now() + CONSOLE_SESSION_SECONDS * 1000);
  });
});
