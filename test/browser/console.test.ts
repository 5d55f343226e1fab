// The web console in a real browser (Debian's chromium through playwright-core): signing in by
// keyboard, what the API made showing up, a simulated phone's text arriving in the other phone's
// thread without a reload and in the session's timeline, a call ended, the clock closing a
// session, a failed callback redelivered, an XSS probe, 375 px, signing out, and another account's
// session not found. Screenshots of the main pages go to test-output/screenshots.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { addAccount } from '../helpers/accounts.js';
import { appAndReceiver, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { assertNoPageProblems, openBrowser, saveScreenshot } from '../helpers/browser.js';
import type { TestBrowser } from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { handset, maskedPair, poolNumber, text } from '../helpers/factories.js';
import type { MaskedPair } from '../helpers/factories.js';
import type { CallbackReceiver } from '../helpers/receiver.js';

// The page's own globals, inside page.evaluate() callbacks (which run in the browser); the suite
// compiles without the DOM library, whose types would change Node's own (fetch, Response).
declare const document: {
  documentElement: { scrollWidth: number };
  querySelectorAll(selector: string): ArrayLike<{ tagName: string; className: string; getBoundingClientRect(): { right: number } }>;
};

const XSS_NAME = `<script>alert("name")</script>"><img src=x onerror=alert("name")>`;
const XSS_BODY = `<script>alert("body")</script>"><img src=x onerror=alert("body")>`;

describe('Web console in a browser', () => {
  // One attempt: a callback that fails is given up at once, to be redelivered from the console.
  const fixture = appAndReceiver({ PARLEY_CALLBACK_MAX_ATTEMPTS: '1' });
  let t: TestApp;
  let receiver: CallbackReceiver;
  let browser: TestBrowser;
  let page: Page;
  let pair: MaskedPair;
  const dialogs: string[] = [];
  const consolePath = (path: string) => `${t.baseUrl}/console${path}`;

  before(async () => {
    ({ t, receiver } = fixture);
    browser = await openBrowser();
    page = await browser.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    pair = await maskedPair(t.api, {
      pool: [poolNumber(), poolNumber()],
      service: { UniqueName: 'rides', CallbackUrl: receiver.url('/status') },
      a: { Identifier: handset(), FriendlyName: 'Alice' },
      b: { Identifier: handset(), FriendlyName: 'Bob' },
      session: { UniqueName: 'ride-1042' },
    });
  });
  after(async () => {
    await browser?.close();
  });

  test('signs in with the keyboard alone and lands on the services', async () => {
    await page.goto(consolePath(''));
    assert.match(page.url(), /\/console\/sign-in\?next=/);
    // The SID field has the focus; Tab reaches the token, Enter submits.
    await page.keyboard.type(TEST_ACCOUNT_SID);
    await page.keyboard.press('Tab');
    await page.keyboard.type(TEST_AUTH_TOKEN);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/services$/);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'parley_console');
    assert.ok(cookie, 'the session cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.ok(cookie.expires > 0, 'the cookie expires');
  });

  test('a session made through the API shows on the sessions page and its own page', async () => {
    await page.getByRole('link', { name: 'rides' }).click();
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('link', { name: 'ride-1042' }).click();
    await page.waitForURL(new RegExp(`/sessions/${pair.sessionSid}$`));
    const participants = page.locator('#participants-heading + .table-wrap');
    // Each participant's row shows the proxy number that participant texts and calls.
    const rows = (await participants.innerText()).split('\n');
    for (const member of [pair.a, pair.b]) {
      assert.ok(
        rows.some((row) => row.includes(member.identifier) && row.includes(member.proxy)),
        `${member.identifier} with ${member.proxy}`,
      );
    }
  });

  test("a text from Alice's phone arrives in Bob's thread without a reload, and in the session's timeline", async () => {
    const bob = await browser.newPage();
    await bob.goto(consolePath(`/phone?number=${encodeURIComponent(pair.b.identifier)}`));
    await bob.getByText(`No messages to or from ${pair.b.identifier} yet.`).waitFor();

    await page.goto(consolePath(`/phone?number=${encodeURIComponent(pair.a.identifier)}`));
    await page.getByLabel('To (a proxy number)').fill(pair.a.proxy);
    await page.getByLabel('Message').fill('Hi Bob, I am outside');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.bubble.sent', { hasText: 'Hi Bob' }).waitFor();

    // Bob's page was not reloaded: the thread refreshed on its own.
    const arrived = bob.locator('.bubble.received', { hasText: 'Hi Bob, I am outside' });
    await arrived.waitFor();
    assert.match(await bob.locator('.thread header').innerText(), new RegExp(`\\${pair.b.proxy}`));
    assert.match(await arrived.innerText(), /delivered/);
    await saveScreenshot(bob, 'console-phone');
    assertNoPageProblems(bob);
    await bob.close();

    await page.goto(consolePath(`/services/${pair.serviceSid}/sessions/${pair.sessionSid}`));
    const event = page.locator('.timeline .event', { hasText: 'Hi Bob, I am outside' });
    await event.waitFor();
    assert.match(await event.innerText(), /message/);
    await eventually(async () => {
      await page.reload();
      assert.match(await page.locator('.timeline .event').first().innerText(), /to [^:]+: delivered/);
    });
  });

  test('a call is placed from a phone and ended as completed', async () => {
    await page.goto(consolePath(`/phone?number=${encodeURIComponent(pair.a.identifier)}`));
    await page.getByLabel('Call (a proxy number)').fill(pair.a.proxy);
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    const call = page.locator('.call', { hasText: 'in-progress' });
    await call.waitFor();
    await call.getByLabel('End as').selectOption('completed');
    await call.getByRole('button', { name: 'End call' }).click();
    await page.locator('.call', { hasText: 'completed' }).waitFor();
    const calls = await t.api.get('/simulator/v1/Messages');
    assert.equal(calls.status, 200);
    await page.goto(consolePath(`/services/${pair.serviceSid}/sessions/${pair.sessionSid}`));
    const voice = page.locator('.timeline .event-voice');
    await voice.waitFor();
    assert.match(await voice.innerText(), /to [^:]+: completed/);
    await saveScreenshot(page, 'console-session');
  });

  test('a failed callback is redelivered from the callback log', async () => {
    receiver.respond({ status: 500 });
    const sent = await text(t.api, pair.b.identifier, pair.b.proxy, 'for a failing callback');
    await page.goto(consolePath('/callbacks?status=failed'));
    const failed = page.locator('tbody tr', { hasText: 'HTTP 500' }).first();
    await eventually(async () => {
      await page.reload();
      assert.equal(await failed.count(), 1);
    });
    receiver.respond({});
    const before = receiver.requests.length;
    await failed.getByRole('button', { name: 'Redeliver' }).click();
    await eventually(() => assert.ok(receiver.requests.slice(before).some((r) => r.body.includes(sent.interaction_sid as string))));
    await page.goto(consolePath('/callbacks'));
    await eventually(async () => {
      await page.reload();
      assert.match(await page.locator('tbody tr').first().innerText(), /delivered/);
    });
    await saveScreenshot(page, 'console-callbacks');
  });

  test('advancing the clock a day closes a session whose TTL ran out', async () => {
    const expiring = await maskedPair(t.api, { in: pair, a: handset(), b: handset(), session: { Ttl: 3600, UniqueName: 'expiring' } });
    const sessionPage = consolePath(`/services/${pair.serviceSid}/sessions/${expiring.sessionSid}`);
    await page.goto(sessionPage);
    assert.match(await page.locator('#summary').innerText(), /open/);
    const before = await page.locator('#clock-now').innerText();
    await page.getByRole('button', { name: '+1 day' }).click();
    await page.waitForURL(sessionPage);
    assert.notEqual(await page.locator('#clock-now').innerText(), before);
    assert.match(await page.locator('#summary').innerText(), /closed/);
    assert.equal((await t.api.get(expiring.session)).body.status, 'closed');
  });

  test('the XSS probe: names and bodies holding markup are shown as text, and nothing runs', async () => {
    const probe = await maskedPair(t.api, { service: { UniqueName: XSS_NAME }, session: { UniqueName: XSS_NAME } });
    const sessionPage = `/services/${probe.serviceSid}/sessions/${probe.sessionSid}`;
    // Typed into the phone's form, as a user would.
    await page.goto(consolePath(`/phone?number=${encodeURIComponent(probe.a.identifier)}`));
    await page.getByLabel('To (a proxy number)').fill(probe.a.proxy);
    await page.getByLabel('Message').fill(XSS_BODY);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.bubble.sent').waitFor();
    const shown = {
      '/services': XSS_NAME,
      [`/services/${probe.serviceSid}`]: XSS_NAME,
      [`/services/${probe.serviceSid}/numbers`]: XSS_NAME,
      [`/services/${probe.serviceSid}/sessions`]: XSS_NAME,
      [sessionPage]: XSS_BODY,
      [`/phone?number=${encodeURIComponent(probe.b.identifier)}`]: XSS_BODY,
    };
    for (const [path, markup] of Object.entries(shown)) {
      await page.goto(consolePath(path));
      await page.getByText(markup).first().waitFor();
      const injected = await page.evaluate(() => ({
        images: document.querySelectorAll('img').length,
        inlineScripts: document.querySelectorAll('script:not([src])').length,
      }));
      assert.deepEqual(injected, { images: 0, inlineScripts: 0 }, path);
    }
    assert.deepEqual(dialogs, []);
    assertNoPageProblems(page);
  });

  test('the main pages fit 375 px without scrolling sideways', async () => {
    const narrow = await browser.newPage({ width: 375, height: 800 });
    const pages = {
      services: '/services',
      pool: `/services/${pair.serviceSid}/numbers`,
      sessions: `/services/${pair.serviceSid}/sessions`,
      session: `/services/${pair.serviceSid}/sessions/${pair.sessionSid}`,
      phone: `/phone?number=${encodeURIComponent(pair.a.identifier)}`,
      callbacks: '/callbacks',
    };
    for (const [name, path] of Object.entries(pages)) {
      await narrow.goto(consolePath(path));
      const width = await narrow.evaluate(() => document.documentElement.scrollWidth);
      const wide = await narrow.evaluate(() =>
        Array.from(document.querySelectorAll('body *'))
          .filter((element) => element.getBoundingClientRect().right > 376)
          .map((element) => `${element.tagName.toLowerCase()}.${element.className}`)
          .slice(0, 5),
      );
      assert.ok(width <= 375, `${name} is ${width} px wide at 375 px: ${wide.join(', ')}`);
      if (name === 'services' || name === 'pool') await saveScreenshot(narrow, `console-${name}-375`);
    }
    await narrow.setViewportSize({ width: 1280, height: 720 });
    await narrow.goto(consolePath(pages.pool));
    await saveScreenshot(narrow, 'console-pool');
    await narrow.goto(consolePath(pages.sessions));
    await saveScreenshot(narrow, 'console-sessions');
    assertNoPageProblems(narrow);
    await narrow.close();
  });

  test('signs out: the session is over, and its pages ask for a sign-in again', async () => {
    await page.goto(consolePath('/services'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/sign-in$/);
    await page.goto(consolePath(`/services/${pair.serviceSid}`));
    assert.match(page.url(), /\/console\/sign-in\?next=/);
    assertNoPageProblems(page);
  });

  test("another account's session is not found", async () => {
    const other = await addAccount(t);
    const separate = await openBrowser();
    try {
      const otherPage = await separate.newPage();
      await otherPage.goto(consolePath('/sign-in'));
      await otherPage.getByLabel('Account SID or API key SID').fill(other.sid);
      await otherPage.getByLabel('Auth token or API key secret').fill(other.authToken);
      await otherPage.getByRole('button', { name: 'Sign in' }).click();
      await otherPage.waitForURL(/\/console\/services$/);
      assert.equal(await otherPage.getByRole('link', { name: 'rides' }).count(), 0);
      const response = await otherPage.goto(consolePath(`/services/${pair.serviceSid}/sessions/${pair.sessionSid}`));
      assert.equal(response?.status(), 404);
      assert.match(await otherPage.locator('main').innerText(), /was not found/);
    } finally {
      await separate.close();
    }
  });
});
