// Phone numbers are parsed with libphonenumber-js (its full metadata), never with our own tables.
// How strict a number must be is the operator's choice (PARLEY_NUMBER_CHECK, config.ts): `valid`
// wants a number in an assigned range, as Twilio does (so fictional ranges such as +1 555 are
// refused); `possible` takes any number of a possible length for its country code (the default
// with the simulator, whose numbers are fictional anyway). Where a number is only looked up (a
// handset, a webhook's From, a pin, an erasure) it is parsed as `possible`: a lookup finds whatever
// was accepted, and finds nothing for the rest.

import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { NumberCheck } from '../config.js';
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

interface Parsed {
  number: PhoneNumber;
  valid: boolean;
}

// Validating against the full metadata costs tens of microseconds, and the same participants come
// back again and again: remember recent answers (bounded; cleared when full).
const CACHE_SIZE = 10_000;
const recent = new Map<string, Parsed | null>();

/** Null unless `text` is a complete international number (E.164, separators allowed) that passes `check`. */
export function parsePhoneNumber(text: string, check: NumberCheck): PhoneNumber | null {
  let parsed = recent.get(text);
  if (parsed === undefined) {
    parsed = parse(text);
    if (parsed !== null) Object.freeze(parsed.number);
    if (recent.size >= CACHE_SIZE) recent.clear();
    recent.set(text, parsed);
  }
  return parsed !== null && (parsed.valid || check === 'possible') ? parsed.number : null;
}

function parse(text: string): Parsed | null {
  if (!text.startsWith('+') || text.length > 32) return null;
  const parsed = parsePhoneNumberFromString(text);
  if (parsed === undefined || !parsed.isPossible()) return null;
  // A number outside every assigned range has no country of its own: it gets its calling code's
  // main country (listed first: US for +1, GB for +44). Non-geographic codes (+800, +882) have none.
  const country = parsed.country ?? parsed.getPossibleCountries()[0];
  if (country === undefined) return null;
  return {
    number: {
      e164: parsed.number,
      country,
      areaCode: parsed.countryCallingCode === '1' ? parsed.nationalNumber.slice(0, 3) : null,
      national: parsed.formatNational(),
    },
    valid: parsed.country !== undefined && parsed.isValid(),
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
export function parseIdentifier(identifier: string, check: NumberCheck): PhoneNumber {
  const number = parsePhoneNumber(identifier, check);
  if (number === null) {
    throw new ApiError(80404, { detail: `The identifier given was '${identifier}'.` });
  }
  return number;
}
