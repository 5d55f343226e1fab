// Everything a user or a handset wrote is text on a console page: a service's and a session's
// unique name, a message body, a query value the page reflects, a path in an error page; the raw
// markup never reaches the HTML, only its escaped form, on every page that shows it (lists, the
// session's timeline, a phone and its live fragment, error pages).

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { ConsoleClient } from '../helpers/console.js';
import type { ConsolePage } from '../helpers/console.js';
import { maskedPair, text } from '../helpers/factories.js';
import type { MaskedPair } from '../helpers/factories.js';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const QUOTE = "' onmouseover='alert(1)";
const HOSTILE = [SCRIPT, IMG, QUOTE];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escaped = (value: string) => value.replace(/[&<>"']/g, (char) => ENTITIES[char]!);

/** Asserts the page shows each of `shown` escaped, and no hostile value raw, nor any markup of its own. */
function assertEscaped(page: ConsolePage, what: string, shown: string[], status = 200): void {
  assert.equal(page.status, status, `${what}: ${page.text.slice(0, 300)}`);
  for (const value of [...HOSTILE, ...shown]) assert.ok(!page.text.includes(value), `${what} has ${value} raw`);
  for (const value of shown) assert.ok(page.text.includes(escaped(value)), `${what} shows ${value} escaped`);
  // The page's own tags, their quoted values left out (a quote in a value is escaped): no script
  // but the console's file, no image or SVG, no event handler.
  const tags = (page.text.match(/<[a-zA-Z][^>]*>/g) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""'));
  const scripts = tags.filter((tag) => tag.startsWith('<script'));
  assert.ok(scripts.length <= 1 && scripts.every((tag) => tag === '<script src="" defer>'), `${what}: ${scripts.join(' ')}`);
  assert.deepEqual(
    tags.filter((tag) => /^<(img|svg|iframe|object)|\son[a-z]+\s*=/i.test(tag)),
    [],
    what,
  );
}

/** A GET with the path sent byte for byte (fetch would percent-encode its markup). */
function rawGet(t: TestApp, path: string, cookie: string): Promise<ConsolePage> {
  return new Promise((resolve, reject) => {
    const url = new URL(t.baseUrl);
    const request = httpRequest({ host: url.hostname, port: url.port, path, headers: { cookie } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: new Headers(), text: body, location: null }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('Console escaping', () => {
  let t: TestApp;
  let user: ConsoleClient;
  let first: MaskedPair;
  let second: MaskedPair;
  before(async () => {
    t = await startTestApp();
    user = await ConsoleClient.signIn(t.baseUrl, { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN });
    first = await maskedPair(t.api, { service: { UniqueName: SCRIPT }, session: { UniqueName: IMG } });
    second = await maskedPair(t.api, { service: { UniqueName: IMG }, session: { UniqueName: QUOTE } });
    for (const body of HOSTILE) await text(t.api, first.a.identifier, first.a.proxy, body);
  });
  after(() => t.close());

  const servicePath = (pair: MaskedPair) => `/console/services/${pair.serviceSid}`;
  const phone = (pair: MaskedPair, side: 'a' | 'b') => encodeURIComponent(pair[side].identifier);

  test('unique names on the services list, a service, its pool and its sessions', async () => {
    assertEscaped(await user.get('/console/services'), 'the services list', [SCRIPT, IMG]);
    for (const [pair, service, session] of [
      [first, SCRIPT, IMG],
      [second, IMG, QUOTE],
    ] as const) {
      assertEscaped(await user.get(servicePath(pair)), `service ${service}`, [service]);
      assertEscaped(await user.get(`${servicePath(pair)}/numbers`), `pool of ${service}`, [service]);
      assertEscaped(await user.get(`${servicePath(pair)}/sessions`), `sessions of ${service}`, [service, session]);
      // The filter's value goes back into the form (an attribute) and finds the session.
      const filtered = await user.get(`${servicePath(pair)}/sessions?unique_name=${encodeURIComponent(session)}`);
      assertEscaped(filtered, `sessions of ${service} filtered`, [service, session]);
      assert.ok(filtered.text.includes(pair.sessionSid), 'the filter matched the session');
    }
  });

  test('a session page and its timeline of message bodies', async () => {
    const page = await user.get(`${servicePath(first)}/sessions/${first.sessionSid}`);
    assertEscaped(page, 'the session page', [SCRIPT, IMG, QUOTE]);
    assert.equal((page.text.match(/class="event-body"/g) ?? []).length, HOSTILE.length, 'each message is on the timeline');
    assertEscaped(await user.get(`${servicePath(second)}/sessions/${second.sessionSid}`), 'the other session page', [IMG, QUOTE]);
  });

  test('the phones that sent and received them, and their live fragments', async () => {
    for (const side of ['a', 'b'] as const) {
      assertEscaped(await user.get(`/console/phone?number=${phone(first, side)}`), `phone ${side}`, HOSTILE);
      const live = await user.get(`/console/phone/live?number=${phone(first, side)}`);
      assertEscaped(live, `phone ${side}, live`, HOSTILE);
      assert.match(live.headers.get('content-type') ?? '', /^text\/html/);
    }
    // The `to` the page reflects into its forms.
    const to = await user.get(`/console/phone?number=${phone(first, 'a')}&to=${encodeURIComponent(IMG)}`);
    assertEscaped(to, 'a phone with a hostile `to`', [IMG]);
  });

  test('error pages: a refused action and a path with markup', async () => {
    // An action is at most 20 characters: a short one, echoed in the message.
    const action = '"><svg onload=1>';
    const refused = await user.post(`${servicePath(first)}/sessions/${first.sessionSid}`, { action });
    assertEscaped(refused, 'a refused action', [action], 400);
    const path = `/console/services/${SCRIPT}`;
    assertEscaped(await rawGet(t, path, user.cookie!), 'a 404 for a path with markup', [path], 404);
    assertEscaped(await rawGet(t, `/console/${SCRIPT}`, ''), 'a 404 without a session', [`/console/${SCRIPT}`], 404);
  });
});
