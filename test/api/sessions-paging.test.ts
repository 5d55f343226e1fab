import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http-client.js';

interface ListPage {
  sessions: { sid: string }[];
  meta: {
    next_page_url: string | null;
    previous_page_url: string | null;
    url: string;
    first_page_url: string;
    page: number;
    page_size: number;
    key: string;
  };
}

describe('Session list paging', () => {
  let t: TestApp;
  let path: string;
  /** Every session in list order: oldest first, then by SID within the same millisecond. */
  let ordered: string[];

  before(async () => {
    t = await startTestApp();
    const service = (await t.api.post('/v1/Services', { UniqueName: 'paging' })).body;
    path = `/v1/Services/${service.sid}/Sessions`;
    const created: string[] = [];
    for (let i = 0; i < 25; i++) created.push((await t.api.post(path, { UniqueName: `s${i}` })).body.sid);
    ordered = (await t.api.get<ListPage>(path, { PageSize: 1000 })).body.sessions.map((s) => s.sid);
    assert.deepEqual([...ordered].sort(), [...created].sort());
  });
  after(() => t.close());

  const follow = async (url: string) => (await t.api.get<ListPage>(url.slice(t.baseUrl.length))).body;

  test('next_page_url walks every session once, in list order', async () => {
    const seen: string[] = [];
    let page = (await t.api.get<ListPage>(path, { PageSize: 10 })).body;
    const pages = [page];
    seen.push(...page.sessions.map((s) => s.sid));
    while (page.meta.next_page_url) {
      page = await follow(page.meta.next_page_url);
      pages.push(page);
      seen.push(...page.sessions.map((s) => s.sid));
    }
    assert.deepEqual(seen, ordered);
    assert.deepEqual(
      pages.map((p) => p.meta.page),
      [0, 1, 2],
    );
    assert.deepEqual(
      pages.map((p) => p.sessions.length),
      [10, 10, 5],
    );
    assert.equal(pages[0]!.meta.previous_page_url, null);
    assert.equal(pages[2]!.meta.next_page_url, null);
    for (const p of pages) {
      assert.equal(p.meta.first_page_url, `${t.baseUrl}${path}?PageSize=10&Page=0`);
      assert.ok(p.meta.url.startsWith(`${t.baseUrl}${path}?PageSize=10&Page=${p.meta.page}`));
    }
  });

  test('previous_page_url goes back to exactly the page before', async () => {
    const first = (await t.api.get<ListPage>(path, { PageSize: 10 })).body;
    const second = await follow(first.meta.next_page_url!);
    const third = await follow(second.meta.next_page_url!);
    const backToSecond = await follow(third.meta.previous_page_url!);
    assert.deepEqual(backToSecond.sessions, second.sessions);
    assert.equal(backToSecond.meta.page, 1);
    const backToFirst = await follow(backToSecond.meta.previous_page_url!);
    assert.deepEqual(backToFirst.sessions, first.sessions);
    assert.equal(backToFirst.meta.previous_page_url, null);
    assert.ok(backToFirst.meta.next_page_url);
  });

  test('sessions created while paging do not shift later pages', async () => {
    const fresh = await startTestApp();
    try {
      const service = (await fresh.api.post('/v1/Services', { UniqueName: 'shift' })).body;
      const list = `/v1/Services/${service.sid}/Sessions`;
      const sids: string[] = [];
      for (let i = 0; i < 6; i++) await fresh.api.post(list, {});
      sids.push(...(await fresh.api.get<ListPage>(list)).body.sessions.map((s) => s.sid));
      const first = (await fresh.api.get<ListPage>(list, { PageSize: 3 })).body;
      await fresh.api.delete(`${list}/${sids[0]}`);
      await new Promise((resolve) => setTimeout(resolve, 5)); // a later millisecond than the six
      const late = (await fresh.api.post(list, {})).body.sid;
      const second = (await fresh.api.get<ListPage>(first.meta.next_page_url!.slice(fresh.baseUrl.length))).body;
      assert.deepEqual(
        second.sessions.map((s) => s.sid),
        sids.slice(3, 6),
      );
      const third = (await fresh.api.get<ListPage>(second.meta.next_page_url!.slice(fresh.baseUrl.length))).body;
      assert.deepEqual(
        third.sessions.map((s) => s.sid),
        [late],
      );
    } finally {
      await fresh.close();
    }
  });

  test('Page without a PageToken is an offset (twilio-node page({pageNumber}))', async () => {
    const page = (await t.api.get<ListPage>(path, { PageSize: 10, Page: 2 })).body;
    assert.deepEqual(
      page.sessions.map((s) => s.sid),
      ordered.slice(20),
    );
    assert.equal(page.meta.page, 2);
    assert.equal(page.meta.next_page_url, null);
    assert.ok(page.meta.previous_page_url);
  });

  test('PageSize defaults to 50 and must be 1 to 1000', async () => {
    const page = (await t.api.get<ListPage>(path)).body;
    assert.equal(page.meta.page_size, 50);
    assert.equal(page.sessions.length, 25);
    assert.equal(page.meta.url, `${t.baseUrl}${path}?PageSize=50&Page=0`);
    assert.equal((await t.api.get<ListPage>(path, { PageSize: 1000 })).status, 200);
    assert.match(expectError(await t.api.get(path, { PageSize: 0 }), 400, 80701), /PageSize/);
    assert.match(expectError(await t.api.get(path, { PageSize: 'ten' }), 400, 80701), /PageSize/);
    expectError(await t.api.get(path, { PageSize: 1001 }), 400, 20007);
    assert.match(expectError(await t.api.get(path, { Page: -1 }), 400, 80701), /Page/);
  });

  test('a PageToken this server did not issue is 400 / 21481', async () => {
    for (const token of ['garbage', 'PAxyz', 'PA' + Buffer.from('{"a":1}').toString('base64url'), 'PT' + 'A'.repeat(500)]) {
      const message = expectError(await t.api.get(path, { PageToken: token }), 400, token.length > 400 ? 80701 : 21481);
      assert.match(message, /PageToken/);
    }
  });
});
