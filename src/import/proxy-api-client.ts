// Reads Twilio's Proxy v1 API (or anything that speaks it: another Parley) for the importer. Its
// own ~100 lines rather than the `twilio` package, which is a devDependency only: an installed
// Parley carries no runtime dependency for a command run once per migration, and the importer
// needs just GET, Basic auth and `meta.next_page_url`. Every request goes through the bounded
// outgoing client (src/outbound/: one deadline, at most MAX_ANSWER_BYTES, no redirects); 429, 5xx
// and network failures are retried a bounded number of times with backoff (the sleep is injected,
// so tests do not wait); paging that loops or leaves the source's host is refused, so a broken or
// hostile source can neither hang the import nor receive the credentials elsewhere.

import { OutboundClient, OutboundError } from '../outbound/outbound-client.js';
import type { OutboundAnswer } from '../outbound/outbound-client.js';
import { GoneError, SourceError } from './import-errors.js';

export type Sleep = (ms: number) => Promise<void>;
export type Json = Record<string, unknown>;

export interface ProxySource {
  /** The API's base, e.g. https://proxy.twilio.com. */
  baseUrl: string;
  accountSid: string;
  authToken: string;
}

export interface ClientOptions {
  sleep?: Sleep;
  http?: OutboundClient;
  timeoutMs?: number;
  attempts?: number;
}

/** A page of 1000 sessions is ~1 MB; one of interactions with long bodies a few. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
export const PAGE_SIZE = 1000;
const RETRY_BASE_MS = 1000;

export class ProxyApiClient {
  readonly #base: URL;
  readonly #authorization: string;
  readonly #http: OutboundClient;
  readonly #sleep: Sleep;
  readonly #timeoutMs: number;
  readonly #attempts: number;

  constructor(source: ProxySource, options: ClientOptions = {}) {
    this.#base = new URL(source.baseUrl);
    this.#authorization = 'Basic ' + Buffer.from(`${source.accountSid}:${source.authToken}`).toString('base64');
    this.#http = options.http ?? new OutboundClient({ maxResponseBytes: MAX_ANSWER_BYTES, refusePrivate: false });
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#attempts = options.attempts ?? 5;
  }

  /** One resource (`/v1/Services/KS…`); undefined when the source answers 404. */
  async fetch(path: string): Promise<Json | undefined> {
    const { status, body } = await this.#get(this.#url(path));
    return status === 404 ? undefined : body;
  }

  /** The list at `path`, a page at a time, following meta.next_page_url. */
  async *pages(path: string, key: string): AsyncGenerator<Json[]> {
    const seen = new Set<string>();
    let url: string | null = this.#url(`${path}?PageSize=${PAGE_SIZE}`);
    while (url !== null) {
      seen.add(url);
      const { status, body } = await this.#get(url);
      if (status === 404) throw new GoneError(`GET ${pathOf(url)} answered HTTP 404${detail(body)}`);
      const items = body[key];
      if (!Array.isArray(items) || !items.every(isObject)) throw new SourceError(`GET ${pathOf(url)} answered without a "${key}" list`);
      yield items;
      url = this.#next(body, url, seen, items.length);
    }
  }

  #next(body: Json, current: string, seen: Set<string>, count: number): string | null {
    const next = isObject(body.meta) ? body.meta.next_page_url : undefined;
    if (next === null || next === undefined || next === '' || count === 0) return null;
    if (typeof next !== 'string') throw new SourceError(`GET ${pathOf(current)} answered a next_page_url that is not a URL`);
    let url: URL;
    try {
      url = new URL(next, this.#base);
    } catch {
      throw new SourceError(`GET ${pathOf(current)} answered a next_page_url that is not a URL`);
    }
    // The credentials go to the source's own host only.
    if (url.origin !== this.#base.origin) throw new SourceError(`GET ${pathOf(current)} sent paging to another host (${url.origin})`);
    if (seen.has(url.href)) throw new SourceError(`GET ${pathOf(current)} sent paging round in a loop`);
    return url.href;
  }

  /** A 2xx or 404 with a JSON object; anything else after the retries is a SourceError. */
  async #get(url: string): Promise<{ status: number; body: Json }> {
    for (let attempt = 1; ; attempt++) {
      let answer: OutboundAnswer | undefined;
      let failure: string;
      try {
        answer = await this.#http.get(url, {
          headers: { authorization: this.#authorization, accept: 'application/json' },
          timeoutMs: this.#timeoutMs,
        });
        failure = `answered HTTP ${answer.status}`;
      } catch (err) {
        failure = err instanceof OutboundError ? `failed: ${err.reason}` : `failed: ${String(err)}`;
      }
      if (answer !== undefined && answer.status !== 429 && answer.status < 500) return judge(url, answer);
      if (attempt >= this.#attempts)
        throw new SourceError(`GET ${pathOf(url)} ${failure}${detail(parse(answer?.body))}; gave up after ${attempt} attempts`);
      await this.#sleep(RETRY_BASE_MS * 2 ** (attempt - 1));
    }
  }

  #url(path: string): string {
    return new URL(this.#base.pathname.replace(/\/$/, '') + path, this.#base).href;
  }
}

function judge(url: string, answer: OutboundAnswer): { status: number; body: Json } {
  const body = parse(answer.body);
  if (answer.status === 401 || answer.status === 403) {
    throw new SourceError(
      `the source refused the credentials (HTTP ${answer.status}${detail(body, ', ')}): check --account-sid and --auth-token`,
    );
  }
  if (answer.status === 404) return { status: 404, body: body ?? {} };
  if (answer.status < 200 || answer.status > 299) throw new SourceError(`GET ${pathOf(url)} answered HTTP ${answer.status}${detail(body)}`);
  if (body === undefined) throw new SourceError(`GET ${pathOf(url)} answered something that is not a JSON object`);
  return { status: answer.status, body };
}

function parse(text: string | undefined): Json | undefined {
  try {
    const value: unknown = text === undefined ? undefined : JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A Twilio error's code and message, if the body is one: cut short and printable (the source may be hostile). */
function detail(body: Json | undefined, joiner?: string): string {
  if (body === undefined) return '';
  const code = typeof body.code === 'number' ? `code ${body.code}` : '';
  const message = typeof body.message === 'string' ? body.message.replace(/[^\x20-\x7e]/g, '?').slice(0, 200) : '';
  const both = [code, message].filter((part) => part !== '').join(': ');
  if (both === '') return '';
  return joiner === undefined ? ` (${both})` : `${joiner}${both}`;
}

function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
