// The token bucket behind Parley's rate limits, written once: the per-node store runs it in
// memory, and redis-buckets.ts's Lua script is the same arithmetic run inside Redis (keep the two
// in step). A bucket holds up to `burst` tokens, refills at `limit` per second, and each request
// takes one; a request that finds less than one token is refused.

export interface BucketRule {
  /** Tokens per second (> 0). */
  readonly limit: number;
  /** Most tokens a bucket holds (>= 1). */
  readonly burst: number;
}

export interface Bucket {
  tokens: number;
  /** The time (ms) the tokens were counted at. */
  updated: number;
}

/** What taking a token found: whether the request may pass, and the tokens left after it. */
export interface Verdict {
  readonly allowed: boolean;
  readonly tokens: number;
}

/** Where buckets live: this node's memory, or Redis shared by every node. */
export interface BucketStore {
  /** Refills the bucket `key` up to time `at` (ms) and takes a token if there is one. */
  take(key: string, rule: BucketRule, at: number): Promise<Verdict>;
  /** Called once the app is ready (connects, where there is something to connect to). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Takes a token from `bucket` (undefined: a full one) at `at`. Time that runs backwards (another
 * node's clock a little behind the one that counted last) adds nothing, and the bucket keeps the
 * later time, so two nodes' clocks that differ by a little never refill a bucket twice.
 */
export function takeToken(bucket: Bucket | undefined, rule: BucketRule, at: number): { bucket: Bucket; verdict: Verdict } {
  const start = bucket ?? { tokens: rule.burst, updated: at };
  const elapsed = Math.max(0, at - start.updated);
  let tokens = Math.min(rule.burst, start.tokens + (elapsed / 1000) * rule.limit);
  const allowed = tokens >= 1;
  if (allowed) tokens -= 1;
  return { bucket: { tokens, updated: Math.max(start.updated, at) }, verdict: { allowed, tokens } };
}

/** Whole seconds until a refused request's bucket holds a token again. */
export function retryAfterSeconds(verdict: Verdict, rule: BucketRule): number {
  return Math.max(1, Math.ceil((1 - verdict.tokens) / rule.limit));
}

/** A minute at least, so a bucket in use never vanishes under a client that waits between requests. */
const MIN_IDLE_MS = 60_000;

/** After this long untouched a bucket is full again, the same as no bucket: it may be forgotten. */
export function idleMs(rule: BucketRule): number {
  return Math.max(MIN_IDLE_MS, Math.ceil((rule.burst / rule.limit) * 1000));
}
