// The one way Parley calls out over HTTP: callbacks, intercept, out-of-session, the carrier's REST
// API (POST), the carriers' resources and the reads of `parley import twilio-proxy` (GET). Every
// call is bounded: one deadline for the whole exchange, and at most maxResponseBytes of answer
// (read as it streams; past the limit the connection is destroyed), so receivers that answer
// slowly or endlessly cost a socket and a few kilobytes each, never the server's memory.
// Redirects are never followed (a 3xx is just the answer). `user:password@` in the URL becomes an
// Authorization: Basic header and leaves the request target. Errors name the URL redacted.

import { lookup as dnsLookup } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkLiteral, guardedLookup, literalAddress } from './address-policy.js';
import { redactUrl } from './redact-url.js';

export interface OutboundOptions {
  maxResponseBytes: number;
  /** Refuse private, loopback, link-local and metadata addresses (account-set URLs). */
  refusePrivate: boolean;
  /** DNS for host names; node:dns lookup by default (tests inject their own). */
  lookup?: LookupFunction;
}

export interface OutboundGet {
  headers: OutgoingHttpHeaders;
  timeoutMs: number;
}

export interface OutboundPost extends OutboundGet {
  body: string;
}

export interface OutboundAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** A call that got no usable answer; `reason` says why without the URL, `message` names it redacted. */
export class OutboundError extends Error {
  constructor(
    url: string,
    readonly reason: string,
    method = 'POST',
  ) {
    super(`${method} ${redactUrl(url)} failed: ${reason}`);
    this.name = 'OutboundError';
  }
}

const AGENT_OPTIONS = { keepAlive: true, maxFreeSockets: 16, timeout: 30_000 };

export class OutboundClient {
  readonly #lookup: LookupFunction;
  // Agents of its own: a connection the carrier client opened unchecked is never lent to a
  // checked call to the same host.
  // Bounded: idle connections kept are few and time out, so receivers cannot pile up sockets.
  readonly #http = new HttpAgent(AGENT_OPTIONS);
  readonly #https = new HttpsAgent(AGENT_OPTIONS);

  constructor(private readonly options: OutboundOptions) {
    const lookup = options.lookup ?? (dnsLookup as LookupFunction);
    this.#lookup = options.refusePrivate ? guardedLookup(lookup) : lookup;
  }

  post(url: string, { headers, body, timeoutMs }: OutboundPost): Promise<OutboundAnswer> {
    return this.#call('POST', url, { ...headers, 'content-length': Buffer.byteLength(body) }, body, timeoutMs);
  }

  /** The same bounds as post(): one deadline, at most maxResponseBytes, no redirects followed. */
  get(url: string, { headers, timeoutMs }: OutboundGet): Promise<OutboundAnswer> {
    return this.#call('GET', url, headers, '', timeoutMs);
  }

  async #call(method: 'GET' | 'POST', url: string, headers: OutgoingHttpHeaders, body: string, timeoutMs: number): Promise<OutboundAnswer> {
    try {
      const target = new URL(url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error('not an http(s) URL');
      if (this.options.refusePrivate) checkLiteral(target);
      return await this.#exchange(method, target, { ...credentials(target), ...headers }, body, timeoutMs);
    } catch (err) {
      // Only the message travels on: Node's errors may carry the URL it was given, credentials and all.
      throw new OutboundError(url, reasonOf(err), method);
    }
  }

  #exchange(method: string, target: URL, headers: OutgoingHttpHeaders, body: string, timeoutMs: number): Promise<OutboundAnswer> {
    const https = target.protocol === 'https:';
    const limit = this.options.maxResponseBytes;
    return new Promise((resolve, reject) => {
      const request = (https ? httpsRequest : httpRequest)(
        {
          protocol: target.protocol,
          hostname: literalAddress(target) ?? target.hostname,
          port: target.port === '' ? undefined : Number(target.port),
          path: `${target.pathname}${target.search}`,
          method,
          headers,
          agent: https ? this.#https : this.#http,
          lookup: this.#lookup,
        },
        (response) => read(response, limit, finish),
      );
      const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      let settled = false;
      function finish(outcome: Error | OutboundAnswer): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!(outcome instanceof Error)) return resolve(outcome);
        request.destroy(); // the socket goes too: nothing more is read or kept
        reject(outcome);
      }
      request.on('error', finish);
      request.end(body);
    });
  }
}

/** Reads at most `limit` bytes of the answer; a larger one is an error (announced or not). */
function read(response: IncomingMessage, limit: number, finish: (outcome: Error | OutboundAnswer) => void): void {
  const tooLarge = () => finish(new Error(`answer larger than ${limit} bytes`));
  if (Number(response.headers['content-length'] ?? 0) > limit) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) return tooLarge();
    chunks.push(chunk);
  });
  response.on('error', finish);
  response.on('end', () =>
    finish({
      status: response.statusCode ?? 0,
      contentType: response.headers['content-type'] ?? '',
      body: Buffer.concat(chunks).toString('utf8'),
    }),
  );
}

/** An error's message; Node's connect to several addresses at once fails with an empty-message AggregateError. */
function reasonOf(err: unknown): string {
  if (err instanceof AggregateError && err.message === '') return err.errors.map(reasonOf).join('; ');
  return err instanceof Error ? err.message || String((err as NodeJS.ErrnoException).code ?? err.name) : String(err);
}

/** `user:password@` as the Basic credentials the receiver asked for (percent-decoded), if any. */
function credentials(target: URL): OutgoingHttpHeaders {
  if (target.username === '' && target.password === '') return {};
  const pair = `${decode(target.username)}:${decode(target.password)}`;
  return { authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a stray % is meant literally
  }
}
