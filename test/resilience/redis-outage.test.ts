// Rate limits while Redis is away: requests never fail or hang because of it. Two nodes share
// their buckets through a TCP proxy in front of the test Redis; when the proxy is cut (nothing
// listens, every connection closed) or stalled (nothing comes back), each node counts on its own
// (five per node with a burst of five), says so once in a warn line, skips Redis for RETRY_MS of
// its rate clock, and once Redis answers again shares the buckets again and says so in an info
// line. The circuit's retry follows the rate clock, which the test moves; ioredis's reconnecting
// is real time, so the return is waited for with `eventually`. The URL carries a password, which
// no log line may hold.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { RETRY_MS } from '../../src/ratelimit/shared-buckets.js';
import { addAccount } from '../helpers/accounts.js';
import { eventually } from '../helpers/eventually.js';
import { HttpClient } from '../helpers/http-client.js';
import { FIVE_OK, inTurns, standingTime } from '../helpers/rate-limit.js';
import { linesAt, testRedisAddress, twoNodes } from '../helpers/redis.js';
import type { TwoNodes } from '../helpers/redis.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const PATH = '/v1/Services';
const PASSWORD = `redis-secret-${randomBytes(6).toString('hex')}`;
const SHARED_TEN = [...FIVE_OK, 429, 429, 429, 429, 429];

/**
 * Both nodes behind one proxy to the test Redis, a password in the URL, a rate clock that stands
 * still. A cut Redis fails at once, so the Redis timeout can be generous (a busy machine never
 * makes a node give up on a Redis that is there); a stalled one needs a short one.
 */
function nodesBehindProxy(timeoutMs: number) {
  const fixture = { time: standingTime() } as { time: ReturnType<typeof standingTime>; proxy: TcpProxy; pair: TwoNodes };
  before(async () => {
    const redis = testRedisAddress();
    fixture.proxy = new TcpProxy(redis.host, redis.port);
    await fixture.proxy.listen();
  });
  after(async () => {
    await fixture.pair.close();
    await fixture.proxy.close();
    for (const log of fixture.pair.logs) assert.ok(!log.text().includes(PASSWORD), "a log line holds the Redis URL's password");
  });
  /** Starts the nodes (Redis may be cut already). */
  const start = async () => {
    const url = `redis://default:${PASSWORD}@127.0.0.1:${fixture.proxy.port}`;
    const env = { PARLEY_RATE_LIMIT: '5', PARLEY_RATE_BURST: '5', PARLEY_REDIS_URL: url, PARLEY_REDIS_TIMEOUT_MS: String(timeoutMs) };
    fixture.pair = await twoNodes(env, fixture.time.rateClock);
  };
  return { fixture, start };
}

/** A new account, with a client on each node. */
async function account(pair: TwoNodes): Promise<HttpClient[]> {
  const created = await addAccount(pair.nodes[0]);
  return pair.nodes.map((node) => new HttpClient(node.baseUrl, created.auth));
}

const linesSaying = (pair: TwoNodes, level: number, text: RegExp) =>
  pair.logs.map((log) => linesAt(log, level).filter((entry) => text.test(entry.msg)));
const FELL_BACK = /Redis cannot be reached; each node counts alone/;
const BACK = /Redis answers again/;

/** Each node has said `count` times that it counts alone, naming Redis's address, not its URL. */
function assertFallbacks(pair: TwoNodes, count: number, proxy: TcpProxy): void {
  for (const lines of linesSaying(pair, 40, FELL_BACK)) {
    assert.equal(lines.length, count, JSON.stringify(lines));
    for (const line of lines) assert.equal(line.redis, `127.0.0.1:${proxy.port}`);
  }
}

/** Moves the rate clock past the circuit's pause until both nodes have said `count` times that Redis is back. */
async function waitForReturn(pair: TwoNodes, time: ReturnType<typeof standingTime>, count: number): Promise<void> {
  const probe = await account(pair);
  await eventually(async () => {
    time.elapse(RETRY_MS);
    for (const api of probe) await api.get(PATH);
    for (const lines of linesSaying(pair, 30, BACK)) assert.equal(lines.length, count);
  });
}

/** Each node alone allows the burst: five on each, ten in all. */
async function assertCountedPerNode(pair: TwoNodes): Promise<void> {
  for (const api of await account(pair)) assert.deepEqual(await inTurns([api], PATH, 6), [...FIVE_OK, 429]);
}

describe('Redis cut in the middle of a run', () => {
  const { fixture, start } = nodesBehindProxy(10_000);
  before(() => start());

  test('counted per node while it is away (one warn per node), shared again once it is back (one info)', async () => {
    const { pair, proxy, time } = fixture;
    assertFallbacks(pair, 0, proxy);
    assert.deepEqual(await inTurns(await account(pair), PATH, 10), SHARED_TEN, 'shared before the cut');
    assertFallbacks(pair, 0, proxy);

    await proxy.cut();
    await assertCountedPerNode(pair);
    assertFallbacks(pair, 1, proxy);
    // Past the pause a request tries Redis again, fails, and counts alone without a second line.
    time.elapse(RETRY_MS);
    await assertCountedPerNode(pair);
    assertFallbacks(pair, 1, proxy);

    await proxy.listen();
    await waitForReturn(pair, time, 1);
    assert.deepEqual(await inTurns(await account(pair), PATH, 10), SHARED_TEN, 'shared again');
    assertFallbacks(pair, 1, proxy);
  });
});

describe('Redis down when the nodes start', () => {
  const { fixture, start } = nodesBehindProxy(10_000);
  before(async () => {
    await fixture.proxy.cut();
    await start();
  });

  test('the nodes start and count alone, then share once Redis is there', async () => {
    const { pair, proxy, time } = fixture;
    assertFallbacks(pair, 1, proxy);
    await assertCountedPerNode(pair);
    assertFallbacks(pair, 1, proxy);
    await proxy.listen();
    await waitForReturn(pair, time, 1);
    assert.deepEqual(await inTurns(await account(pair), PATH, 10), SHARED_TEN);
    assertFallbacks(pair, 1, proxy);
  });
});

describe('Redis that stops answering', () => {
  const { fixture, start } = nodesBehindProxy(250);
  before(() => start());

  test('requests are answered anyway, counted per node, and it is said once', async () => {
    const { pair, proxy } = fixture;
    proxy.stall();
    await assertCountedPerNode(pair);
    assertFallbacks(pair, 1, proxy);
    await assertCountedPerNode(pair);
    assertFallbacks(pair, 1, proxy);
    proxy.heal();
  });
});
