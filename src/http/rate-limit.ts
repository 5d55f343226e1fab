// Rate limiting, off unless configured (PARLEY_RATE_LIMIT, or an account's own limit set with
// `parley accounts set`): like Twilio's, per account and per endpoint, a sustained number of
// requests per second with a burst allowance (a token bucket, ratelimit/token-bucket.ts). Over the
// limit: 429 / 20429 with Retry-After. Where the buckets live is ratelimit/shared-buckets.ts's
// choice: in Redis (PARLEY_REDIS_URL), shared by every node, or in each node's memory.

import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { retryAfterSeconds } from '../ratelimit/token-bucket.js';
import type { BucketStore } from '../ratelimit/token-bucket.js';

export interface RateDefaults {
  /** Requests per second; 0 for no limit. */
  limit: number;
  /** Bucket size; 0 for five times the limit (Twilio's burst). */
  burst: number;
}

/**
 * `now` is real time (a rate is about the wall clock, not the emulator's); tests pass a time that
 * moves only when they move it.
 */
export function rateLimiter(defaults: RateDefaults, buckets: BucketStore, now: () => number = Date.now) {
  return async function limitRate(request: FastifyRequest): Promise<void> {
    const account = request.account;
    if (account === null) return;
    const limit = account.rateLimit ?? defaults.limit;
    if (limit <= 0) return;
    // An account's burst of 0 (`--rate-burst off`) means no burst: the bucket still holds one
    // request, or it would refuse every request forever.
    const burst = Math.max(1, account.rateBurst ?? (defaults.burst > 0 ? defaults.burst : limit * 5));
    const rule = { limit, burst };
    // The account's SID and the route pattern, never the path as sent (it may hold a number).
    const key = `${account.sid}:${request.method}:${request.routeOptions.url ?? ''}`;
    const verdict = await buckets.take(key, rule, now());
    if (verdict.allowed) return;
    throw new ApiError(20429, {
      detail: `more than ${limit} requests per second (burst ${burst}) to this endpoint`,
      headers: { 'Retry-After': String(retryAfterSeconds(verdict, rule)) },
    });
  };
}
