import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../src/errors/api-error.js';
import { buildMeta, encodePageToken, parsePageRequest, toPage } from '../../src/http/paging.js';

const rejects = (code: number) => (err: unknown) => err instanceof ApiError && err.code === code;

test('defaults to 50 per page, first page', () => {
  assert.deepEqual(parsePageRequest({}), { pageSize: 50, page: 0, token: null });
});

test('PageSize must be 1 to 1000', () => {
  assert.throws(() => parsePageRequest({ PageSize: '0' }), rejects(80701));
  assert.throws(() => parsePageRequest({ PageSize: '1001' }), rejects(20007));
  assert.equal(parsePageRequest({ PageSize: '1000' }).pageSize, 1000);
});

test('a PageToken round-trips and a forged one is a 400', () => {
  const raw = encodePageToken('after', [1700000000000, 'KCabc']);
  assert.deepEqual(parsePageRequest({ PageToken: raw }).token, { direction: 'after', key: [1700000000000, 'KCabc'], raw });
  for (const bad of ['PAnot-json', 'XX' + raw.slice(2), 'PA' + Buffer.from('[1,2]').toString('base64url'), 'PA!!']) {
    assert.throws(() => parsePageRequest({ PageToken: bad }), rejects(21481), bad);
  }
});

test('meta links: next after the last row, previous before the first', () => {
  const rows = [
    { date_created: 1, sid: 'a' },
    { date_created: 2, sid: 'b' },
    { date_created: 3, sid: 'c' },
  ];
  const request = parsePageRequest({ PageSize: '2' });
  const page = toPage(rows, request, 0);
  assert.deepEqual(
    page.items.map((r) => r.sid),
    ['a', 'b'],
  );
  const meta = buildMeta('things', 'http://h/v1/Things', request, page, (r) => [r.date_created, r.sid]);
  assert.equal(meta.first_page_url, 'http://h/v1/Things?PageSize=2&Page=0');
  assert.equal(meta.url, 'http://h/v1/Things?PageSize=2&Page=0');
  assert.equal(meta.previous_page_url, null);
  assert.equal(meta.next_page_url, `http://h/v1/Things?PageSize=2&Page=1&PageToken=${encodePageToken('after', [2, 'b'])}`);
});
