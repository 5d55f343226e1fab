// A small local stand-in for Telnyx's REST API (api.telnyx.com) on a loopback port: it records every
// request Parley makes and answers POST /v2/messages as the Messaging API v2 does (200, a JSON
// `data` message with a UUID id, its recipient `queued`), or 401 without the right Bearer key.
// `failSends` makes the next sends fail as the scenarios name it, with Telnyx's `errors` bodies, or
// closes their connections unanswered; `onSendAccepted` runs a hook once a message's id is chosen
// but before the answer leaves (to race delivery webhooks). It is the carrier scenarios'
// FakeCarrierApi (carrier-adapter.ts) for Telnyx.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback-server.js';
import type { Loopback } from './loopback-server.js';
import type { FakeCarrierApi, SendFailure, SentMessage } from './carrier-adapter.js';
import { eventually } from './eventually.js';
import { messageSid } from './telnyx-webhooks.js';

export interface TelnyxRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The JSON body, or null when it was not JSON. */
  json: Record<string, any> | null;
  /** What the fake answered; 0 when it closed the connection instead. */
  status: number;
  /** The message id (a UUID) it answered a send with. */
  id: string | null;
}

/** Telnyx's error bodies for the scenarios' failures: `{errors: [{code, title, detail}]}`. */
const FAILURES: Record<Exclude<SendFailure, 'dropped'>, { status: number; code: string; title: string }> = {
  refused: { status: 400, code: '40310', title: "Invalid 'to' address" },
  'server-error': { status: 500, code: '10007', title: 'Unexpected error' },
  unavailable: { status: 503, code: '10008', title: 'Service unavailable' },
  throttled: { status: 429, code: '10011', title: 'Too many requests' },
};

export class FakeTelnyx implements FakeCarrierApi {
  readonly requests: TelnyxRequest[] = [];
  url = '';
  #server: Loopback | null = null;
  #failures: Array<{ how: SendFailure; remaining: number }> = [];
  #onAccepted: ((sent: SentMessage) => Promise<void>) | null = null;

  constructor(
    /** The API key the fake accepts as `Authorization: Bearer …`. */
    private readonly apiKey: string,
  ) {}

  /** Starts listening on 127.0.0.1 on a free port; `url` is then its base URL (no trailing slash). */
  async start(): Promise<this> {
    this.#server = await listenOnLoopback((request, response) => this.#handle(request, response));
    this.url = this.#server.url;
    return this;
  }

  async stop(): Promise<void> {
    await this.#server?.stop();
  }

  reset(): void {
    this.requests.length = 0;
    this.#failures = [];
    this.#onAccepted = null;
  }

  failSends(how: SendFailure, count = 1): void {
    this.#failures.push({ how, remaining: count });
  }

  /** Requests that sent (or tried to send) a message. */
  sendRequests(): TelnyxRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/v2/messages');
  }

  sends(): SentMessage[] {
    return this.sendRequests().map(sentMessage);
  }

  async waitForSends(count: number): Promise<SentMessage[]> {
    await eventually(() =>
      assert.ok(this.sendRequests().length >= count, `fake Telnyx: expected ${count} send(s), got ${this.sendRequests().length}`),
    );
    return this.sends().slice(0, count);
  }

  onSendAccepted(hook: ((sent: SentMessage) => Promise<void>) | null): void {
    this.#onAccepted = hook;
  }

  requestCount(): number {
    return this.requests.length;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const recorded: TelnyxRequest = {
      method: request.method ?? '',
      path: (request.url ?? '').split('?')[0]!,
      headers: request.headers,
      json: parseJson(Buffer.concat(chunks).toString('utf8')),
      status: 0,
      id: null,
    };
    const [status, body] = this.#answer(recorded, request.headers.authorization);
    recorded.status = status;
    this.requests.push(recorded);
    if (status === 0) {
      request.socket.destroy();
      return;
    }
    if (recorded.id !== null && this.#onAccepted !== null) await this.#onAccepted(sentMessage(recorded));
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(body));
  }

  #answer(request: TelnyxRequest, authorization: string | undefined): [number, Record<string, unknown>] {
    const failure = this.#failures[0];
    if (failure !== undefined) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) this.#failures.shift();
      if (failure.how === 'dropped') return [0, {}];
      const { status, code, title } = FAILURES[failure.how];
      return [status, { errors: [{ code, title, detail: `Fake failure: ${title}` }] }];
    }
    if (authorization !== `Bearer ${this.apiKey}`) {
      return [401, { errors: [{ code: '10009', title: 'Authentication failed', detail: 'The API key is missing or invalid.' }] }];
    }
    if (request.method !== 'POST' || request.path !== '/v2/messages' || request.json === null) {
      return [404, { errors: [{ code: '10005', title: 'Resource not found', detail: `${request.method} ${request.path}` }] }];
    }
    const message = outboundMessage(request.json);
    request.id = message.id as string;
    return [200, { data: message }];
  }
}

export async function startFakeTelnyx(apiKey: string): Promise<FakeTelnyx> {
  return new FakeTelnyx(apiKey).start();
}

function parseJson(text: string): Record<string, any> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, any>) : null;
  } catch {
    return null;
  }
}

/** The Messaging API's answer to a send: the message, its one recipient queued. */
function outboundMessage(sent: Record<string, any>): Record<string, unknown> {
  const media = Array.isArray(sent.media_urls) ? (sent.media_urls as string[]) : [];
  const now = new Date().toISOString();
  return {
    record_type: 'message',
    direction: 'outbound',
    id: randomUUID(),
    type: media.length > 0 ? 'MMS' : 'SMS',
    messaging_profile_id: sent.messaging_profile_id ?? randomUUID(),
    organization_id: randomUUID(),
    from: { phone_number: sent.from, carrier: 'Telnyx', line_type: 'Wireless' },
    to: [{ phone_number: sent.to, status: 'queued', carrier: 'T-MOBILE USA, INC.', line_type: 'Wireless' }],
    cc: [],
    text: sent.text ?? '',
    media: media.map((url) => ({ url, content_type: null, sha256: null, size: null })),
    webhook_url: sent.webhook_url ?? null,
    webhook_failover_url: null,
    encoding: 'GSM-7',
    parts: 1,
    tags: [],
    cost: null,
    received_at: now,
    sent_at: null,
    completed_at: null,
    valid_until: null,
    errors: [],
  };
}

/** A recorded send, in the carrier scenarios' words. */
function sentMessage(request: TelnyxRequest): SentMessage {
  const json = request.json ?? {};
  return {
    from: String(json.from ?? ''),
    to: String(json.to ?? ''),
    body: String(json.text ?? ''),
    mediaUrls: Array.isArray(json.media_urls) ? (json.media_urls as string[]) : [],
    // The Proxy API shows the message under a SID made from its id.
    id: request.id === null ? null : messageSid(request.id),
    answered: request.status,
  };
}
