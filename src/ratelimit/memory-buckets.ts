// Buckets in this node's memory: the limiter without Redis, and the fallback while Redis cannot
// be reached. N nodes counting this way allow N times the rate.

import { takeToken } from './token-bucket.js';
import type { Bucket, BucketRule, BucketStore, Verdict } from './token-bucket.js';

/** Past this many buckets all are forgotten (every client starts full): memory stays bounded. */
const MAX_BUCKETS = 100_000;

export class MemoryBuckets implements BucketStore {
  readonly #buckets = new Map<string, Bucket>();

  async take(key: string, rule: BucketRule, at: number): Promise<Verdict> {
    const { bucket, verdict } = takeToken(this.#buckets.get(key), rule, at);
    if (!this.#buckets.has(key) && this.#buckets.size >= MAX_BUCKETS) this.#buckets.clear();
    this.#buckets.set(key, bucket);
    return verdict;
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.#buckets.clear();
  }
}
