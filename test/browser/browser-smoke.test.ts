// The browser plumbing itself (test/helpers/browser.ts): Debian's chromium starts, loads a page
// from the real app on a loopback port, records no problems, takes a screenshot, and aborts a
// request that would leave loopback instead of sending it.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { assertNoPageProblems, openBrowser, pageProblems, saveScreenshot } from '../helpers/browser.js';
import type { TestBrowser } from '../helpers/browser.js';

let t: TestApp;
let browser: TestBrowser;
before(async () => {
  t = await startTestApp();
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('a page from the app loads, with no page or console errors', async () => {
  const page = await browser.newPage({ width: 800, height: 600 });
  const response = await page.goto(`${t.baseUrl}/healthz`);
  assert.equal(response?.status(), 200);
  assert.match(await page.locator('body').innerText(), /"status":"ok"/);
  assert.deepEqual(page.viewportSize(), { width: 800, height: 600 });
  assert.ok(existsSync(await saveScreenshot(page, 'browser-smoke-healthz')));
  assertNoPageProblems(page);
  await page.close();
});

test('a request to anywhere but loopback is aborted, never sent', async () => {
  const page = await browser.newPage();
  await page.goto(`${t.baseUrl}/healthz`);
  // 192.0.2.1 is TEST-NET-1: reserved, so even a leak would reach nobody. The route aborts the
  // request before the resolver rule would; `blocked` shows it was the route.
  const outcome = await page.evaluate(() =>
    fetch('http://192.0.2.1/beacon').then(
      () => 'sent',
      () => 'failed',
    ),
  );
  assert.equal(outcome, 'failed');
  assert.ok(browser.blocked.includes('http://192.0.2.1/beacon'), `blocked: ${browser.blocked.join(', ')}`);
  // The browser reports the abort as a failed load: a console error a test would see.
  assert.match(pageProblems(page).consoleErrors.join('\n'), /ERR_BLOCKED_BY_CLIENT/);
  await page.close();
});
