// Reading one record of the source's JSON, which may be anything: every field is checked for the
// type the API gives it (the spec makes every field nullable, so null is always allowed), and a
// field of the wrong type refuses the record (Unmappable) rather than writing a wrong value.

import { parseDateTime } from '../common/dates.js';
import { isSid } from '../common/sids.js';
import { Unmappable } from './import-errors.js';
import { isObject } from './proxy-api-client.js';
import type { Json } from './proxy-api-client.js';

export class RecordFields {
  constructor(private readonly record: Json) {}

  /** The record's SID, if it has one of this prefix (for naming it in a refusal even when it is broken). */
  static sidOf(record: Json, prefix: string): string {
    const sid = record.sid;
    return typeof sid === 'string' && isSid(prefix, sid) ? sid : `${prefix}? (a record without a valid sid)`;
  }

  text(name: string): string | null {
    const value = this.record[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw new Unmappable(`its ${name} is not a string`);
    if (value.includes('\u0000')) throw new Unmappable(`its ${name} holds a NUL character`);
    return value;
  }

  required(name: string): string {
    const value = this.text(name);
    if (value === null || value === '') throw new Unmappable(`it has no ${name}`);
    return value;
  }

  sid(name: string, prefix: string): string {
    const value = this.required(name);
    if (!isSid(prefix, value)) throw new Unmappable(`its ${name} is not a ${prefix} SID`);
    return value;
  }

  optionalSid(name: string, prefix: string): string | null {
    return this.text(name) === null ? null : this.sid(name, prefix);
  }

  /** One of `allowed`, or `fallback` when the field is null or absent. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
    const value = this.text(name);
    if (value === null && fallback !== undefined) return fallback;
    if (value === null || !(allowed as readonly string[]).includes(value)) {
      throw new Unmappable(`its ${name} is ${value === null ? 'missing' : `"${value.slice(0, 40)}"`}, not one of ${allowed.join(', ')}`);
    }
    return value as T;
  }

  /** A non-negative whole number (seconds), `fallback` when null or absent. */
  count(name: string, fallback: number): number {
    const value = this.record[name];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Unmappable(`its ${name} is not a whole number`);
    return value;
  }

  flag(name: string): boolean | null {
    const value = this.record[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'boolean') throw new Unmappable(`its ${name} is not true or false`);
    return value;
  }

  /** An ISO 8601 date-time (Twilio's `2015-07-30T20:00:00Z`) as milliseconds, or null. */
  date(name: string): number | null {
    const value = this.text(name);
    if (value === null) return null;
    const ms = parseDateTime(value);
    if (ms === null) throw new Unmappable(`its ${name} is not a date`);
    return ms;
  }

  requiredDate(name: string): number {
    const value = this.date(name);
    if (value === null) throw new Unmappable(`it has no ${name}`);
    return value;
  }

  object(name: string): Json | null {
    const value = this.record[name];
    if (value === undefined || value === null) return null;
    if (!isObject(value)) throw new Unmappable(`its ${name} is not an object`);
    return value;
  }
}
