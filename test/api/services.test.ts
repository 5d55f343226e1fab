import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http-client.js';

describe('Services', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('create with every parameter returns 201 and every field', async () => {
    const response = await t.api.post('/v1/Services', {
      UniqueName: 'my-svc',
      DefaultTtl: 3600,
      CallbackUrl: 'https://example.com/cb?x=1',
      GeoMatchLevel: 'area-code',
      NumberSelectionBehavior: 'avoid-sticky',
      InterceptCallbackUrl: 'https://example.com/intercept',
      OutOfSessionCallbackUrl: 'https://example.com/oos',
      ChatInstanceSid: 'IS00000000000000000000000000000000',
    });
    assert.equal(response.status, 201);
    const service = response.body;
    assert.match(service.sid, /^KS[0-9a-f]{32}$/);
    assert.equal(service.account_sid, TEST_ACCOUNT_SID);
    assert.equal(service.unique_name, 'my-svc');
    assert.equal(service.default_ttl, 3600);
    assert.equal(service.callback_url, 'https://example.com/cb?x=1');
    assert.equal(service.geo_match_level, 'area-code');
    assert.equal(service.number_selection_behavior, 'avoid-sticky');
    assert.equal(service.intercept_callback_url, 'https://example.com/intercept');
    assert.equal(service.out_of_session_callback_url, 'https://example.com/oos');
    assert.equal(service.chat_instance_sid, 'IS00000000000000000000000000000000');
    assert.match(service.date_created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(service.url, `${t.baseUrl}/v1/Services/${service.sid}`);
    assert.deepEqual(service.links, {
      sessions: `${t.baseUrl}/v1/Services/${service.sid}/Sessions`,
      phone_numbers: `${t.baseUrl}/v1/Services/${service.sid}/PhoneNumbers`,
    });
  });

  test('create with only UniqueName gets the documented defaults', async () => {
    const { body } = await t.api.post('/v1/Services', { UniqueName: 'defaults' });
    assert.equal(body.default_ttl, 0);
    assert.equal(body.geo_match_level, 'country');
    assert.equal(body.number_selection_behavior, 'prefer-sticky');
    assert.equal(body.callback_url, null);
    assert.equal(body.chat_instance_sid, null);
  });

  test('UniqueName is required, at most 191 characters and unique in the account', async () => {
    assert.match(expectError(await t.api.post('/v1/Services', {}), 400, 20001), /UniqueName/);
    assert.match(expectError(await t.api.post('/v1/Services', { UniqueName: '' }), 400, 20001), /UniqueName/);
    assert.match(expectError(await t.api.post('/v1/Services', { UniqueName: 'x'.repeat(192) }), 400, 80701), /UniqueName/);
    assert.equal((await t.api.post('/v1/Services', { UniqueName: 'é'.repeat(191) })).status, 201);
    await t.api.post('/v1/Services', { UniqueName: 'taken' });
    const message = expectError(await t.api.post('/v1/Services', { UniqueName: 'taken' }), 400, 80602);
    assert.equal(message, 'Service UniqueName must be unique.');
  });

  test('invalid parameters are 400s that name the parameter', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ DefaultTtl: 'soon' }, 'DefaultTtl'],
      [{ DefaultTtl: '-1' }, 'DefaultTtl'],
      [{ DefaultTtl: '2147483647' }, 'DefaultTtl'],
      [{ CallbackUrl: 'not-a-url' }, 'CallbackUrl'],
      [{ CallbackUrl: 'ftp://example.com' }, 'CallbackUrl'],
      [{ CallbackUrl: 'https://e.com/' + 'a'.repeat(4000) }, 'CallbackUrl'],
      [{ GeoMatchLevel: 'planet' }, 'GeoMatchLevel'],
      [{ NumberSelectionBehavior: 'random' }, 'NumberSelectionBehavior'],
      [{ InterceptCallbackUrl: 'x' }, 'InterceptCallbackUrl'],
      [{ OutOfSessionCallbackUrl: 'x' }, 'OutOfSessionCallbackUrl'],
      [{ ChatInstanceSid: 'IS123' }, 'ChatInstanceSid'],
    ];
    for (const [form, name] of cases) {
      const response = await t.api.post('/v1/Services', { UniqueName: `invalid-${name}`, ...form });
      assert.match(expectError(response, 400, 80701), new RegExp(`'${name}' is invalid`), JSON.stringify(form));
    }
    // Nothing half-written: none of those names exist.
    const list = await t.api.get('/v1/Services', { PageSize: 1000 });
    assert.ok(!list.body.services.some((s: { unique_name: string }) => s.unique_name.startsWith('invalid-')));
  });

  test('fetch by SID and by unique name', async () => {
    const { body: created } = await t.api.post('/v1/Services', { UniqueName: 'fetch me' });
    const bySid = await t.api.get(`/v1/Services/${created.sid}`);
    assert.deepEqual(bySid.body, created);
    const byName = await t.api.get(`/v1/Services/${encodeURIComponent('fetch me')}`);
    assert.deepEqual(byName.body, created);
    expectError(await t.api.get('/v1/Services/KS00000000000000000000000000000000'), 404, 20404);
    expectError(await t.api.get('/v1/Services/no-such-name'), 404, 20404);
  });

  test('update changes only what is given; empty values clear URLs', async () => {
    const { body: created } = await t.api.post('/v1/Services', { UniqueName: 'to-update', CallbackUrl: 'https://example.com/a' });
    const response = await t.api.post(`/v1/Services/${created.sid}`, { UniqueName: 'renamed', DefaultTtl: 0, GeoMatchLevel: 'overlay' });
    assert.equal(response.status, 200);
    assert.equal(response.body.unique_name, 'renamed');
    assert.equal(response.body.geo_match_level, 'overlay');
    assert.equal(response.body.callback_url, 'https://example.com/a');
    const cleared = await t.api.post(`/v1/Services/${created.sid}`, { CallbackUrl: '' });
    assert.equal(cleared.body.callback_url, null);
    assert.equal(cleared.body.unique_name, 'renamed');
    assert.deepEqual((await t.api.get(`/v1/Services/${created.sid}`)).body, cleared.body);
  });

  test('update refuses a duplicate name, an empty name and unknown SIDs', async () => {
    await t.api.post('/v1/Services', { UniqueName: 'first' });
    const { body: second } = await t.api.post('/v1/Services', { UniqueName: 'second' });
    expectError(await t.api.post(`/v1/Services/${second.sid}`, { UniqueName: 'first' }), 400, 80602);
    expectError(await t.api.post(`/v1/Services/${second.sid}`, { UniqueName: '' }), 400, 20001);
    expectError(await t.api.post('/v1/Services/KS00000000000000000000000000000000', { UniqueName: 'x' }), 404, 20404);
    // Update and delete take a SID only, not a unique name.
    expectError(await t.api.post('/v1/Services/second', { DefaultTtl: 5 }), 404, 20404);
    assert.equal((await t.api.get(`/v1/Services/${second.sid}`)).body.unique_name, 'second');
  });

  test('delete answers 204 with no body, then 404; it takes the sessions with it', async () => {
    const { body: service } = await t.api.post('/v1/Services', { UniqueName: 'doomed' });
    const { body: session } = await t.api.post(`/v1/Services/${service.sid}/Sessions`, { UniqueName: 's' });
    const response = await t.api.delete(`/v1/Services/${service.sid}`);
    assert.equal(response.status, 204);
    assert.equal(response.text, '');
    expectError(await t.api.delete(`/v1/Services/${service.sid}`), 404, 20404);
    expectError(await t.api.get(`/v1/Services/${service.sid}/Sessions/${session.sid}`), 404, 20404);
    const left = await t.app.parley.database.db.selectFrom('sessions').select('sid').where('service_sid', '=', service.sid).execute();
    assert.deepEqual(left, []);
    // The name is free again at once.
    assert.equal((await t.api.post('/v1/Services', { UniqueName: 'doomed' })).status, 201);
  });

  test('list pages through every service exactly once', async () => {
    const fresh = await startTestApp();
    try {
      const created: string[] = [];
      for (let i = 0; i < 7; i++) created.push((await fresh.api.post('/v1/Services', { UniqueName: `svc-${i}` })).body.sid);
      const seen: string[] = [];
      let url: string | null = `${fresh.baseUrl}/v1/Services?PageSize=3`;
      let pages = 0;
      while (url) {
        const page: { body: { services: { sid: string }[]; meta: { next_page_url: string | null; key: string } } } = await fresh.api.get(
          url.slice(fresh.baseUrl.length),
        );
        assert.equal(page.body.meta.key, 'services');
        seen.push(...page.body.services.map((s) => s.sid));
        url = page.body.meta.next_page_url;
        pages++;
      }
      assert.equal(pages, 3);
      assert.deepEqual([...seen].sort(), [...created].sort());
      assert.deepEqual(
        seen,
        (await fresh.api.get('/v1/Services')).body.services.map((s: { sid: string }) => s.sid),
      );
    } finally {
      await fresh.close();
    }
  });
});
