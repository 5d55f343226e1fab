// What the rate-limit tests share: the 429 they expect, bursts of requests, and a time for the
// limiter (AppOptions.rateClock) that moves only when the test moves it, so no bucket refills
// because the machine is slow.

import assert from 'node:assert/strict';
import { expectError } from './http-client.js';
import type { HttpClient, Response } from './http-client.js';

export const FIVE_OK = [200, 200, 200, 200, 200];

/** 429 / 20429 with a whole number of seconds to wait; returns that number. */
export function expectLimited(response: Response, what: string): number {
  assert.equal(response.status, 429, `${what}: expected 429, got ${response.status} ${response.text}`);
  expectError(response, 429, 20429);
  const retryAfter = response.headers.get('retry-after');
  assert.match(retryAfter ?? '', /^[1-9]\d*$/, `${what}: Retry-After ${retryAfter}`);
  return Number(retryAfter);
}

/**
 * `count` GETs of one path at once (so they all reach the limiter within a few milliseconds,
 * however slow the database); their statuses, lowest first, and the refused responses.
 */
export async function burstOf(api: HttpClient, path: string, count: number): Promise<{ statuses: number[]; refused: Response[] }> {
  const responses = await Promise.all(Array.from({ length: count }, () => api.get(path)));
  const refused = responses.filter((r) => r.status === 429);
  for (const response of refused) expectLimited(response, `burst of ${count} to ${path}`);
  return { statuses: responses.map((r) => r.status).sort((x, y) => x - y), refused };
}

/** The same, statuses only. */
export async function burst(api: HttpClient, path: string, count: number): Promise<number[]> {
  return (await burstOf(api, path, count)).statuses;
}

/** `count` GETs of one path one after another, taking turns between the clients; statuses in order. */
export async function inTurns(clients: HttpClient[], path: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await clients[i % clients.length]!.get(path);
    if (response.status === 429) expectLimited(response, `request ${i + 1} to ${path}`);
    statuses.push(response.status);
  }
  return statuses;
}

/** Makes the account's credentials cached and the database warm, on an endpoint the test does not count. */
export async function warmUp(api: HttpClient): Promise<void> {
  assert.equal((await api.get('/simulator/v1/Clock')).status, 200);
}

/** A time for the limiter that stands still until `elapse` moves it. */
export function standingTime() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  return { rateClock: () => now, elapse: (ms: number) => void (now += ms) };
}
