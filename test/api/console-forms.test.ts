// The console's forms: a POST must come from this site (Origin, Sec-Fetch-Site) and carry the
// CSRF token of its own session, or it is a 403 and nothing changes; bad input, on a page or in a
// form, is a 4xx page and never a 500; and a form refused with a 400 has done nothing of what it
// asked (the clock, a call, a callback stay as they were).

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appAndReceiver, frozenClock, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { assertErrorPage, assertSeeOther, ConsoleClient } from '../helpers/console.js';
import { call, fetchOk, maskedPair, text } from '../helpers/factories.js';
import type { MaskedPair } from '../helpers/factories.js';
import { eventually } from '../helpers/eventually.js';
import type { Form } from '../helpers/http-client.js';
import type { CallbackReceiver } from '../helpers/receiver.js';

const A = { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN };

describe('Console forms', () => {
  // One attempt: a failed status callback is given up at once, and stays failed until redelivered.
  const fixture = appAndReceiver({ PARLEY_CALLBACK_MAX_ATTEMPTS: '1' }, { clock: frozenClock() });
  let t: TestApp;
  let receiver: CallbackReceiver;
  let user: ConsoleClient;
  before(async () => {
    ({ t, receiver } = fixture);
    user = await ConsoleClient.signIn(t.baseUrl, A);
  });

  const sessionPage = (pair: MaskedPair) => `/console/services/${pair.serviceSid}/sessions/${pair.sessionSid}`;
  const sessionOf = (pair: MaskedPair) => fetchOk(t.api, pair.session);

  test('closing a session needs this session’s CSRF token and a request from this site', async () => {
    const pair = await maskedPair(t.api);
    const other = await ConsoleClient.signIn(t.baseUrl, A);
    const path = sessionPage(pair);
    const same = t.baseUrl;
    const refusals: Array<[string, Form, Record<string, string>]> = [
      ['no token', { _csrf: undefined }, {}],
      ['an empty token', { _csrf: '' }, {}],
      ['a wrong token', { _csrf: `${user.csrf!.slice(0, -1)}${user.csrf!.endsWith('A') ? 'B' : 'A'}` }, {}],
      ['a longer token', { _csrf: `${user.csrf}x` }, {}],
      ['another session’s token', { _csrf: other.csrf! }, {}],
      ['another site’s Origin', {}, { origin: 'http://evil.example' }],
      ['an opaque Origin', {}, { origin: 'null' }],
      ['this host over another scheme', {}, { origin: same.replace('http:', 'https:') }],
      ['a cross-site fetch', {}, { 'sec-fetch-site': 'cross-site' }],
      ['a same-site fetch (another subdomain)', {}, { 'sec-fetch-site': 'same-site', origin: same }],
    ];
    for (const [what, form, headers] of refusals) {
      const refused = await user.post(path, { action: 'close', ...form }, headers);
      assert.match(assertErrorPage(refused, 403), /came from elsewhere|another site/, what);
      assert.equal((await sessionOf(pair)).status, 'open', `${what}: the session is still open`);
    }
    // Without a cookie, even with a token.
    assertErrorPage(await new ConsoleClient(t.baseUrl, null, user.csrf).post(path, { action: 'close' }), 403);
    assert.equal((await sessionOf(pair)).status, 'open');

    const closed = await user.post(path, { action: 'close' }, { origin: same, 'sec-fetch-site': 'same-origin' });
    assertSeeOther(closed, path);
    assert.equal((await sessionOf(pair)).status, 'closed');
    // The other session's own token works for it.
    assertSeeOther(await other.post(path, { action: 'reopen' }), path);
    assert.equal((await sessionOf(pair)).status, 'in-progress');
  });

  test('bad input on a page or in a form is a 4xx page, never a 500, and changes no session', async () => {
    const pair = await maskedPair(t.api, { session: { Ttl: 600 } });
    const placed = await call(t.api, pair.a.identifier, pair.a.proxy);
    const list = `/console/services/${pair.serviceSid}/sessions`;
    const path = sessionPage(pair);
    const token = (key: unknown) => `PA${Buffer.from(JSON.stringify(key)).toString('base64url')}`;
    const pages: Array<[string, number]> = [
      [`${list}?status=bogus`, 400],
      [`${list}?status=open&status=closed`, 400],
      [`${list}?PageToken=garbage`, 400],
      [`${list}?PageToken=${token([1, 2])}`, 400],
      [`${list}?PageToken=${token(['x', 'KC'])}`, 400],
      [`${list}?unique_name=${'a'.repeat(201)}`, 400],
      [`${path}?PageToken=PB%21%21`, 400],
      ['/console/services?PageToken=PAxyz', 400],
      ['/console/callbacks?status=bogus', 400],
      ['/console/callbacks?PageToken=x', 400],
      ['/console/phone?number=abc', 400],
      ['/console/phone?number=%2B12125550101&number=%2B12125550102', 400],
      ['/console/phone/live?number=12', 400],
      ['/console/phone/live', 400],
      ['/console/services/not-a-sid', 404],
      [`/console/services/${pair.serviceSid}/sessions/not-a-sid`, 404],
      [`/console/services/${pair.serviceSid}/sessions/KC${'0'.repeat(32)}`, 404],
    ];
    for (const [page, status] of pages) assertErrorPage(await user.get(page), status);

    const forms: Array<[string, Form, number]> = [
      [path, { action: 'ttl', ttl: 'abc' }, 400],
      [path, { action: 'ttl', ttl: '-1' }, 400],
      [path, { action: 'ttl', ttl: '1.5' }, 400],
      [path, { action: 'ttl', ttl: '99999999999999999999' }, 400],
      [path, { action: 'ttl', ttl: '' }, 400],
      [path, { action: 'ttl' }, 400],
      [path, { action: 'ttl', ttl: ['60', '120'] }, 400],
      [path, { action: 'explode' }, 400],
      [path, {}, 400],
      [path, { action: ['close', 'reopen'] }, 400],
      [path, { action: 'close', _csrf: [user.csrf!, user.csrf!] }, 400],
      [path, { action: 'reopen' }, 400], // an open session cannot be re-opened
      ['/console/clock', { advance: 'abc' }, 400],
      ['/console/clock', { advance: '-60' }, 400],
      ['/console/clock', { set: 'tomorrow' }, 400],
      ['/console/clock', { set: '2030-02-30T10:00' }, 400],
      ['/console/clock', {}, 400],
      ['/console/clock', { advance: '60', set: '2030-01-01T10:00' }, 400],
      ['/console/phone/messages', { from: 'abc', to: pair.a.proxy, body: 'hi' }, 400],
      ['/console/phone/messages', { from: pair.a.identifier, to: '12', body: 'hi' }, 400],
      ['/console/phone/messages', { from: pair.a.identifier, to: pair.a.proxy, body: 'x'.repeat(1601) }, 400],
      ['/console/phone/calls', { from: pair.a.identifier, to: 'abc' }, 400],
      [`/console/phone/calls/${placed.sid}`, { status: 'exploded' }, 400],
      [`/console/phone/calls/${placed.sid}`, {}, 400],
      [`/console/phone/calls/CA${'0'.repeat(32)}`, { status: 'completed' }, 404],
      ['/console/callbacks/OBnope/redeliver', {}, 404],
    ];
    for (const [action, form, status] of forms) assertErrorPage(await user.post(action, form), status);
    // Bodies no form makes: malformed encoding, and JSON.
    const bodies: Array<[string, string, number]> = [
      [`_csrf=${user.csrf}&action=%E0%A4%A`, 'application/x-www-form-urlencoded', 400],
      [JSON.stringify({ _csrf: user.csrf, action: 'close' }), 'application/json', 415],
    ];
    for (const [body, type, status] of bodies) {
      const response = await fetch(t.baseUrl + path, { method: 'POST', body, headers: { 'content-type': type, cookie: user.cookie! } });
      assertErrorPage({ status: response.status, headers: response.headers, text: await response.text(), location: null }, status);
    }

    const after = await sessionOf(pair);
    assert.equal(after.status, 'in-progress', 'nothing closed it');
    assert.equal(after.ttl, 600, 'nothing changed its TTL');
    assert.equal((await fetchOk(t.api, `/simulator/v1/Calls/${placed.sid}`)).status, 'in-progress', 'nothing ended the call');
  });

  test('a form refused with a 400 has done nothing: the clock, the call and the callback are as they were', async () => {
    const clockNow = async () => (await fetchOk(t.api, '/simulator/v1/Clock')).now_ms as number;
    const before = await clockNow();
    for (const back of [['/console/services', '/console/callbacks'], `/console/${'x'.repeat(2000)}`]) {
      assertErrorPage(await user.post('/console/clock', { advance: 3600, back }), 400);
      assertErrorPage(await user.post('/console/clock', { set: '2099-01-01T00:00', back }), 400);
    }
    assert.equal(await clockNow(), before, 'the clock did not move');

    const pair = await maskedPair(t.api, { service: { CallbackUrl: receiver.url('/refused-form') } });
    const placed = await call(t.api, pair.a.identifier, pair.a.proxy);
    assertErrorPage(await user.post(`/console/phone/calls/${placed.sid}`, { status: 'completed', back: 'not-a-number' }), 400);
    assert.equal((await fetchOk(t.api, `/simulator/v1/Calls/${placed.sid}`)).status, 'in-progress', 'the call goes on');

    receiver.respond({ status: 503 });
    const sent = await text(t.api, pair.a.identifier, pair.a.proxy, 'this callback fails');
    const failed = await eventually(async () => {
      const records = (await fetchOk(t.api, '/parley/v1/Callbacks', { PageSize: 1000 })).callbacks as Array<Record<string, any>>;
      const record = records.find((r) => r.kind === 'status_callback' && r.payload.interactionSid === sent.interaction_sid);
      assert.equal(record?.status, 'failed', JSON.stringify(record));
      return record!;
    });
    const attempts = receiver.requests.filter((r) => r.url === '/refused-form').length;
    receiver.respond({ status: 204 });
    const redeliver = `/console/callbacks/${failed.sid}/redeliver`;
    assertErrorPage(await user.post(redeliver, { back: ['/console/callbacks', '/console/services'] }), 400);
    await t.app.parley.components.outbox.drain();
    assert.equal(receiver.requests.filter((r) => r.url === '/refused-form').length, attempts, 'nothing was sent again');
    assert.deepEqual(await fetchOk(t.api, `/parley/v1/Callbacks/${failed.sid}`), failed, 'the record is as it was');
  });
});
