// Text for the fuzz generators: `{{name}}` tokens for the baseline's real values (resolved, and
// mangled, when a request is sent), percent- and form-encoding as the Twilio clients do, and the
// basic arbitraries (SIDs, printable and unicode strings, traversals, broken escapes, long strings).

import fc from 'fast-check';
import type { Baseline, RealRef } from './state.js';

/** How a real value is damaged before use. `pct` percent-encodes every character (decodes back to it). */
export const MANGLES = ['upper', 'lower', 'truncate', 'extend', 'pct', 'pct2', 'space', 'nul'] as const;
type Mangle = (typeof MANGLES)[number];

function mangle(value: string, how: Mangle | undefined): string {
  switch (how) {
    case undefined:
      return value;
    case 'upper':
      return value.toUpperCase();
    case 'lower':
      return value.toLowerCase();
    case 'truncate':
      return value.slice(0, -1);
    case 'extend':
      return value + '0';
    case 'pct':
      return pctEncodeAll(value);
    case 'pct2':
      return pctEncodeAll(value).replace(/%/g, '%25');
    case 'space':
      return `${value}%20`;
    case 'nul':
      return `${value}%00`;
  }
}

const TOKEN = /\{\{(\w+)(?:\|(\w+))?\}\}/g;

/** Replaces `{{name}}` / `{{name|mangle}}` with the baseline's current values. */
export function resolveTokens(text: string, baseline: Baseline): string {
  return text.replace(TOKEN, (whole, name: string, how: string | undefined) => {
    const value = (baseline as unknown as Record<string, string | undefined>)[name];
    return value === undefined ? whole : mangle(value, how as Mangle | undefined);
  });
}

export const token = (name: RealRef, how?: Mangle) => (how === undefined ? `{{${name}}}` : `{{${name}|${how}}}`);

// ---- encodings --------------------------------------------------------------------------------

const hex = (byte: number) => '%' + byte.toString(16).toUpperCase().padStart(2, '0');

export function pctEncodeAll(text: string): string {
  return [...Buffer.from(text, 'utf8')].map(hex).join('');
}

/** Form encoding as twilio-node sends it (`%20`) or twilio-python (`+`); lone surrogates become U+FFFD. */
export function pctEncode(text: string, plus = false): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      '-_.~'.includes(String.fromCharCode(byte))
    ) {
      out += String.fromCharCode(byte);
    } else if (plus && byte === 0x20) out += '+';
    else out += hex(byte);
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The oracle for "this body is application/x-www-form-urlencoded as Parley documents it": UTF-8,
 * and every percent escape decodes (to UTF-8). Independent of src/: the contract, not the code.
 */
export function isValidFormBody(body: Buffer): boolean {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return false;
  }
  try {
    for (const pair of text.split('&')) for (const part of pair.split('=')) decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return false;
  }
  return true;
}

// ---- basic arbitraries ------------------------------------------------------------------------

const char = (min: number, max: number) => fc.integer({ min, max }).map((code) => String.fromCharCode(code));
export const hexString = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
/** Printable ASCII without space: what a request target may carry without the client refusing it. */
export const printable = (maxLength: number) => fc.string({ unit: char(0x21, 0x7e), maxLength });
export const unicode = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength });

/** A SID of a well-formed shape that cannot exist: `deadbeef` marks it (real SIDs are random). */
export const freshSid = (prefix: string) => hexString(24).map((h) => `${prefix}deadbeef${h}`);
export const randomSid = (prefix: string) => hexString(32).map((h) => prefix + h);

export const TRAVERSALS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2E',
  '%2e',
  '.%2e',
  '%2e.',
  '..%2f..',
  '..%2F..%2Fetc%2Fpasswd',
  '..\\..',
  '%5c..',
  '',
  '%2F',
  '...',
  '..;',
  '%252e%252e',
  '%c0%ae%c0%ae',
  '%uff0e%uff0e',
  '~',
  '*',
  '%20',
] as const;
/** Percent escapes no decoder accepts, and incomplete or overlong UTF-8 behind them. */
export const MALFORMED_ESCAPES = ['%', '%Z', '%ZZ', '%G1', '%E0%A4%A', '%C3%28', '%ED%A0%80', '%FF', '%C0%AF', '%F0%9F%98'] as const;
export const BAD_PERCENT = [...MALFORMED_ESCAPES, '%%', '%2', 'KS%', '%E2%82'] as const;
export const longString = fc
  .tuple(fc.constantFrom(63, 64, 65, 191, 192, 2047, 2048, 2049, 4096, 9000), fc.constantFrom('a', '%41', 'K', '0'))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));
