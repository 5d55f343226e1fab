// Rate limiting, off unless configured (PARLEY_RATE_LIMIT, or an account's own limit set with
// `parley accounts set`): like Twilio's, per account and per endpoint, a sustained number of
// requests per second with a burst allowance (a token bucket). Over the limit: 429 / 20429 with
// Retry-After. Counted per node: N nodes behind a load balancer allow N times the rate.

import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';

export interface RateDefaults {
  /** Requests per second; 0 for no limit. */
  limit: number;
  /** Bucket size; 0 for five times the limit (Twilio's burst). */
  burst: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

const MAX_BUCKETS = 100_000;

/**
 * `now` is real time (a rate is about the wall clock, not the emulator's); tests pass a time that
 * moves only when they move it.
 */
export function rateLimiter(defaults: RateDefaults, now: () => number = Date.now) {
  const buckets = new Map<string, Bucket>();
  return async function limitRate(request: FastifyRequest): Promise<void> {
    const account = request.account;
    if (account === null) return;
    const limit = account.rateLimit ?? defaults.limit;
    if (limit <= 0) return;
    // An account's burst of 0 (`--rate-burst off`) means no burst: the bucket still holds one
    // request, or it would refuse every request forever.
    const burst = Math.max(1, account.rateBurst ?? (defaults.burst > 0 ? defaults.burst : limit * 5));
    const key = `${account.sid} ${request.method} ${request.routeOptions.url ?? ''}`;
    const at = now();
    const bucket = buckets.get(key) ?? { tokens: burst, updated: at };
    bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.updated) / 1000) * limit);
    bucket.updated = at;
    if (bucket.tokens < 1) {
      buckets.set(key, bucket);
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / limit));
      throw new ApiError(20429, {
        detail: `more than ${limit} requests per second (burst ${burst}) to this endpoint`,
        headers: { 'Retry-After': String(retryAfter) },
      });
    }
    bucket.tokens -= 1;
    if (buckets.size >= MAX_BUCKETS) buckets.clear();
    buckets.set(key, bucket);
  };
}
