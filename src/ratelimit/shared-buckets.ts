// Buckets shared through Redis, with this node's memory as the fallback: a request whose Redis
// call fails (down, refusing, slower than PARLEY_REDIS_TIMEOUT_MS) is counted on this node, and
// for RETRY_MS after a failure Redis is skipped altogether, so an outage costs requests no waiting.
// Then one request tries Redis again (ioredis has been reconnecting meanwhile). The change is
// logged once each way: a warn when counting falls back to this node, an info when Redis is back.
// The circuit's time is the limiter's injectable clock, so tests move it instead of sleeping.

import type { Logger } from '../common/logger.js';
import type { RedisSettings } from '../config.js';
import { MemoryBuckets } from './memory-buckets.js';
import { RedisBuckets } from './redis-buckets.js';
import type { BucketRule, BucketStore, Verdict } from './token-bucket.js';

/** How long Redis is skipped after a failure before a request tries it again. */
export const RETRY_MS = 5000;

export class SharedBuckets implements BucketStore {
  readonly #local = new MemoryBuckets();
  /** When Redis last failed; null while it answers. */
  #failedAt: number | null = null;
  #fallingBack = false;

  constructor(
    private readonly redis: RedisBuckets,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  async take(key: string, rule: BucketRule, at: number): Promise<Verdict> {
    // A clock set back (NTP) ends the pause rather than stretching it.
    if (this.#failedAt !== null && at >= this.#failedAt && at - this.#failedAt < RETRY_MS) return this.#local.take(key, rule, at);
    let verdict: Verdict;
    try {
      verdict = await this.redis.take(key, rule, at);
    } catch (err) {
      this.#failed(err, at);
      return this.#local.take(key, rule, at);
    }
    this.#failedAt = null;
    if (this.#fallingBack) {
      this.#fallingBack = false;
      this.log.info({ redis: this.redis.address }, 'rate limits: Redis answers again; limits are shared across nodes again');
    }
    return verdict;
  }

  async start(): Promise<void> {
    try {
      await this.redis.start();
    } catch (err) {
      this.#failed(err, this.now());
    }
  }

  async close(): Promise<void> {
    await this.redis.close();
    await this.#local.close();
  }

  #failed(err: unknown, at: number): void {
    this.#failedAt = at;
    if (this.#fallingBack) return;
    this.#fallingBack = true;
    const reason = err instanceof Error ? err.message : String(err);
    this.log.warn(
      { redis: this.redis.address, reason },
      `rate limits: Redis cannot be reached; each node counts alone until it answers (retried every ${RETRY_MS / 1000} s)`,
    );
  }
}

/** The buckets for this configuration: in Redis when PARLEY_REDIS_URL is set, else per node. */
export function bucketStore(redis: RedisSettings | null, log: Logger, now: () => number): BucketStore {
  return redis === null ? new MemoryBuckets() : new SharedBuckets(new RedisBuckets(redis), log, now);
}
