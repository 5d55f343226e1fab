// The Redis the shared rate limits' tests run against (PARLEY_TEST_REDIS_URL: npm test and .ci/run
// find or start one with scripts/ensure-redis.sh), and two app nodes on one database and one Redis,
// each with its own log. Every pair of nodes gets a key prefix of its own, so runs (and the two
// engines' passes) never share a bucket; the keys expire by themselves.

import { randomBytes } from 'node:crypto';
import { startTestApp } from './app.js';
import type { TestApp } from './app.js';
import { createDurableDatabase } from './database.js';
import type { TestDatabase } from './database.js';
import { logCollector } from './log-collector.js';
import type { LogCollector } from './log-collector.js';

/** PARLEY_TEST_REDIS_URL, or an error saying how to get one: these tests fail, never skip. */
export function testRedisUrl(): string {
  const url = process.env.PARLEY_TEST_REDIS_URL;
  if (!url) {
    throw new Error(
      'PARLEY_TEST_REDIS_URL is not set: run the tests with `npm test` (it starts Redis), or `. scripts/ensure-redis.sh` first, or set it to a redis:// URL',
    );
  }
  return url;
}

/** The test Redis's host and port (for a TcpProxy in front of it). */
export function testRedisAddress(): { host: string; port: number } {
  const url = new URL(testRedisUrl());
  return { host: url.hostname, port: Number(url.port || 6379) };
}

export function uniqueKeyPrefix(): string {
  return `parley:test:${randomBytes(6).toString('hex')}:`;
}

export interface TwoNodes {
  nodes: [TestApp, TestApp];
  logs: [LogCollector, LogCollector];
  keyPrefix: string;
  close(): Promise<void>;
}

/** Two apps on one database with these variables (PARLEY_REDIS_URL among them) and one rate clock. */
export async function twoNodes(env: Record<string, string>, rateClock: () => number): Promise<TwoNodes> {
  const database: TestDatabase = await createDurableDatabase();
  const keyPrefix = uniqueKeyPrefix();
  const logs: [LogCollector, LogCollector] = [logCollector(), logCollector()];
  const nodeEnv = { PARLEY_LOG_LEVEL: 'info', PARLEY_LOG_REQUESTS: 'false', PARLEY_REDIS_KEY_PREFIX: keyPrefix, ...env };
  const first = await startTestApp(nodeEnv, { rateClock, logStream: logs[0].stream }, database);
  const second = await startTestApp(nodeEnv, { rateClock, logStream: logs[1].stream }, database);
  return {
    nodes: [first, second],
    logs,
    keyPrefix,
    close: async () => {
      await first.close();
      await second.close();
      await database.drop();
    },
  };
}

/** The lines of a log at this level (pino's numbers: 30 info, 40 warn, 50 error). */
export function linesAt(log: LogCollector, level: number): Array<Record<string, any>> {
  return log.entries().filter((entry) => entry.level === level);
}
