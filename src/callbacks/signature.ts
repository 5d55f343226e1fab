// X-Twilio-Signature, as Twilio computes it and its validators check it (clients-on-the-wire §7):
// base64(HMAC-SHA1(auth token, url + each param name followed by its values, names sorted)).
// SignalWire signs its Compatibility webhooks the same way but for repeated parameters
// (carriers/signalwire/signalwire.api.ts): `lists` says which.

import { createHmac, timingSafeEqual } from 'node:crypto';

export type FormParams = Record<string, string | string[]>;

/**
 * How a repeated parameter enters the signed text: `distinct-sorted` (twilio-node's
 * validateRequest: each distinct value once, sorted) or `as-sent` (SignalWire: every value, in
 * the order sent).
 */
export type ListEncoding = 'distinct-sorted' | 'as-sent';

export function signRequest(authToken: string, url: string, params: FormParams, lists: ListEncoding = 'distinct-sorted'): string {
  let message = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    const values = !Array.isArray(value) ? [value] : lists === 'as-sent' ? value : [...new Set(value)].sort();
    for (const v of values) message += name + v;
  }
  return createHmac('sha1', authToken).update(Buffer.from(message, 'utf8')).digest('base64');
}

/** Checks a signature the carrier sent us, accepting the URL with or without its default port. */
export function signatureMatches(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: FormParams,
  lists: ListEncoding = 'distinct-sorted',
): boolean {
  if (signature === undefined || signature === '') return false;
  const given = Buffer.from(signature);
  return urlVariants(url).some((candidate) => {
    const expected = Buffer.from(signRequest(authToken, candidate, params, lists));
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
