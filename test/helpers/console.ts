// The web console (/console) as a browser without JavaScript would use it: plain fetch, no
// redirects followed, the session cookie carried by hand, and every form sent with the CSRF token
// the pages carry (<input type="hidden" name="_csrf" value="…">).

import assert from 'node:assert/strict';
import type { Credentials } from './accounts.js';
import { formEncode } from './http-client.js';
import type { Form } from './http-client.js';

export interface ConsolePage {
  status: number;
  headers: Headers;
  text: string;
  /** The Location header, for a redirect. */
  location: string | null;
}

/** The CSRF token in a page's forms. */
export function csrfOf(markup: string): string {
  const match = /<input type="hidden" name="_csrf" value="([^"]+)"/.exec(markup);
  return match?.[1] ?? assert.fail(`no CSRF token in the page: ${markup.slice(0, 300)}`);
}

/** The session cookie a Set-Cookie header sets (name=value), or null. */
export function cookieOf(headers: Headers): string | null {
  return /^(parley_console=[^;]*)/.exec(headers.get('set-cookie') ?? '')?.[1] ?? null;
}

export class ConsoleClient {
  constructor(
    readonly baseUrl: string,
    /** `parley_console=…`, or null when signed out. */
    readonly cookie: string | null = null,
    /** The session's CSRF token, sent in every form unless the form names `_csrf` itself. */
    readonly csrf: string | null = null,
  ) {}

  /** Signs in through the form (303, or the test fails) and reads the CSRF token off the landing page. */
  static async signIn(baseUrl: string, credentials: Credentials): Promise<ConsoleClient> {
    const anonymous = new ConsoleClient(baseUrl);
    const signed = await anonymous.post('/console/sign-in', { username: credentials.username, password: credentials.password });
    assert.equal(signed.status, 303, signed.text);
    const cookie = cookieOf(signed.headers) ?? assert.fail('no session cookie');
    const landing = await new ConsoleClient(baseUrl, cookie).get('/console/services');
    assert.equal(landing.status, 200, landing.text);
    return new ConsoleClient(baseUrl, cookie, csrfOf(landing.text));
  }

  get(path: string, headers: Record<string, string> = {}): Promise<ConsolePage> {
    return this.request('GET', path, undefined, headers);
  }

  post(path: string, form: Form = {}, headers: Record<string, string> = {}): Promise<ConsolePage> {
    return this.request('POST', path, { _csrf: this.csrf ?? undefined, ...form }, headers);
  }

  async request(method: string, path: string, form?: Form, extra: Record<string, string> = {}): Promise<ConsolePage> {
    const headers: Record<string, string> = { ...extra };
    if (this.cookie !== null) headers.cookie = this.cookie;
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: form === undefined ? undefined : formEncode(form),
      redirect: 'manual',
    });
    return { status: response.status, headers: response.headers, text: await response.text(), location: response.headers.get('location') };
  }
}

/** Asserts a 303 to this location (a path, or a pattern). */
export function assertSeeOther(page: ConsolePage, location: string | RegExp): void {
  assert.equal(page.status, 303, `expected a 303, got ${page.status}: ${page.text.slice(0, 300)}`);
  if (typeof location === 'string') assert.equal(page.location, location);
  else assert.match(page.location ?? '', location);
}

/** Asserts an error page: this status, HTML (never the API's JSON), and its message; returns the message. */
export function assertErrorPage(page: ConsolePage, status: number): string {
  assert.equal(page.status, status, `expected ${status}, got ${page.status}: ${page.text.slice(0, 500)}`);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  return /role="alert"><p>([^<]*)<\/p>/.exec(page.text)?.[1] ?? assert.fail(`no error message on the page: ${page.text}`);
}

/** Whether the client's cookie still opens a page (200), or sends it to the sign-in page (303). */
export async function isSignedIn(client: ConsoleClient): Promise<boolean> {
  const page = await client.get('/console/services');
  if (page.status === 200) return true;
  assertSeeOther(page, /^\/console\/sign-in\?next=/);
  return false;
}
