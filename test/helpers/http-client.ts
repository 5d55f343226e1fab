// A tiny HTTP client for tests: real requests over the loopback, form bodies as Twilio clients
// send them, and every successful /v1 response checked against the official spec.

import assert from 'node:assert/strict';
import { assertMatchesSpec } from './spec.js';

export type FormValue = string | number | boolean | readonly (string | number)[] | undefined;
export type Form = Record<string, FormValue>;

export interface Response<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** A raw body sent as-is (no form encoding). */
  raw?: string | Buffer;
  auth?: { username: string; password: string } | null;
}

export function formEncode(form: Form): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  return params.toString();
}

export class HttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly auth: { username: string; password: string } | null,
  ) {}

  get<T = any>(path: string, query?: Form, options?: RequestOptions): Promise<Response<T>> {
    const qs = query ? formEncode(query) : '';
    return this.request('GET', qs ? `${path}?${qs}` : path, undefined, options);
  }

  post<T = any>(path: string, form: Form = {}, options?: RequestOptions): Promise<Response<T>> {
    return this.request('POST', path, form, options);
  }

  delete<T = any>(path: string, options?: RequestOptions): Promise<Response<T>> {
    return this.request('DELETE', path, undefined, options);
  }

  async request<T = any>(method: string, path: string, form?: Form, options: RequestOptions = {}): Promise<Response<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const auth = options.auth === undefined ? this.auth : options.auth;
    if (auth) headers.authorization = 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
    let body: string | Buffer | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (form !== undefined) {
      body = formEncode(form);
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = null;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    const pathname = new URL(this.baseUrl + path).pathname;
    if (response.ok && pathname.startsWith('/v1/')) {
      assertMatchesSpec(method, pathname, response.status, parsed, text);
    }
    if (!response.ok) assertTwilioError(response.status, parsed, text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }
}

/** Every error, on every route, has Twilio's shape. */
export function assertTwilioError(status: number, body: unknown, text: string): void {
  assert.equal(typeof body, 'object', `error body is not JSON: ${text}`);
  const error = body as Record<string, unknown>;
  assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'more_info', 'status'], text);
  assert.equal(error.status, status, text);
  assert.equal(typeof error.code, 'number', text);
  assert.equal(typeof error.message, 'string', text);
  assert.equal(error.more_info, `https://www.twilio.com/docs/errors/${String(error.code)}`, text);
}

/** Asserts a Twilio error with this status and code; returns its message for further checks. */
export function expectError(response: Response, status: number, code: number): string {
  assert.equal(response.status, status, `expected ${status}/${code}, got ${response.status}: ${response.text}`);
  assert.equal(response.body.code, code, `expected code ${code}: ${response.text}`);
  return response.body.message as string;
}
