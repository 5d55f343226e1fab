// What the console's answers tell a browser: every page, redirect and error carries a
// Content-Security-Policy that runs no inline script (nor any script but the console's own file),
// refuses framing, turns off sniffing and is never cached; the pages reference only the files
// under /console/assets/, which are served with their types, cached for good, and small.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { ConsoleClient } from '../helpers/console.js';
import type { ConsolePage } from '../helpers/console.js';
import { call, maskedPair, text } from '../helpers/factories.js';
import type { MaskedPair } from '../helpers/factories.js';

const MAX_SCRIPT_GZIP_BYTES = 100 * 1024;

/** The Content-Security-Policy, as directive → sources. */
function policyOf(page: ConsolePage): Map<string, string[]> {
  const header = page.headers.get('content-security-policy') ?? assert.fail('no Content-Security-Policy');
  return new Map(
    header
      .split(';')
      .map((directive) => directive.trim().split(/\s+/) as [string, ...string[]])
      .map(([name, ...values]) => [name, values]),
  );
}

function assertSecurityHeaders(page: ConsolePage, what: string, cache = 'no-store'): void {
  const policy = policyOf(page);
  assert.deepEqual(policy.get('default-src'), ["'none'"], what);
  assert.deepEqual(policy.get('script-src'), ["'self'"], what);
  assert.deepEqual(policy.get('style-src'), ["'self'"], what);
  assert.deepEqual(policy.get('frame-ancestors'), ["'none'"], what);
  assert.deepEqual(policy.get('form-action'), ["'self'"], what);
  assert.deepEqual(policy.get('base-uri'), ["'none'"], what);
  assert.doesNotMatch(page.headers.get('content-security-policy')!, /unsafe-inline|unsafe-eval|\*/, what);
  assert.equal(page.headers.get('x-frame-options'), 'DENY', what);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(page.headers.get('referrer-policy'), 'same-origin', what);
  assert.equal(page.headers.get('cache-control'), cache, what);
}

/** A tag's attribute, unescaped. */
const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]?.replace(/&amp;/g, '&');

describe('Console headers and assets', () => {
  let t: TestApp;
  let user: ConsoleClient;
  let pair: MaskedPair;
  before(async () => {
    t = await startTestApp();
    user = await ConsoleClient.signIn(t.baseUrl, { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN });
    pair = await maskedPair(t.api);
    await text(t.api, pair.a.identifier, pair.a.proxy, 'hello');
    await call(t.api, pair.a.identifier, pair.a.proxy);
  });
  after(() => t.close());

  const anonymous = () => new ConsoleClient(t.baseUrl);
  const sessionPath = () => `/console/services/${pair.serviceSid}/sessions/${pair.sessionSid}`;
  const pagePaths = () => [
    '/console/services',
    `/console/services/${pair.serviceSid}`,
    `/console/services/${pair.serviceSid}/numbers`,
    `/console/services/${pair.serviceSid}/sessions`,
    sessionPath(),
    '/console/callbacks',
    '/console/phone',
    `/console/phone?number=${encodeURIComponent(pair.a.identifier)}`,
  ];

  test('pages, redirects, refusals and errors all carry the security headers and are not cached', async () => {
    const answers: Array<[string, Promise<ConsolePage>]> = [
      ['the sign-in page', anonymous().get('/console/sign-in')],
      ['a refused sign-in', anonymous().post('/console/sign-in', { username: TEST_ACCOUNT_SID, password: 'wrong' })],
      ['a sign-in', anonymous().post('/console/sign-in', { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN })],
      ['a redirect to the sign-in page', anonymous().get('/console/services')],
      ['an unknown page', user.get('/console/nowhere')],
      ['an unknown page, signed out', anonymous().get('/console/nowhere')],
      ['a form without its token', user.post(sessionPath(), { action: 'close', _csrf: undefined })],
      ['a form from another site', user.post(sessionPath(), { action: 'close' }, { origin: 'http://evil.example' })],
      ['a bad filter', user.get(`/console/services/${pair.serviceSid}/sessions?status=bogus`)],
      ['a live fragment', user.get(`/console/phone/live?number=${encodeURIComponent(pair.a.identifier)}`)],
      ...pagePaths().map((path): [string, Promise<ConsolePage>] => [path, user.get(path)]),
    ];
    for (const [what, answer] of answers) assertSecurityHeaders(await answer, what);
  });

  test('pages run only the console’s own files, no inline script, handler or style', async () => {
    for (const path of [...pagePaths(), '/console/sign-in']) {
      const page = await (path === '/console/sign-in' ? anonymous() : user).get(path);
      assert.equal(page.status, 200, path);
      const scripts = page.text.match(/<script\b[^>]*>/g) ?? [];
      assert.equal(scripts.length, 1, `${path}: one script`);
      assert.match(attribute(scripts[0]!, 'src') ?? '', /^\/console\/assets\/console\.js\?v=[0-9a-f]{12}$/, path);
      assert.doesNotMatch(page.text, /<script\b[^>]*>[^<]/, `${path}: no inline script`);
      assert.doesNotMatch(page.text, /<style\b|\sstyle="|\son[a-z]+="|javascript:/i, `${path}: no inline style or handler`);
      for (const link of page.text.match(/<link\b[^>]*>/g) ?? []) {
        assert.match(attribute(link, 'href') ?? '', /^\/console\/assets\/console\.css\?v=[0-9a-f]{12}$/, path);
      }
    }
  });

  test('the assets are served with their types, cached for good, and the pages’ script is small', async () => {
    const page = await user.get('/console/services');
    const references = [
      ...(page.text.match(/<script\b[^>]*>/g) ?? []).map((tag) => ['script', attribute(tag, 'src')!] as const),
      ...(page.text.match(/<link\b[^>]*>/g) ?? []).map((tag) => ['style', attribute(tag, 'href')!] as const),
    ];
    assert.deepEqual(references.map(([kind]) => kind).sort(), ['script', 'style']);
    let scriptBytes = 0;
    for (const [kind, path] of references) {
      const response = await fetch(t.baseUrl + path);
      const body = Buffer.from(await response.arrayBuffer());
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('content-type'), kind === 'script' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
      const served = { status: response.status, headers: response.headers, text: '', location: null };
      assertSecurityHeaders(served, path, 'public, max-age=31536000, immutable');
      const file = new URL(`../../src/console/assets/${new URL(path, t.baseUrl).pathname.split('/').pop()}`, import.meta.url);
      assert.ok(body.equals(readFileSync(file)), `${path} is the file in src/console/assets`);
      if (kind === 'script') scriptBytes += gzipSync(body).length;
    }
    assert.ok(scriptBytes > 0 && scriptBytes < MAX_SCRIPT_GZIP_BYTES, `the pages' JavaScript is ${scriptBytes} bytes gzipped`);

    for (const path of ['/console/assets/nothing.js', '/console/assets/..%2Fconsole.routes.ts', '/console/assets/%2E%2E%2Fhtml.ts']) {
      const missing = await anonymous().get(path);
      assert.equal(missing.status, 404, path);
      assert.match(missing.headers.get('content-type') ?? '', /^text\/html/);
    }
  });
});
