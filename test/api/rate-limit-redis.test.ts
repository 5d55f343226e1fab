// Rate limits shared across nodes (PARLEY_REDIS_URL): two nodes on one database and one Redis,
// with PARLEY_RATE_LIMIT=5 and PARLEY_RATE_BURST=5, allow five requests in total to one endpoint,
// whichever node each goes to, and refill at five per second in total; an account's own limit
// applies, and accounts and endpoints keep buckets of their own. Both nodes take their time from
// one rate clock that moves only when the test moves it. The Redis timeout is generous here (a
// busy machine must not make a node fall back; the fallback is test/resilience/redis-outage.test.ts),
// and the test checks that neither node ever fell back.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { addAccount } from '../helpers/accounts.js';
import { HttpClient } from '../helpers/http-client.js';
import { burst, FIVE_OK, inTurns, standingTime, warmUp } from '../helpers/rate-limit.js';
import { linesAt, testRedisUrl, twoNodes } from '../helpers/redis.js';
import type { TwoNodes } from '../helpers/redis.js';

const REFUSED = (count: number) => Array<number>(count).fill(429);

describe('Rate limits shared through Redis by two nodes', () => {
  const time = standingTime();
  let pair: TwoNodes;
  let redis: Redis;

  /** A new account, with a client on each node. */
  async function account(limits: { rateLimit?: number; rateBurst?: number } = {}): Promise<{ sid: string; apis: HttpClient[] }> {
    const created = await addAccount(pair.nodes[0], limits);
    const apis = pair.nodes.map((node) => new HttpClient(node.baseUrl, created.auth));
    for (const api of apis) await warmUp(api);
    return { sid: created.sid, apis };
  }

  before(async () => {
    const env = { PARLEY_RATE_LIMIT: '5', PARLEY_RATE_BURST: '5', PARLEY_REDIS_URL: testRedisUrl(), PARLEY_REDIS_TIMEOUT_MS: '10000' };
    pair = await twoNodes(env, time.rateClock);
    redis = new Redis(testRedisUrl());
  });
  after(async () => {
    redis.disconnect();
    await pair.close();
    for (const log of pair.logs) assert.deepEqual(linesAt(log, 40), [], 'no node fell back to counting alone');
  });

  test('requests taking turns between the nodes: five pass in total, not five per node', async () => {
    const { apis } = await account();
    assert.deepEqual(await inTurns(apis, '/v1/Services', 10), [...FIVE_OK, ...REFUSED(5)]);
  });

  test('requests to both nodes at once: exactly the burst passes', async () => {
    const { apis } = await account();
    const statuses = (await Promise.all(apis.map((api) => burst(api, '/v1/Services', 6)))).flat();
    assert.equal(statuses.filter((s) => s === 200).length, 5, statuses.join(','));
  });

  test('tokens come back at the configured rate in total', async () => {
    const { apis } = await account();
    assert.deepEqual(await inTurns(apis, '/v1/Services', 6), [...FIVE_OK, 429]);
    time.elapse(1000);
    // A second at 5/s: five tokens, for both nodes together.
    assert.deepEqual(await inTurns(apis, '/v1/Services', 8), [...FIVE_OK, ...REFUSED(3)]);
    time.elapse(200);
    // 200 ms: one token, taken by whichever node asks first.
    assert.deepEqual(await inTurns(apis.toReversed(), '/v1/Services', 2), [200, 429]);
  });

  test("an account's own limit applies across the nodes", async () => {
    const { apis } = await account({ rateLimit: 2, rateBurst: 2 });
    assert.deepEqual(await inTurns(apis.toReversed(), '/v1/Services', 2), [200, 200]);
    const refused = await apis[1]!.get('/v1/Services');
    assert.equal(refused.status, 429, refused.text);
    assert.match(refused.body.message, /more than 2 requests per second \(burst 2\)/);
    assert.equal(refused.headers.get('retry-after'), '1');
  });

  test('accounts and endpoints do not share a bucket', async () => {
    const first = await account();
    const second = await account();
    assert.deepEqual(await inTurns(first.apis, '/v1/Services', 6), [...FIVE_OK, 429]);
    // The other account has five of its own, on either node.
    assert.deepEqual(await inTurns(second.apis.toReversed(), '/v1/Services', 6), [...FIVE_OK, 429]);
    // The first account's other endpoints too: POST on the same path, and another route pattern.
    const created = await first.apis[1]!.post('/v1/Services', { UniqueName: 'own-bucket' });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(await inTurns(first.apis, `/v1/Services/${created.body.sid}`, 6), [...FIVE_OK, 429]);
  });

  test('the keys in Redis name the account and the route pattern, and expire', async () => {
    const { sid, apis } = await account();
    assert.equal((await apis[0]!.get('/v1/Services')).status, 200);
    const keys = await redis.keys(`${pair.keyPrefix}${sid}:*`);
    assert.ok(keys.includes(`${pair.keyPrefix}${sid}:GET:/v1/Services`), keys.join(', '));
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      assert.ok(ttl > 0 && ttl <= 60_000, `${key} expires in ${ttl} ms`);
    }
  });
});
