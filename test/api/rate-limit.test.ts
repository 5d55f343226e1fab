// Rate limiting: off by default; PARLEY_RATE_LIMIT requests per second per account and endpoint
// (method + route pattern) with a PARLEY_RATE_BURST bucket; an account's own limits win. Over the
// limit: 429 / 20429 with Retry-After. The limiter's time is the test's (AppOptions.rateClock): it
// moves only when a test moves it, so no bucket refills because the machine is slow.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { updateAccount } from '../../src/accounts/accounts.repository.js';
import { CACHE_MS } from '../../src/accounts/authenticator.js';
import { startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { addAccount, addApiKey } from '../helpers/accounts.js';
import { sleep } from '../helpers/eventually.js';
import { expectError, HttpClient } from '../helpers/http-client.js';
import { burst, burstOf, expectLimited, FIVE_OK, standingTime, warmUp } from '../helpers/rate-limit.js';

describe('Rate limiting with PARLEY_RATE_LIMIT=5 and PARLEY_RATE_BURST=5', () => {
  let t: TestApp;
  let service: string;
  const time = standingTime();

  before(async () => {
    t = await startTestApp({ PARLEY_RATE_LIMIT: '5', PARLEY_RATE_BURST: '5' }, { rateClock: time.rateClock });
    assert.equal(t.app.parley.config.rateLimit, 5);
    assert.equal(t.app.parley.config.rateBurst, 5);
    service = (await t.api.post('/v1/Services', { UniqueName: 'limited' })).body.sid;
  });
  after(() => t.close());

  test('six quick GETs: five pass, the sixth is 429 / 20429 with Retry-After; tokens come back after a second', async () => {
    const account = await addAccount(t);
    const path = '/v1/Services';
    await warmUp(account.api);
    const first = await burstOf(account.api, path, 6);
    assert.deepEqual(first.statuses, [...FIVE_OK, 429]);
    const refused = first.refused[0]!;
    assert.equal(expectLimited(refused, 'sixth'), 1, 'one token comes back in 200 ms: wait one second');
    assert.match(refused.body.message, /Too Many Requests: more than 5 requests per second \(burst 5\)/);

    time.elapse(1100);
    // A second at 5/s refills the bucket, up to its size and no further; refusals cost nothing.
    assert.deepEqual(await burst(account.api, path, 9), [...FIVE_OK, 429, 429, 429, 429]);
    assert.equal(expectLimited(await account.api.get(path), 'no time has passed'), 1);
    time.elapse(250);
    assert.equal((await account.api.get(path)).status, 200, 'one token after 200 ms');
  });

  test('requests one after another: the sixth is refused', async () => {
    const account = await addAccount(t);
    await warmUp(account.api);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await account.api.get('/v1/Services')).status);
    assert.deepEqual(statuses, [...FIVE_OK, 429]);
  });

  test('the bucket is per endpoint (method + route pattern), not per URL', async () => {
    const account = await addAccount(t);
    const mine = (await account.api.post('/v1/Services', { UniqueName: 'one' })).body.sid;
    const other = (await account.api.post('/v1/Services', { UniqueName: 'two' })).body.sid;
    assert.deepEqual(await burst(account.api, '/v1/Services', 6), [...FIVE_OK, 429]);
    // Other endpoints have buckets of their own; one route pattern is one endpoint, whatever the
    // SID in it: six fetches of two services share one bucket of five.
    const [fetches, sessions, messages, created] = await Promise.all([
      Promise.all([0, 1, 2, 3, 4, 5].map((i) => account.api.get(`/v1/Services/${i % 2 ? mine : other}`))),
      account.api.get(`/v1/Services/${mine}/Sessions`),
      account.api.get('/simulator/v1/Messages'),
      account.api.post('/v1/Services', { UniqueName: 'three' }),
    ]);
    assert.deepEqual(fetches.map((r) => r.status).sort(), [...FIVE_OK, 429]);
    assert.equal(sessions.status, 200);
    assert.equal(messages.status, 200);
    assert.equal(created.status, 201, 'POST on the same path is another endpoint');
  });

  test("other accounts are unaffected; an API key shares its account's buckets", async () => {
    const limited = await addAccount(t);
    const key = await addApiKey(t, limited.sid);
    const other = await addAccount(t);
    await warmUp(limited.api);
    await warmUp(key.api);
    // Three with the token and three with the key at once: one bucket of five between them.
    const both = (await Promise.all([burst(limited.api, '/v1/Services', 3), burst(key.api, '/v1/Services', 3)])).flat().sort();
    assert.deepEqual(both, [...FIVE_OK, 429]);
    // Meanwhile another account, and the default one, have five each.
    await warmUp(other.api);
    assert.deepEqual(await burst(other.api, '/v1/Services', 6), [...FIVE_OK, 429]);
    assert.deepEqual(await burst(t.api, '/v1/Services', 5), FIVE_OK);
  });

  test('concurrent requests: exactly the burst passes', async () => {
    const account = await addAccount(t);
    const responses = await Promise.all(Array.from({ length: 12 }, () => account.api.get('/v1/Services')));
    const statuses = responses.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 200).length, 5, statuses.join(','));
    for (const r of responses.filter((r) => r.status !== 200)) expectLimited(r, 'concurrent');
  });

  test("an account's own limit wins over the defaults; 0 turns it off, null falls back to them", async () => {
    // Stricter: 2 per second, a bucket of 2.
    const strict = await addAccount(t, { rateLimit: 2, rateBurst: 2 });
    const strictBurst = await burstOf(strict.api, '/v1/Services', 3);
    assert.deepEqual(strictBurst.statuses, [200, 200, 429]);
    assert.match(strictBurst.refused[0]!.body.message, /more than 2 requests per second \(burst 2\)/);

    // Looser: 100 per second, a bucket of 40.
    const loose = await addAccount(t, { rateLimit: 100, rateBurst: 40 });
    const looseStatuses = await burst(loose.api, '/v1/Services', 30);
    assert.ok(
      looseStatuses.every((s) => s === 200),
      looseStatuses.join(','),
    );

    // Off for this account alone.
    const unlimited = await addAccount(t, { rateLimit: 0 });
    const statuses = await burst(unlimited.api, '/v1/Services', 60);
    assert.ok(
      statuses.every((s) => s === 200),
      statuses.join(','),
    );

    // Only the burst overridden: the default rate, a bucket of 2.
    const smallBucket = await addAccount(t, { rateBurst: 2 });
    const small = await burstOf(smallBucket.api, '/v1/Services', 3);
    assert.deepEqual(small.statuses, [200, 200, 429]);
    assert.match(small.refused[0]!.body.message, /more than 5 requests per second \(burst 2\)/);

    // Only the rate overridden: that rate, the default bucket (PARLEY_RATE_BURST=5).
    const slow = await addAccount(t, { rateLimit: 1 });
    const slowBurst = await burstOf(slow.api, '/v1/Services', 6);
    assert.deepEqual(slowBurst.statuses, [...FIVE_OK, 429]);
    const slowRefused = slowBurst.refused[0]!;
    assert.match(slowRefused.body.message, /more than 1 requests per second \(burst 5\)/);
    assert.equal(slowRefused.headers.get('retry-after'), '1');

    // Nulls: the defaults.
    const defaults = await addAccount(t, { rateLimit: null, rateBurst: null });
    assert.deepEqual(await burst(defaults.api, '/v1/Services', 6), [...FIVE_OK, 429]);
  });

  test('a changed account limit applies once the auth cache expires', async () => {
    const account = await addAccount(t);
    assert.deepEqual(await burst(account.api, '/v1/Services', 6), [...FIVE_OK, 429]);
    assert.equal(await updateAccount(t.app.parley.database.queries, account.sid, { rate_limit: 0 }), true);
    await sleep(CACHE_MS + 300);
    const statuses = await burst(account.api, '/v1/Services', 20);
    assert.ok(
      statuses.every((s) => s === 200),
      statuses.join(','),
    );
  });

  test('an account with a limit but a burst of 0 can still make requests', async () => {
    // `parley accounts set AC… --rate-burst off` stores 0; PARLEY_RATE_BURST=0 means five times
    // the rate. A bucket of 0 tokens would refuse every request forever, Retry-After or not.
    const account = await addAccount(t, { rateLimit: 5, rateBurst: 0 });
    const first = await account.api.get('/v1/Services');
    assert.equal(
      first.status,
      200,
      `an account with rate_limit 5 and rate_burst 0 is refused its first request: ${first.status} ${first.text}`,
    );
  });

  test('the default account is limited too, and limits do not leak between its endpoints', async () => {
    assert.equal((await t.api.get(`/v1/Services/${service}`)).status, 200);
    assert.deepEqual(await burst(t.api, `/v1/Services/${service}/PhoneNumbers`, 6), [...FIVE_OK, 429]);
    assert.equal((await t.api.get(`/v1/Services/${service}/Sessions`)).status, 200);
    assert.equal(t.app.parley.account.sid, TEST_ACCOUNT_SID);
  });

  test("unauthenticated requests are 401, not 429, and do not use the account's tokens", async () => {
    const account = await addAccount(t);
    const wrong = new HttpClient(t.baseUrl, { username: account.sid, password: 'wrong-token' });
    for (const response of await Promise.all(Array.from({ length: 10 }, () => wrong.get('/v1/Services'))))
      expectError(response, 401, 20003);
    assert.deepEqual(await burst(account.api, '/v1/Services', 6), [...FIVE_OK, 429]);
  });
});

describe('Rate limiting is off by default', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({}, { rateClock: standingTime().rateClock });
  });
  after(() => t.close());

  test('200 quick requests to one endpoint all pass', async () => {
    assert.equal(t.app.parley.config.rateLimit, 0);
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await t.api.get('/v1/Services')).status);
    statuses.push(...(await burst(t.api, '/v1/Services', 100)));
    assert.equal(statuses.length, 200);
    assert.ok(
      statuses.every((s) => s === 200),
      statuses.filter((s) => s !== 200).join(','),
    );
  });

  test("an account's own limit applies even when there is no default", async () => {
    const account = await addAccount(t, { rateLimit: 3, rateBurst: 3 });
    assert.deepEqual(await burst(account.api, '/v1/Services', 4), [200, 200, 200, 429]);
    // With no default, its own limit alone (null burst: five times its rate).
    const onlyRate = await addAccount(t, { rateLimit: 2 });
    assert.deepEqual(await burst(onlyRate.api, '/v1/Services', 11), [...Array(10).fill(200), 429]);
    // Everyone else is still unlimited.
    const others = await burst(t.api, '/v1/Services', 50);
    assert.ok(others.every((s) => s === 200));
  });
});
