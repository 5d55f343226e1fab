// Fixtures for the outgoing-call tests (test/security/outbound-*.test.ts): a masked pair whose
// service calls the URLs given, the outbox's rows, DNS the test answers, a log that can be read
// back, and a watch on every socket this process opens. Tests may only ever connect to loopback:
// the watch destroys a socket whose lookup answered anything else before it connects.

import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { isIP } from 'node:net';
import type { LookupFunction, Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { TestApp } from './app.js';
import type { HttpClient } from './http-client.js';

export interface Pair {
  /** `/v1/Services/KS…` */
  service: string;
  serviceSid: string;
  /** The one pool number: the proxy number of both. */
  number: string;
  /** Sends a text from Alice to her proxy number (the simulated handset). */
  text(body: string): ReturnType<HttpClient['post']>;
  /** Sends Bob a message through the API (a message interaction), as the service's own server would. */
  messageBob(body: string): ReturnType<HttpClient['post']>;
  /** Whether Bob's handset received a text with this body (the message went through). */
  reachedBob(body: string): Promise<boolean>;
  /** Sends a text to the pool number from someone in no session (the out-of-session case). */
  strangerTexts(body: string): ReturnType<HttpClient['post']>;
  /** What the stranger's handset received from the pool number (an out-of-session TwiML answer's replies). */
  strangerReplies(): Promise<unknown[]>;
}

const STRANGER = '+12125550099';

/** Service `n` (any number of them side by side) with these URLs, a pool number and a session. */
export async function maskedPair(api: HttpClient, urls: Record<string, string>, n = 0): Promise<Pair> {
  const [alice, bob, number] = [`+12125550${100 + 2 * n}`, `+12125550${101 + 2 * n}`, `+14155550${100 + n}`];
  const created = await api.post('/v1/Services', { UniqueName: `outbound-${n}-${Math.random()}`, ...urls });
  assert.equal(created.status, 201, created.text);
  const service = `/v1/Services/${created.body.sid}`;
  const pooled = await api.post(`${service}/PhoneNumbers`, { PhoneNumber: number });
  assert.equal(pooled.status, 201, pooled.text);
  const session = await api.post(`${service}/Sessions`, {
    Participants: [alice, bob].map((identifier) => JSON.stringify({ Identifier: identifier })),
  });
  assert.equal(session.status, 201, session.text);
  const participants = (await api.get(`${service}/Sessions/${session.body.sid}/Participants`)).body.participants as Array<
    Record<string, string>
  >;
  const bobPath = `${service}/Sessions/${session.body.sid}/Participants/${participants.find((p) => p.identifier === bob)!.sid}`;
  return {
    service,
    serviceSid: created.body.sid,
    number,
    text: (body) => api.post('/simulator/v1/Messages', { From: alice, To: number, Body: body }),
    messageBob: (body) => api.post(`${bobPath}/MessageInteractions`, { Body: body }),
    reachedBob: async (body) => {
      const messages = (await api.get('/simulator/v1/Messages', { To: bob })).body.messages as Array<Record<string, string>>;
      return messages.some((message) => message.body === body);
    },
    strangerTexts: (body) => api.post('/simulator/v1/Messages', { From: STRANGER, To: number, Body: body }),
    strangerReplies: async () => (await api.get('/simulator/v1/Messages', { From: number, To: STRANGER })).body.messages as unknown[],
  };
}

export async function outboxRows(t: TestApp) {
  return t.app.parley.database.db.selectFrom('outbox').selectAll().orderBy('date_created').execute();
}

/** Waits until the outbox's jobs of this kind have been tried `attempts` times and are not claimed. */
export async function attempted(t: TestApp, attempts: number, kind = 'callback', timeoutMs = 10_000) {
  return until(
    async () => {
      const rows = (await outboxRows(t)).filter((row) => row.kind === kind);
      return rows.length > 0 && rows.every((row) => row.attempts >= attempts && row.locked_until === null) ? rows : undefined;
    },
    `${kind} jobs tried ${attempts} time(s)`,
    timeoutMs,
  );
}

export async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface FakeDns {
  lookup: LookupFunction;
  /** Every host name looked up, in order. */
  asked: string[];
}

/** DNS that answers `answer(host, call)` (one address or several), in both of Node's forms. */
export function fakeDns(answer: (hostname: string, call: number) => string | string[]): FakeDns {
  const asked: string[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    const given = answer(hostname, asked.length);
    asked.push(hostname);
    const addresses = (Array.isArray(given) ? given : [given]).map((address) => ({ address, family: isIP(address) }));
    process.nextTick(() => (options.all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family)));
  };
  return { lookup, asked };
}

const isLoopback = (address: string) => /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);

export interface SocketWatch {
  /** Every address and port this process started connecting to. */
  attempted: Array<{ address: string; port: number }>;
  /** Non-loopback addresses a lookup answered, whose sockets were destroyed before connecting. */
  stopped: string[];
  close(): void;
}

/** Watches (and keeps to loopback) every outgoing TCP connection of this process. */
export function watchSockets(): SocketWatch {
  const watch: SocketWatch = { attempted: [], stopped: [], close: () => unsubscribe('net.client.socket', onSocket) };
  function onSocket(message: unknown): void {
    const { socket } = message as { socket: Socket };
    socket.on('lookup', (err: Error | null, address: string | undefined) => {
      if (err !== null || address === undefined || isLoopback(address)) return;
      watch.stopped.push(address);
      socket.destroy(new Error(`the test does not let anything connect to ${address}`));
    });
    socket.on('connectionAttempt', (address: string, port: number) => watch.attempted.push({ address, port }));
  }
  subscribe('net.client.socket', onSocket);
  return watch;
}

/** A log destination for AppOptions.logStream: every line the app writes, kept. */
export function logCollector(): { stream: Writable; text(): string; lines(): Array<Record<string, unknown>> } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    stream,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
