// Generated headers: Authorization from valid (in every spelling Basic allows) to broken, content
// types from a form to anything, and stray extra headers.

import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { printable } from './text.js';

/** Authorization headers that must not authenticate. */
const BAD = ['none', 'wrong token', 'wrong account', 'bad base64', 'bearer', 'no colon', 'huge', 'empty token', 'latin1'] as const;
export const AUTHS = ['valid', 'valid lowercase scheme', 'valid padded', ...BAD] as const;
export type Auth = (typeof AUTHS)[number];
export const BAD_AUTHS: ReadonlySet<Auth> = new Set(BAD);

export function authHeader(auth: Auth, accountSid: string, token: string): string | undefined {
  const basic = (user: string, pass: string) => 'Basic ' + Buffer.from(`${user}:${pass}`, 'utf8').toString('base64');
  switch (auth) {
    case 'valid':
      return basic(accountSid, token);
    case 'valid lowercase scheme':
      return basic(accountSid, token).replace('Basic', 'basic');
    case 'valid padded':
      return basic(accountSid, token).replace('Basic ', 'Basic   ') + '  ';
    case 'none':
      return undefined;
    case 'wrong token':
      return basic(accountSid, token + 'x');
    case 'wrong account':
      return basic('AC' + 'f'.repeat(32), token);
    case 'bad base64':
      return 'Basic !!!not base64!!!';
    case 'bearer':
      return `Bearer ${token}`;
    case 'no colon':
      return 'Basic ' + Buffer.from(accountSid + token).toString('base64');
    case 'huge':
      return basic(accountSid, token.repeat(200));
    case 'empty token':
      return basic(accountSid, '');
    case 'latin1':
      return 'Basic ' + Buffer.from(`${accountSid}:\xff\xfe`, 'latin1').toString('base64');
  }
}

const FORM_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=UTF-8',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/x-www-form-urlencoded;charset=latin1',
];
const OTHER_TYPES = [
  'application/json',
  'text/plain',
  'text/plain; charset=utf-8',
  'multipart/form-data; boundary=fuzzboundary',
  'application/xml',
  'application/octet-stream',
  '(none)',
  '',
];
const WEIRD_TYPES = [
  'application/x-www-form-urlencoded, application/json',
  'application/x-www-form-urlencodedX',
  'application/x-www-form-urlencoded;;;',
  '*/*',
  ';',
  'application/x-www-form-urlencoded; charset="',
  'application/x-www-form-urlencoded; charset=utf-16',
  'form',
  'application/json; x=application/x-www-form-urlencoded',
];
export type ContentTypeClass = 'form' | 'other' | 'weird';

export function contentTypeClass(contentType: string): ContentTypeClass {
  if (FORM_TYPES.includes(contentType)) return 'form';
  if (OTHER_TYPES.includes(contentType)) return 'other';
  return 'weird';
}

export const contentTypeArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...FORM_TYPES) },
  { weight: 3, arbitrary: fc.constantFrom(...OTHER_TYPES) },
  { weight: 1, arbitrary: fc.constantFrom(...WEIRD_TYPES) },
);

export const extraHeaderArb: Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(
    fc.constant('idempotency-key'),
    fc.oneof(
      printable(20).filter((k) => k !== ''),
      fc.constantFrom('with space', 'k'.repeat(256), '', 'fuzz-1'),
    ),
  ),
  fc.tuple(
    fc.constant('x-forwarded-host'),
    fc.oneof(printable(30), fc.constantFrom('evil.com/"><script>', 'a'.repeat(500), '[::1]:99999', 'x y')),
  ),
  fc.tuple(fc.constant('x-forwarded-proto'), fc.constantFrom('https', 'gopher', 'http, https', '', 'javascript')),
  fc.tuple(fc.constant('accept'), fc.constantFrom('application/xml', 'text/html', '*/*;q=0', 'garbage')),
  fc.tuple(fc.constant('content-encoding'), fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x-unknown')),
  fc.tuple(fc.constant('accept-encoding'), fc.constantFrom('gzip', 'br', '*', 'identity;q=0')),
  fc.tuple(fc.constant('x-http-method-override'), fc.constantFrom('DELETE', 'PUT', 'GET')),
  fc.tuple(fc.constant('cookie'), printable(40)),
);
