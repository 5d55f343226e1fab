// X-Twilio-Signature, as Twilio computes it and its validators check it (clients-on-the-wire §7):
// base64(HMAC-SHA1(auth token, url + each param name followed by its values, names sorted)).

import { createHmac, timingSafeEqual } from 'node:crypto';

export type FormParams = Record<string, string | string[]>;

export function signRequest(authToken: string, url: string, params: FormParams): string {
  let message = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    // A repeated parameter contributes each distinct value once, in sorted order.
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const v of values) message += name + v;
  }
  return createHmac('sha1', authToken).update(Buffer.from(message, 'utf8')).digest('base64');
}

/** Checks a signature Twilio sent us, accepting the URL with or without its default port. */
export function signatureMatches(authToken: string, signature: string | undefined, url: string, params: FormParams): boolean {
  if (signature === undefined || signature === '') return false;
  const given = Buffer.from(signature);
  return urlVariants(url).some((candidate) => {
    const expected = Buffer.from(signRequest(authToken, candidate, params));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

/** The URL as given, and with its default port both left out and written out. */
function urlVariants(url: string): string[] {
  const parsed = new URL(url);
  if (parsed.port !== '') return [url]; // a non-default port: only one way to write it
  const rest = `${parsed.pathname}${parsed.search}`;
  const defaultPort = parsed.protocol === 'https:' ? 443 : 80;
  return [url, `${parsed.protocol}//${parsed.hostname}${rest}`, `${parsed.protocol}//${parsed.hostname}:${defaultPort}${rest}`];
}
