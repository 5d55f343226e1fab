// `parley/testing`: Parley as an in-process emulator for a Node test suite. startEmulator() runs
// the real server (buildApp, as `parley serve` does) with the simulator carrier on a random
// loopback port and an in-memory SQLite database, so each suite gets a fresh, private Parley in
// well under a second; the handle wraps the simulator's HTTP API (/simulator/v1/…) the way the
// repository's own tests use it, and talks HTTP like any client, never to the app's internals.

import type { Static } from '@sinclair/typebox';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app.js';
import type { CallResource, MessageResource } from './carriers/simulator/handsets.schemas.js';
import { loadConfig } from './config.js';

/** A message in the simulator's log, as GET /simulator/v1/Messages lists it. */
export type SimulatedMessage = Static<typeof MessageResource>;
/** A simulated call, as POST /simulator/v1/Calls answers it. */
export type SimulatedCall = Static<typeof CallResource>;

export interface EmulatorOptions {
  /**
   * The account the emulator accepts (an `AC` + 32 hex digits SID and an 8 to 256 character token),
   * for a suite with fixed credentials; by default the accounts service generates one.
   */
  accountSid?: string;
  authToken?: string;
  /** Parley's log level; `silent` unless set (a test suite's output stays its own). */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** More configuration, as the environment variables of the README (e.g. `PARLEY_RATE_LIMIT`). */
  env?: Record<string, string>;
}

export interface Emulator {
  /** `http://127.0.0.1:<port>`: twilio-node's `client.proxy.baseUrl`, twilio-python's `client.proxy.base_url`. */
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  /** The web console (`${url}/console`): sign in with accountSid and authToken to look at what a test did. */
  readonly consoleUrl: string;
  /** A handset texts `to` (a proxy number, usually); the simulator's record of the text. */
  text(from: string, to: string, body: string): Promise<SimulatedMessage>;
  /** A handset calls `to`; the simulated call (bridged or not). */
  call(from: string, to: string): Promise<SimulatedCall>;
  /** Every message `number`'s handset received, newest first (as the simulator lists them). */
  inbox(number: string): Promise<SimulatedMessage[]>;
  /** Moves the emulator's clock forward; sessions past their TTL close, due callbacks go out. */
  advanceClock(seconds: number): Promise<{ now: string; now_ms: number; offset_seconds: number }>;
  /** The callbacks Parley has sent for this account (GET /parley/v1/Callbacks). */
  callbacks(): Promise<Array<Record<string, unknown>>>;
  /** Stops the server; the in-memory database goes with it. */
  stop(): Promise<void>;
}

/** An error answer of the emulator: its HTTP status and Twilio's error fields. */
export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const detail = (body as { message?: unknown } | null)?.message;
    super(`Parley answered ${status}${typeof detail === 'string' ? `: ${detail}` : ''}`);
    this.name = 'EmulatorError';
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const env: Record<string, string> = {
    DATABASE_URL: 'sqlite::memory:',
    PARLEY_CARRIER: 'simulator',
    PARLEY_LOG_LEVEL: options.logLevel ?? 'silent',
    ...options.env,
  };
  if (options.accountSid !== undefined) env.PARLEY_ACCOUNT_SID = options.accountSid;
  if (options.authToken !== undefined) env.PARLEY_AUTH_TOKEN = options.authToken;
  // The configuration is this object only: the suite's own environment (its DATABASE_URL, PORT) is not Parley's.
  const app = await buildApp(loadConfig(env));
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (err) {
    await app.close();
    throw err;
  }
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // Without configured credentials buildApp has the accounts service generate the account (as the
  // first `parley serve` on a fresh database does): the in-memory database holds no other.
  const { sid: accountSid, authToken } = app.parley.account;
  const authorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

  async function request<T>(method: 'GET' | 'POST', path: string, form: Record<string, string | number>): Promise<T> {
    const params = new URLSearchParams(Object.entries(form).map(([key, value]): [string, string] => [key, String(value)]));
    const target = method === 'GET' && Object.keys(form).length > 0 ? `${path}?${params}` : path;
    const response = await fetch(url + target, {
      method,
      headers: {
        authorization,
        ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: method === 'POST' ? params.toString() : undefined,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text for the error
    }
    if (!response.ok) throw new EmulatorError(response.status, body);
    return body as T;
  }

  return {
    url,
    accountSid,
    authToken,
    consoleUrl: `${url}/console`,
    text: (from, to, body) => request('POST', '/simulator/v1/Messages', { From: from, To: to, Body: body }),
    call: (from, to) => request('POST', '/simulator/v1/Calls', { From: from, To: to }),
    async inbox(number) {
      const messages: SimulatedMessage[] = [];
      let page: { messages: SimulatedMessage[]; meta: { next_page_url: string | null } } = await request('GET', '/simulator/v1/Messages', {
        To: number,
        PageSize: 1000,
      });
      messages.push(...page.messages);
      while (page.meta.next_page_url !== null) {
        const next = new URL(page.meta.next_page_url);
        page = await request('GET', next.pathname + next.search, {});
        messages.push(...page.messages);
      }
      return messages;
    },
    advanceClock: (seconds) => request('POST', '/simulator/v1/Clock', { Advance: seconds }),
    callbacks: async () => (await request<{ callbacks: Array<Record<string, unknown>> }>('GET', '/parley/v1/Callbacks', {})).callbacks,
    stop: () => app.close(),
  };
}
