// A small local stand-in for Twilio's REST API (api.twilio.com) on a loopback port: it records
// every request Parley makes, answers message creates as Twilio does (201, a JSON Message with an
// SM… SID, status "queued") and fetches of the account's IncomingPhoneNumbers (`addIncomingNumber`,
// 404 for any other SID; `holdNumbers` keeps their answers back). `failNext` makes the next requests fail with a chosen status, `dropNext`
// closes their connections unanswered (a network error), and `beforeAnswer` runs a hook once a
// message's SID is chosen but before Twilio's answer leaves (to race status callbacks). It is also
// the carrier scenarios' FakeCarrierApi (carrier-adapter.ts), in those words. The same fake speaks
// for SignalWire's Compatibility API (startFakeSignalWire): another path prefix and account, and
// UUIDs for ids (a FakeApiDialect).

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback-server.js';
import type { Loopback } from './loopback-server.js';
import type { FakeCarrierApi, SendFailure, SentMessage } from './carrier-adapter.js';
import { GENEROUS_MS } from './eventually.js';

export type FakeParams = Record<string, string | string[]>;

export interface RecordedRequest {
  method: string;
  /** The path without its query string. */
  path: string;
  query: string;
  headers: IncomingMessage['headers'];
  /** Decoded from `Authorization: Basic …`; null when absent or not Basic. */
  auth: { username: string; password: string } | null;
  /** The form body; repeated keys become arrays, in the order sent. */
  params: FakeParams;
  /** What the fake answered. */
  status: number;
  /** The SID it answered with, for a successful message create. */
  sid: string | null;
}

interface Failure {
  /** 0: drop the connection without answering. */
  status: number;
  remaining: number;
  body: Record<string, unknown> | undefined;
}

/** What sets one Twilio-compatible carrier's API apart from another's. */
export interface FakeApiDialect {
  /** As the fake's errors say it. */
  readonly name: string;
  /** The path of the account's REST root, {account} standing for its id. */
  readonly accountPath: string;
  /** A pattern of the account ids the API knows. */
  readonly account: RegExp;
  /** A new message id, as the carrier makes them. */
  newMessageId(): string;
  /** A new IncomingPhoneNumber id, and the pattern of such ids. */
  newNumberId(): string;
  readonly numberId: RegExp;
  /** The id the scenarios know a sent message by: the `outbound_resource_sid` Parley records for `id`. */
  recordedId(id: string): string;
  /** Where an error's code is explained. */
  moreInfo(code: number): string;
}

export const TWILIO_DIALECT: FakeApiDialect = {
  name: 'Twilio',
  accountPath: '/2010-04-01/Accounts/{account}',
  account: /AC[0-9a-fA-F]{32}/,
  newMessageId: () => 'SM' + randomBytes(16).toString('hex'),
  newNumberId: () => 'PN' + randomBytes(16).toString('hex'),
  numberId: /PN[0-9a-fA-F]{32}/,
  recordedId: (id) => id,
  moreInfo: (code) => `https://www.twilio.com/docs/errors/${code}`,
};

/** An IncomingPhoneNumber of the fake's account, as `addIncomingNumber` takes it. */
export interface IncomingNumber {
  phoneNumber: string;
  /** The E.164 number when not given. */
  friendlyName?: string;
  capabilities?: { voice?: boolean; sms?: boolean; mms?: boolean; fax?: boolean };
}

