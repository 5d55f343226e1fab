// Buckets kept in Redis, so every node behind a balancer counts against the same ones: one Lua
// script per request refills the bucket and takes a token atomically (EVALSHA, through ioredis's
// defineCommand). The time comes from the node (its injectable rate clock), not from Redis, so
// nodes need synchronised clocks (NTP); a clock a little behind adds no tokens (token-bucket.ts).
// Every key expires once its bucket would be full again, so idle buckets leave Redis by themselves.
// Failing fast is the point: no offline queue, no resending, a bounded command timeout; the
// caller (shared-buckets.ts) counts on this node while Redis fails.

import { Redis } from 'ioredis';
import type { RedisSettings } from '../config.js';
import { idleMs } from './token-bucket.js';
import type { BucketRule, BucketStore, Verdict } from './token-bucket.js';

// The arithmetic of token-bucket.ts takeToken. Numbers go back as strings: Redis would truncate a
// Lua number to an integer. ARGV: limit (per second), burst, now (ms), TTL (ms).
const TAKE_TOKEN_LUA = `
local limit = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or burst
local updated = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - updated) / 1000 * limit)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(math.max(updated, now)))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {allowed, tostring(tokens)}
`;

type TakeTokenCommand = (key: string, limit: number, burst: number, at: number, ttlMs: number) => Promise<[number, string]>;

/**
 * How long start-up waits for a first connection (then it goes on without: requests fail over to
 * this node until Redis answers). Connecting has ioredis's own 10 s timeout, generous on purpose:
 * requests never wait for a connection (no offline queue), and a short one would give up on a
 * Redis that is there while the process is busy starting.
 */
const START_WAIT_MS = 5000;

export class RedisBuckets implements BucketStore {
  readonly #client: Redis;
  readonly #takeToken: TakeTokenCommand;
  /** host:port, for the log: never the URL, which may hold the password. */
  readonly address: string;

  constructor(private readonly settings: RedisSettings) {
    const url = new URL(settings.url);
    this.address = `${url.hostname}:${url.port || '6379'}`;
    this.#client = new Redis(settings.url, {
      commandTimeout: settings.timeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
    });
    // ioredis reconnects by itself; its errors are shared-buckets.ts's to report, once.
    this.#client.on('error', () => {});
    this.#client.defineCommand('parleyTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN_LUA });
    const commands = this.#client as unknown as { parleyTakeToken: TakeTokenCommand };
    this.#takeToken = commands.parleyTakeToken.bind(this.#client);
  }

  async take(key: string, rule: BucketRule, at: number): Promise<Verdict> {
    const [allowed, tokens] = await this.#takeToken(this.settings.keyPrefix + key, rule.limit, rule.burst, at, idleMs(rule));
    return { allowed: allowed === 1, tokens: Number(tokens) };
  }

  /** Resolves once connected, or after START_WAIT_MS; rejects if the first attempt fails. */
  start(): Promise<void> {
    const client = this.#client;
    if (client.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        client.off('ready', done);
        client.off('error', done);
        if (err === undefined) resolve();
        else reject(err);
      };
      const timer = setTimeout(() => done(), START_WAIT_MS);
      client.once('ready', done);
      client.once('error', done);
    });
  }

  async close(): Promise<void> {
    this.#client.disconnect();
  }
}
