// The callback log over HTTP (callback-log.routes.ts): filters and the record's shape.

import { Type } from '@sinclair/typebox';
import { EnumParam, ListEnvelope, Nullable, NullableDate, NullableString, PagingQuery, PlainString } from '../http/schema-kit.js';
import { CALLBACK_KINDS, CALLBACK_STATUSES } from './callback-log.model.js';

/** The form fields sent: a name to a value, or to its values when repeated (MediaUrls). */
const Payload = Type.Unsafe<Record<string, string | string[]>>({
  type: 'object',
  additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
});

export const CallbackResource = Type.Object({
  sid: PlainString,
  account_sid: PlainString,
  kind: Type.String(),
  /** The URL called, user info (`user:password@`) shown as `***`. */
  url: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  response_status: Nullable(Type.Integer()),
  error: NullableString,
  /** What an intercept or out-of-session call decided; null for status callbacks. */
  outcome: NullableString,
  next_attempt_at: NullableDate,
  date_created: PlainString,
  date_updated: PlainString,
  payload: Payload,
  replayable: Type.Boolean(),
});

export const CallbackList = ListEnvelope('callbacks', CallbackResource);

export const ListCallbacksQuery = Type.Object({
  ...PagingQuery.properties,
  Kind: Type.Optional(EnumParam('Kind', CALLBACK_KINDS)),
  Status: Type.Optional(EnumParam('Status', CALLBACK_STATUSES)),
});

export const CallbackParams = Type.Object({ Sid: Type.String({ maxLength: 64 }) });
