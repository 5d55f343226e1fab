// A real HTTP server standing in for a customer's callback URLs: it records every request Parley
// makes to it and answers as the test programs it (status, content type, headers, body, delay, or
// an endless body generated as it is sent).

import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GENEROUS_MS } from './eventually.js';

export type Params = Record<string, string | string[]>;

export interface ReceivedRequest {
  method: string;
  /** Path and query string exactly as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The form body; a repeated key becomes an array of its values. */
  params: Params;
}

export interface Reply {
  status?: number;
  contentType?: string;
  body?: string;
  /** Milliseconds to wait before answering. */
  delayMs?: number;
  /** More headers (e.g. Location for a redirect). */
  headers?: Record<string, string>;
  /**
   * A body this long: `body`, then spaces, chunked (no Content-Length), written as the client
   * takes it and never held in memory; writing stops when the client goes away.
   */
  streamBytes?: number;
}

/** Decides the answer to a request; `index` counts requests from 0. */
export type Responder = (request: ReceivedRequest, index: number) => Reply;

export function parseForm(body: string): Params {
  const params: Params = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const seen = params[key];
    params[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

export class CallbackReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Bytes of `streamBytes` bodies written so far (what the clients let through). */
  streamedBytes = 0;
  #responder: Responder = () => ({});
  #waiters = new Set<() => void>();
  #timers = new Set<NodeJS.Timeout>();
  /** Answers kept back while holding (see hold()); null when answering. */
  #held: Array<() => void> | null = null;
  /** Requests answered so far. */
  answered = 0;
  /** Requests received whose answer has not gone out (or whose connection has not closed), and the most at once. */
  inFlight = 0;
  maxInFlight = 0;

  readonly #server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => this.#handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  #baseUrl = '';

  private constructor() {}

  /** Listens on 127.0.0.1, on `port` or on any free one. */
  static async start(port = 0): Promise<CallbackReceiver> {
    const receiver = new CallbackReceiver();
    const server = receiver.#server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    receiver.#baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return receiver;
  }

  /** `http://127.0.0.1:<port>` */
  get baseUrl(): string {
    return this.#baseUrl;
  }

  get port(): number {
    return Number(new URL(this.baseUrl).port);
  }

  /** An absolute URL on this receiver. */
  url(path = '/'): string {
    return this.baseUrl + path;
  }

  /** The absolute URL a request was made to (what its signature covers). */
  fullUrl(request: ReceivedRequest): string {
    return this.baseUrl + request.url;
  }

  /** Answers every request this way from now on (default: an empty 200). */
  respond(reply: Reply | Responder): void {
    this.#responder = typeof reply === 'function' ? reply : () => reply;
  }

  /** Answers the next requests with these replies in turn, then like the last one. */
  respondInTurn(...replies: Reply[]): void {
    const start = this.requests.length;
    this.respond((_request, index) => replies[Math.min(index - start, replies.length - 1)]!);
  }

  /** Keeps every answer back from now on, until release(): a receiver that hangs. */
  hold(): void {
    this.#held ??= [];
  }

  /** Sends the answers held back, and answers at once again. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const send of held) send();
  }

  /** Resolves once `count` requests in all have arrived; rejects after `timeoutMs` (generous: a busy machine only waits longer). */
  async waitFor(count: number, timeoutMs = GENEROUS_MS): Promise<ReceivedRequest[]> {
    if (this.requests.length >= count) return this.requests;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.requests.length < count) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(this.requests);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`expected ${count} callback request(s) within ${timeoutMs} ms, got ${this.requests.length}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  /** Waits a while and fails if more than `count` requests arrived (for "nothing else came"). */
  async expectNoMoreThan(count: number, quietMs = 300): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    if (this.requests.length > count) {
      throw new Error(
        `expected at most ${count} callback request(s), got ${this.requests.length}: ${this.requests.map((r) => r.url).join(', ')}`,
      );
    }
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const request: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, params: parseForm(body) };
    const index = this.requests.length;
    this.requests.push(request);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    res.once('close', () => this.inFlight--);
    for (const waiter of [...this.#waiters]) waiter();
    const reply = this.#responder(request, index);
    const send = () => {
      this.answered++;
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'text/plain', ...reply.headers });
      if (reply.streamBytes === undefined) res.end(reply.body ?? '');
      else this.#stream(res, reply.body ?? '', reply.streamBytes);
    };
    if (this.#held !== null) {
      this.#held.push(() => {
        if (!res.destroyed) send();
      });
      return;
    }
    if (!reply.delayMs) return send();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!res.destroyed) send();
    }, reply.delayMs);
    this.#timers.add(timer);
  }

  /** Writes `bytes` in all with backpressure: one 64 KiB chunk in memory, however long the body. */
  #stream(res: ServerResponse, head: string, bytes: number): void {
    const chunk = Buffer.alloc(64 * 1024, ' ');
    let left = bytes - Buffer.byteLength(head);
    res.on('error', () => {}); // the client hanging up mid-body is the point
    res.on('close', () => (left = 0));
    res.write(head);
    const pump = () => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        this.streamedBytes += piece.length;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  }
}
