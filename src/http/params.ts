// Converting validated form strings into domain values. Schemas have already checked the
// shape (digits, URL, date); these apply ranges and the "empty means null" rule.

import { invalidParameter } from '../errors/api-error.js';
import { parseDateTime } from '../common/dates.js';

/** Twilio's upper bound for Ttl-like values: 0 <= value < 2^31 - 1. */
export const MAX_TTL = 2_147_483_646;

/** undefined stays undefined (not given); '' becomes null (cleared); text stays text. */
export function optionalText(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  return value === '' ? null : value;
}

/** A non-negative integer within `max`; '' counts as not given. */
export function optionalInteger(name: string, value: string | undefined, max = MAX_TTL): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0 || number > max) {
    throw invalidParameter(name, `${name} must be an integer from 0 to ${max}`);
  }
  return number;
}

/** `true`/`false` (any case, as both clients send them); '' counts as not given. */
export function optionalBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return value.toLowerCase() === 'true';
}

/** A date-time as milliseconds; '' becomes null (cleared). */
export function optionalDateTime(name: string, value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === '') return null;
  const ms = parseDateTime(value);
  if (ms === null) throw invalidParameter(name, `${name} must be an ISO 8601 date-time such as 2030-01-02T03:04:05Z`);
  return ms;
}