/** Twilio's error bodies for the scenarios' failures (carrier-adapter.ts SendFailure). */
const FAILURES: Record<Exclude<SendFailure, 'dropped'>, { status: number; code: number; message: string }> = {
  refused: { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." },
  'server-error': { status: 500, code: 20500, message: 'Internal Server Error' },
  unavailable: { status: 503, code: 20503, message: 'Service Unavailable' },
  throttled: { status: 429, code: 20429, message: 'Too Many Requests' },
};

export class FakeTwilio implements FakeCarrierApi {
  readonly requests: RecordedRequest[] = [];
  readonly #messages: RegExp;
  readonly #incomingNumber: RegExp;
  #server: Loopback | null = null;
  #failures: Failure[] = [];
  readonly #numbers = new Map<string, { accountSid: string; number: IncomingNumber }>();
  #waiters: Array<() => void> = [];
  url = '';
  /** Runs after a message create is recorded (with its SID) and before the fake answers it. */
  beforeAnswer: ((request: RecordedRequest) => Promise<void>) | null = null;
  /** IncomingPhoneNumber fetches, once recorded, wait for this before they are answered. */
  holdNumbers: Promise<void> | null = null;

  constructor(readonly dialect: FakeApiDialect = TWILIO_DIALECT) {
    const [before, after] = dialect.accountPath.split('{account}').map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    this.#messages = new RegExp(`^${before}(${dialect.account.source})${after}\\/Messages\\.json$`);
    this.#incomingNumber = new RegExp(
      `^${before}(${dialect.account.source})${after}\\/IncomingPhoneNumbers\\/(${dialect.numberId.source})\\.json$`,
    );
  }

  /** The path of the account's REST root. */
  accountPath(account: string): string {
    return this.dialect.accountPath.replace('{account}', account);
  }

  /** Starts listening on 127.0.0.1 on a free port; `url` is then its base URL (no trailing slash). */
  async start(): Promise<this> {
    this.#server = await listenOnLoopback((request, response) => this.#handle(request, response));
    this.url = this.#server.url;
    return this;
  }

  async stop(): Promise<void> {
    await this.#server?.stop();
  }

  /** The next `count` requests are answered with `status` (and a Twilio error body, or `body`). */
  failNext(status: number, count = 1, body?: Record<string, unknown>): void {
    this.#failures.push({ status, remaining: count, body });
  }

  /** The next `count` requests get no answer: their connection is closed (a network error). */
  dropNext(count = 1): void {
    this.#failures.push({ status: 0, remaining: count, body: undefined });
  }

  /** Forgets the recorded requests, pending failures, the beforeAnswer hook and the IncomingPhoneNumbers. */
  reset(): void {
    this.requests.length = 0;
    this.#failures = [];
    this.beforeAnswer = null;
    this.holdNumbers = null;
    this.#numbers.clear();
  }

  /** Puts a number in `accountSid`'s account, as buying it would; answers its id (Twilio's PN SID). */
  addIncomingNumber(accountSid: string, number: IncomingNumber): string {
    const sid = this.dialect.newNumberId();
    this.#numbers.set(sid, { accountSid, number });
    return sid;
  }

  failSends(how: SendFailure, count = 1): void {
    if (how === 'dropped') return this.dropNext(count);
    const { status, code, message } = FAILURES[how];
    this.failNext(status, count, { code, message, more_info: this.dialect.moreInfo(code), status });
  }

  sends(): SentMessage[] {
    return this.messageRequests().map((request) => this.#sentMessage(request));
  }

  async waitForSends(count: number): Promise<SentMessage[]> {
    await this.#waitUntil(() => this.messageRequests().length >= count, `${count} message create(s)`);
    return this.sends().slice(0, count);
  }

  onSendAccepted(hook: ((sent: SentMessage) => Promise<void>) | null): void {
    this.beforeAnswer = hook === null ? null : (request) => hook(this.#sentMessage(request));
  }

  requestCount(): number {
    return this.requests.length;
  }

  /** Requests that created (or tried to create) a message. */
  messageRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && this.#messages.test(r.path));
  }

  /** Resolves once `count` requests have been recorded in all; rejects after `timeoutMs` (generous: a busy machine only waits longer). */
  async waitForRequests(count: number, timeoutMs = GENEROUS_MS): Promise<RecordedRequest[]> {
    await this.#waitUntil(() => this.requests.length >= count, `${count} request(s)`, timeoutMs);
    return this.requests.slice(0, count);
  }

  async #waitUntil(done: () => boolean, what: string, timeoutMs = GENEROUS_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`fake ${this.dialect.name}: expected ${what}, got ${this.requests.length} request(s) within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const [path = '', query = ''] = (request.url ?? '').split(/\?(.*)/s);
    const recorded: RecordedRequest = {
      method: request.method ?? '',
      path,
      query,
      headers: request.headers,
      auth: basicCredentials(request.headers.authorization),
      params: parseForm(raw),
      status: 0,
      sid: null,
    };

    const failure = this.#failures[0];
    let status: number;
    let body: Record<string, unknown>;
    if (failure !== undefined) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) this.#failures.shift();
      status = failure.status;
      body = failure.body ?? {
        code: 20500,
        message: `Fake failure ${failure.status}`,
        more_info: this.dialect.moreInfo(20500),
        status: failure.status,
      };
    } else {
      const message = this.#messages.exec(path);
      const incoming = this.#incomingNumber.exec(path);
      const owned = incoming === null ? undefined : this.#numbers.get(incoming[2]!);
      if (request.method === 'POST' && message !== null) {
        status = 201;
        body = this.#messageResource(message[1]!, recorded.params);
        recorded.sid = body.sid as string;
      } else if (request.method === 'GET' && incoming !== null && owned !== undefined && owned.accountSid === incoming[1]) {
        status = 200;
        body = this.#incomingNumberResource(incoming[1]!, incoming[2]!, owned.number);
      } else {
        status = 404;
        body = {
          code: 20404,
          message: `The requested resource ${path} was not found`,
          more_info: this.dialect.moreInfo(20404),
          status: 404,
        };
      }
    }
    recorded.status = status;
    this.requests.push(recorded);
    for (const wake of this.#waiters.splice(0)) wake();
    if (status === 0) {
      request.socket.destroy();
      return;
    }
    if (recorded.sid !== null && this.beforeAnswer !== null) await this.beforeAnswer(recorded);
    if (this.#incomingNumber.test(path) && this.holdNumbers !== null) await this.holdNumbers;
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(body));
  }

  /** The carrier's Message resource, as its API answers a create (SignalWire's has Twilio's fields). */
  #messageResource(accountSid: string, params: FakeParams): Record<string, unknown> {
    const sid = this.dialect.newMessageId();
    const uri = `${this.accountPath(accountSid)}/Messages/${sid}`;
    const first = (name: string) => {
      const value = params[name];
      return (Array.isArray(value) ? value[0] : value) ?? null;
    };
    const media = params.MediaUrl === undefined ? [] : ([] as string[]).concat(params.MediaUrl);
    const now = new Date().toUTCString().replace('GMT', '+0000');
    return {
      sid,
      account_sid: accountSid,
      api_version: '2010-04-01',
      body: first('Body'),
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: first('From'),
      messaging_service_sid: null,
      num_media: String(media.length),
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      status: 'queued',
      subresource_uris: { media: `${uri}/Media.json` },
      to: first('To'),
      uri: `${uri}.json`,
    };
  }

  /** The carrier's IncomingPhoneNumber resource, as its API answers a fetch (the fields Parley reads, and a few more). */
  #incomingNumberResource(accountSid: string, sid: string, number: IncomingNumber): Record<string, unknown> {
    const { voice = true, sms = true, mms = false, fax = false } = number.capabilities ?? {};
    return {
      sid,
      account_sid: accountSid,
      api_version: '2010-04-01',
      friendly_name: number.friendlyName ?? number.phoneNumber,
      phone_number: number.phoneNumber,
      capabilities: { voice, sms, mms, fax },
      origin: this.dialect.name.toLowerCase(),
      status: 'in-use',
      sms_url: '',
      voice_url: '',
      uri: `${this.accountPath(accountSid)}/IncomingPhoneNumbers/${sid}.json`,
    };
  }

  /** A recorded message create, in the carrier scenarios' words. */
  #sentMessage(request: RecordedRequest): SentMessage {
    const first = (name: string) => {
      const value = request.params[name];
      return (Array.isArray(value) ? value[0] : value) ?? '';
    };
    const media = request.params.MediaUrl;
    return {
      from: first('From'),
      to: first('To'),
      body: first('Body'),
      mediaUrls: media === undefined ? [] : ([] as string[]).concat(media),
      id: request.sid === null ? null : this.dialect.recordedId(request.sid),
      answered: request.status,
    };
  }
}

export async function startFakeTwilio(): Promise<FakeTwilio> {
  return new FakeTwilio().start();
}

function basicCredentials(header: string | undefined): RecordedRequest['auth'] {
  if (header === undefined || !/^Basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function parseForm(text: string): FakeParams {
  const params: FakeParams = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const previous = params[key];
    if (previous === undefined) params[key] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else params[key] = [previous, value];
  }
  return params;
}
