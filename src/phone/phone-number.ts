// Phone numbers are parsed and validated with libphonenumber-js (its full metadata, so fictional
// ranges such as +1 555 are rejected the way Twilio rejects them), never with our own tables.

import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ApiError } from '../errors/api-error.js';

export interface PhoneNumber {
  /** E.164, e.g. +14155551212. */
  e164: string;
  /** ISO 3166 alpha-2 country of the number, e.g. US. */
  country: string;
  /** The three-digit area code of a North American (+1) number; null elsewhere. */
  areaCode: string | null;
  /** National format for display, e.g. (415) 555-1212. */
  national: string;
}

// Validating against the full metadata costs tens of microseconds, and the same participants come
// back again and again: remember recent answers (bounded; cleared when full).
const CACHE_SIZE = 10_000;
const recent = new Map<string, PhoneNumber | null>();

/** Null unless `text` is a valid, complete international number (E.164, separators allowed). */
export function parsePhoneNumber(text: string): PhoneNumber | null {
  let parsed = recent.get(text);
  if (parsed === undefined) {
    parsed = parse(text);
    if (parsed !== null) Object.freeze(parsed);
    if (recent.size >= CACHE_SIZE) recent.clear();
    recent.set(text, parsed);
  }
  return parsed;
}

function parse(text: string): PhoneNumber | null {
  if (!text.startsWith('+') || text.length > 32) return null;
  const parsed = parsePhoneNumberFromString(text);
  if (parsed === undefined || !parsed.isValid() || parsed.country === undefined) return null;
  return {
    e164: parsed.number,
    country: parsed.country,
    areaCode: parsed.countryCallingCode === '1' ? parsed.nationalNumber.slice(0, 3) : null,
    national: parsed.formatNational(),
  };
}

// Places that share a calling code with a larger country and have no numbers of their own in a
// typical pool: Twilio matches them to that country's numbers (behaviour reference §3.4).
const SHARED_CODE_COUNTRY: Record<string, string> = {
  AG: 'US',
  AI: 'US',
  BM: 'US',
  BS: 'US',
  MS: 'US',
  TC: 'US',
  VG: 'US',
  VI: 'US',
  GG: 'GB',
  IM: 'GB',
  JE: 'GB',
};

/** The pool country whose numbers serve a participant from `country`. */
export function poolCountryFor(country: string): string {
  return SHARED_CODE_COUNTRY[country] ?? country;
}

/** A participant's real number, or 80404 (Twilio's "not a valid, reachable phone number"). */
export function parseIdentifier(identifier: string): PhoneNumber {
  const number = parsePhoneNumber(identifier);
  if (number === null) {
    throw new ApiError(80404, { detail: `The identifier given was '${identifier}'.` });
  }
  return number;
}
