// TypeBox building blocks shared by every resource: request parameters (always strings on the
// wire, converted by the service layer) and response fields (nullable as in Twilio's spec).

import type { TSchema, TString, Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';

/**
 * `x-hint` is our own annotation keyword: the error handler turns it into the message of a
 * 400 that names the parameter, e.g. "'Ttl' is invalid. Ttl must be a non-negative integer".
 */
export const HINT_KEYWORD = 'x-hint';

// ---- request parameters -------------------------------------------------------------------

/** A decimal integer string; empty means "not given". Range checks happen in the service. */
export function IntegerParam(name: string) {
  return Type.String({ pattern: '^[0-9]{0,10}$', [HINT_KEYWORD]: `${name} must be a non-negative integer` });
}

export function BooleanParam(name: string) {
  return Type.String({ pattern: '^(true|false|True|False)?$', [HINT_KEYWORD]: `${name} must be true or false` });
}

export function DateTimeParam(name: string) {
  return Type.String({
    format: 'parley-date-time',
    maxLength: 64,
    [HINT_KEYWORD]: `${name} must be an ISO 8601 date-time such as 2030-01-02T03:04:05Z`,
  });
}

/** An absolute http(s) URL of at most 4000 characters (Twilio's limit for callback URLs). */
export function UrlParam(name: string) {
  return Type.String({
    format: 'parley-url',
    maxLength: 4000,
    [HINT_KEYWORD]: `${name} must be an absolute http or https URL of at most 4000 characters`,
  });
}

export function TextParam(name: string, maxLength: number) {
  return Type.String({ maxLength, [HINT_KEYWORD]: `${name} must be at most ${maxLength} characters` });
}

export function SidParam(name: string, prefix: string) {
  return Type.String({
    pattern: `^(${prefix}[0-9a-fA-F]{32})?$`,
    [HINT_KEYWORD]: `${name} must be a SID: ${prefix} followed by 32 hex digits`,
  });
}

/** One of a fixed set of strings; `enum` (not a union) keeps the validation error readable. */
export function EnumParam<T extends string>(name: string, values: readonly T[]) {
  return Type.Unsafe<T>({
    type: 'string',
    enum: [...values],
    [HINT_KEYWORD]: `${name} must be one of: ${values.join(', ')}`,
  });
}

/** The same parameter given more than once arrives as an array. */
export function RepeatedParam<T extends TSchema>(item: T) {
  return Type.Array(item, { maxItems: 100 });
}

export const PagingQuery = Type.Object({
  PageSize: Type.Optional(IntegerParam('PageSize')),
  Page: Type.Optional(IntegerParam('Page')),
  PageToken: Type.Optional(TextParam('PageToken', 400)),
});

// ---- response fields ----------------------------------------------------------------------

/** `type: [T, "null"]` rather than anyOf, which fast-json-stringify serialises much faster. */
export function Nullable<T extends TString | ReturnType<typeof Type.Integer> | ReturnType<typeof Type.Boolean>>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
}

/**
 * A string Parley composes itself from characters JSON never escapes: SIDs, dates from formatDate,
 * URLs built from the base URL (http/public-url.ts: a checked host, or the configured URL as
 * `URL` serialises it) and SIDs. fast-json-stringify writes it as it is (its `unsafe` format),
 * without the character-by-character escaping check that took ~10% of a page of sessions. Never
 * for text a client sent.
 */
export const PlainString = Type.String({ format: 'unsafe' });

export const NullableString = Nullable(Type.String());
/** Dates are formatDate's, so plain (see PlainString). */
export const NullableDate = Nullable(PlainString);

export function NullableEnum<T extends string>(values: readonly T[]) {
  return Type.Unsafe<T | null>({ type: ['string', 'null'], enum: [...values, null] });
}

export function ListEnvelope<T extends TSchema>(key: string, item: T) {
  return Type.Object({
    [key]: Type.Array(item),
    meta: Type.Object({
      first_page_url: Type.String(),
      key: Type.String(),
      next_page_url: NullableString,
      page: Type.Integer(),
      page_size: Type.Integer(),
      previous_page_url: NullableString,
      url: Type.String(),
    }),
  });
}
