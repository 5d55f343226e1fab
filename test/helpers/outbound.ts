// Fixtures for the outgoing-call tests (test/security/outbound-*.test.ts): a masked pair whose
// service calls the URLs given, DNS the test answers, and a watch on every socket this process
// opens. Tests may only ever connect to loopback: the watch destroys a socket whose lookup
// answered anything else before it connects.

import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { isIP } from 'node:net';
import type { LookupFunction, Socket } from 'node:net';
import { handset, handsetLog, maskedPair, poolNumber } from './factories.js';
import type { MaskedPair } from './factories.js';
import type { HttpClient, Response } from './http-client.js';

/** A masked pair whose service calls the URLs given, with its traffic as methods. */
export interface OutboundPair extends MaskedPair {
  /** The one pool number: the proxy number of both. */
  number: string;
  /** Sends a text from A to A's proxy number (the simulated handset). */
  text(body: string): Promise<Response>;
  /** Sends B a message through the API (a message interaction), as the service's own server would. */
  messageB(body: string): Promise<Response>;
  /** Whether B's handset received a text with this body (the message went through). */
  reachedB(body: string): Promise<boolean>;
  /** Sends a text to the pool number from someone in no session (the out-of-session case). */
  strangerTexts(body: string): Promise<Response>;
  /** What the stranger's handset received from the pool number (an out-of-session TwiML answer's replies). */
  strangerReplies(): Promise<unknown[]>;
}

/** A service with these URLs, a pool number of its own and a session (any number of them side by side). */
export async function outboundPair(api: HttpClient, urls: Record<string, string>): Promise<OutboundPair> {
  const number = poolNumber();
  const stranger = handset();
  const pair = await maskedPair(api, { pool: [number], service: urls });
  return {
    ...pair,
    number,
    text: (body) => api.post('/simulator/v1/Messages', { From: pair.a.identifier, To: number, Body: body }),
    messageB: (body) => api.post(`${pair.b.path}/MessageInteractions`, { Body: body }),
    reachedB: async (body) => (await handsetLog(api, { To: pair.b.identifier })).some((message) => message.body === body),
    strangerTexts: (body) => api.post('/simulator/v1/Messages', { From: stranger, To: number, Body: body }),
    strangerReplies: () => handsetLog(api, { From: number, To: stranger }),
  };
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
