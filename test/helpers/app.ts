// Starts the production app (the same buildApp as `parley serve`) on a loopback port; for a
// describe block, with a receiver for its callbacks.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { systemClock } from '../../src/common/clock.js';
import type { Clock } from '../../src/common/clock.js';
import type { AppOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createTestDatabase } from './database.js';
import type { TestDatabase } from './database.js';
import { HttpClient } from './http-client.js';
import { CallbackReceiver } from './receiver.js';

export const TEST_ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
export const TEST_AUTH_TOKEN = 'test-auth-token-0123456789';

export interface TestApp {
  app: FastifyInstance;
  baseUrl: string;
  /** Authenticated as the test account. */
  api: HttpClient;
  /** Sends no credentials. */
  anonymous: HttpClient;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * `shared`: a database another app also runs on (two nodes; createDurableDatabase), which the
 * caller drops; by default the app gets one of its own, dropped at close().
 */
export async function startTestApp(env: Record<string, string> = {}, options: AppOptions = {}, shared?: TestDatabase): Promise<TestApp> {
  const database = shared ?? (await createTestDatabase());
  const config = loadConfig({
    DATABASE_URL: database.url,
    PARLEY_ACCOUNT_SID: TEST_ACCOUNT_SID,
    PARLEY_AUTH_TOKEN: TEST_AUTH_TOKEN,
    PARLEY_LOG_LEVEL: 'silent',
    PARLEY_EXPIRY_SWEEP_MS: '50',
    ...env,
  });
  const app = await buildApp(config, options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    baseUrl,
    api: new HttpClient(baseUrl, { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN }),
    anonymous: new HttpClient(baseUrl, null),
    database,
    close: async () => {
      await app.close();
      if (shared === undefined) await database.drop();
    },
  };
}

/** The app's real time (AppOptions.clock) as a test moves it, in memory: forward only. */
export class TestClock implements Clock {
  #offsetMs = 0;

  constructor(private readonly base: Clock = systemClock) {}

  now(): number {
    return this.base.now() + this.#offsetMs;
  }

  advance(seconds: number): void {
    assert.ok(seconds >= 0, 'time only moves forward');
    this.#offsetMs += seconds * 1000;
  }
}

/**
 * Real time standing still, so every account's clock stands still until the test moves it
 * (POST /simulator/v1/Clock): for a test whose outcome depends on how much server time passed (a
 * call's duration, a retry coming due), so that a slow machine's real time does not count.
 */
export function frozenClock(): TestClock {
  const start = Date.now();
  return new TestClock({ now: () => start });
}

/** For a describe block: an app (with these variables) and a receiver for its callbacks, both closed after it. */
export function appAndReceiver(
  env: Record<string, string> = {},
  options: AppOptions = {},
): { readonly t: TestApp; readonly receiver: CallbackReceiver } {
  const fixture = {} as { t: TestApp; receiver: CallbackReceiver };
  before(async () => {
    fixture.t = await startTestApp(env, options);
    fixture.receiver = await CallbackReceiver.start();
  });
  after(async () => {
    await fixture.receiver.close();
    await fixture.t.close();
  });
  return fixture;
}
