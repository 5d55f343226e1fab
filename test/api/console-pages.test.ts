// What the console's pages do: a service's sessions newest first, filtered by status and by
// unique-name prefix, 50 to a page with pager links that keep the filter; a session closed,
// re-opened and given a new TTL from its page, as the API then shows it; the emulator clock moved
// by an hour or to a date (never backwards), with what came due run before the page comes back;
// and a failed status callback delivered again.

import assert from 'node:assert/strict';
import { afterEach, before, describe, test } from 'node:test';
import { appAndReceiver, frozenClock, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { assertErrorPage, assertSeeOther, ConsoleClient } from '../helpers/console.js';
import { eventually } from '../helpers/eventually.js';
import { fetchOk, maskedPair, pooledService, text } from '../helpers/factories.js';
import type { ServiceFixture } from '../helpers/factories.js';
import type { CallbackReceiver } from '../helpers/receiver.js';

type Json = Record<string, any>;

const PAGE_SIZE = 50;
const unescape = (value: string) => value.replace(/&amp;/g, '&');

describe('Console pages', () => {
  // Real time stands still, and moves only as the test says: every session has its own second.
  const clock = frozenClock();
  // One attempt: a failed status callback is given up at once, and stays failed until redelivered.
  const fixture = appAndReceiver({ PARLEY_CALLBACK_MAX_ATTEMPTS: '1' }, { clock });
  let t: TestApp;
  let receiver: CallbackReceiver;
  let user: ConsoleClient;
  const services: ServiceFixture[] = [];
  before(async () => {
    ({ t, receiver } = fixture);
    user = await ConsoleClient.signIn(t.baseUrl, { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN });
  });
  afterEach(async () => {
    receiver.respond({});
    for (const service of services.splice(0)) await t.api.delete(service.service);
  });

  /** A sessions page: the unique names it lists, in order, and its pager links. */
  async function sessionsPage(path: string): Promise<{ names: string[]; next?: string; previous?: string; text: string }> {
    const page = await user.get(path);
    assert.equal(page.status, 200, page.text);
    const names = [...page.text.matchAll(/\/sessions\/KC[0-9a-f]{32}">([^<]*)<\/a>/g)].map((match) => match[1]!);
    const link = (rel: string) => new RegExp(`<a rel="${rel}" href="([^"]*)"`).exec(page.text)?.[1];
    const [next, previous] = [link('next'), link('prev')].map((href) => (href === undefined ? undefined : unescape(href)));
    return { names, next, previous, text: page.text };
  }

  /** Every page of a list, following its "next" links; checks each page's size and links. */
  async function allPages(path: string): Promise<string[][]> {
    const pages: string[][] = [];
    for (let at: string | undefined = path; at !== undefined;) {
      const page = await sessionsPage(at);
      assert.equal(page.previous === undefined, pages.length === 0, `${at}: a link back, except on the first page`);
      if (page.next !== undefined) assert.equal(page.names.length, PAGE_SIZE, `${at}: a full page before the next`);
      pages.push(page.names);
      at = page.next;
      if (at !== undefined) assert.ok(at.startsWith(path.split('PageToken')[0]!), `the link keeps the filter: ${at}`);
    }
    return pages;
  }

  test('the sessions list: newest first, filtered by status and by unique-name prefix, 50 to a page', async () => {
    const service = await pooledService(t.api, []);
    services.push(service);
    const names = [...Array.from({ length: PAGE_SIZE + 4 }, (_, i) => `s-${String(i).padStart(2, '0')}`), '🎉-party'];
    for (const name of names) {
      const created = await t.api.post(`${service.service}/Sessions`, { UniqueName: name });
      assert.equal(created.status, 201, created.text);
      clock.advance(1);
    }
    const sids = new Map(
      ((await fetchOk(t.api, `${service.service}/Sessions`, { PageSize: 100 })).sessions as Json[]).map((s) => [s.unique_name, s.sid]),
    );
    const closed = ['s-10', 's-20'];
    for (const name of closed)
      assert.equal((await t.api.post(`${service.service}/Sessions/${sids.get(name)}`, { Status: 'closed' })).status, 200);

    const list = `/console/services/${service.serviceSid}/sessions`;
    const newestFirst = [...names].reverse();
    const expect = async (query: string, expected: string[]) => {
      const pages = await allPages(query === '' ? list : `${list}?${query}`);
      assert.deepEqual(pages.flat(), expected, query);
      return pages;
    };
    const everything = await expect('', newestFirst);
    assert.deepEqual(
      everything.map((page) => page.length),
      [PAGE_SIZE, 5],
    );
    // Back from the second page: the first again.
    const second = await sessionsPage((await sessionsPage(list)).next!);
    assert.deepEqual((await sessionsPage(second.previous!)).names, everything[0]);

    await expect('status=closed', ['s-20', 's-10']);
    await expect(
      'status=open',
      newestFirst.filter((name) => !closed.includes(name)),
    );
    await expect('status=in-progress', []);
    await expect(
      'unique_name=s-1',
      newestFirst.filter((name) => name.startsWith('s-1')),
    );
    await expect('status=closed&unique_name=s-1', ['s-10']);
    await expect(
      'status=open&unique_name=s-',
      newestFirst.filter((name) => name.startsWith('s-') && !closed.includes(name)),
    );
    // A prefix counts characters, not UTF-16 units.
    await expect(`unique_name=${encodeURIComponent('🎉')}`, ['🎉-party']);
    // A prefix is text: no wildcards, and its case counts.
    for (const prefix of ['s-%', 's_', 'S-', '%']) await expect(`unique_name=${encodeURIComponent(prefix)}`, []);
    assert.match((await sessionsPage(`${list}?unique_name=nothing`)).text, /No sessions match the filter/);
  });

  test('closing, re-opening and a new TTL from the session page change what the API returns', async () => {
    const pair = await maskedPair(t.api, { session: { Ttl: 600 } });
    services.push(pair);
    const path = `/console/services/${pair.serviceSid}/sessions/${pair.sessionSid}`;
    const session = () => fetchOk(t.api, pair.session);
    const offers = async (action: string) => (await user.get(path)).text.includes(`name="action" value="${action}"`);
    assert.deepEqual([await offers('close'), await offers('reopen'), await offers('ttl')], [true, false, true]);

    assertSeeOther(await user.post(path, { action: 'close' }), path);
    assert.equal((await session()).status, 'closed');
    assert.deepEqual([await offers('close'), await offers('reopen'), await offers('ttl')], [false, true, false]);

    assertSeeOther(await user.post(path, { action: 'reopen' }), path);
    assert.equal((await session()).status, 'in-progress');

    assertSeeOther(await user.post(path, { action: 'ttl', ttl: 7200 }), path);
    const changed = await session();
    assert.equal(changed.ttl, 7200);
    assert.match((await user.get(path)).text, /<dd>7200 s<\/dd>/);
  });

  test('the clock moves by an hour or to a date, never backwards, and what came due has run', async () => {
    const now = async () => (await fetchOk(t.api, '/simulator/v1/Clock')).now_ms as number;
    const pair = await maskedPair(t.api, { session: { Ttl: 3000 } });
    services.push(pair);
    const start = await now();

    assertSeeOther(
      await user.post('/console/clock', { advance: 3600, back: '/console/callbacks?status=failed' }),
      '/console/callbacks?status=failed',
    );
    assert.equal(await now(), start + 3_600_000);
    const session = await fetchOk(t.api, pair.session);
    assert.equal(session.status, 'closed', 'the TTL ran out during the hour, and the sweep ran before the page came back');

    const target = new Date(start + 2 * 86_400_000).toISOString();
    for (const set of [target.slice(0, 16), target.slice(0, 19).replace(/:\d\d$/, ':30')]) {
      assertSeeOther(await user.post('/console/clock', { set, back: '//evil.example' }), '/console/services');
      assert.equal(await now(), Date.parse(`${set.length === 16 ? `${set}:00` : set}Z`), set);
    }
    const page = await user.get('/console/services');
    assert.ok(page.text.includes(`<strong id="clock-now"><time datetime="${target.slice(0, 17)}30Z">`), 'the clock bar shows it');

    const before = await now();
    const past = new Date(before - 86_400_000).toISOString().slice(0, 16);
    assert.match(assertErrorPage(await user.post('/console/clock', { set: past }), 400), /never moves backwards/);
    assert.equal(await now(), before, 'the clock did not move');
  });

  test('a failed status callback is delivered again from the callbacks page', async () => {
    receiver.respond({ status: 503 });
    const pair = await maskedPair(t.api, { service: { CallbackUrl: receiver.url('/console-redeliver') } });
    services.push(pair);
    const sent = await text(t.api, pair.a.identifier, pair.a.proxy, 'deliver me again');
    const record = (status: string) =>
      eventually(async () => {
        const records = (await fetchOk(t.api, '/parley/v1/Callbacks', { PageSize: 1000 })).callbacks as Json[];
        const found = records.find((r) => r.kind === 'status_callback' && r.payload.interactionSid === sent.interaction_sid);
        assert.equal(found?.status, status, JSON.stringify(found));
        return found!;
      });
    const failed = await record('failed');
    const deliveries = () => receiver.requests.filter((r) => r.url === '/console-redeliver').length;
    const attempted = deliveries();

    const action = `/console/callbacks/${failed.sid}/redeliver`;
    const listed = await user.get('/console/callbacks?status=failed');
    assert.ok(listed.text.includes(`action="${action}"`), 'the failed callback offers a redelivery');
    assert.ok(!(await user.get('/console/callbacks?status=delivered')).text.includes(failed.sid));

    receiver.respond({ status: 204 });
    assertSeeOther(await user.post(action, { back: '/console/callbacks?status=failed' }), '/console/callbacks?status=failed');
    const delivered = await record('delivered');
    assert.equal(delivered.sid, failed.sid);
    assert.equal(delivered.response_status, 204);
    assert.equal(deliveries(), attempted + 1, 'sent once more');
    assert.ok((await user.get('/console/callbacks?status=delivered')).text.includes(failed.sid));
  });
});
