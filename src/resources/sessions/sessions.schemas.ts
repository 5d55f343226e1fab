import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import {
  DateTimeParam,
  EnumParam,
  IntegerParam,
  ListEnvelope,
  NullableDate,
  NullableString,
  PlainString,
  RepeatedParam,
  TextParam,
} from '../../http/schema-kit.js';
import { SESSION_STATUSES, SESSION_MODES } from './sessions.model.js';

export const SESSION_UNIQUE_NAME_MAX = 191;

export const CreateSessionBody = Type.Object({
  UniqueName: Type.Optional(TextParam('UniqueName', SESSION_UNIQUE_NAME_MAX)),
  DateExpiry: Type.Optional(DateTimeParam('DateExpiry')),
  Ttl: Type.Optional(IntegerParam('Ttl')),
  Mode: Type.Optional(EnumParam('Mode', SESSION_MODES)),
  Status: Type.Optional(EnumParam('Status', SESSION_STATUSES)),
  // Each element is a JSON object string (both official clients JSON-encode every participant).
  Participants: Type.Optional(RepeatedParam(TextParam('Participants', 4000))),
});
export type CreateSessionBody = Static<typeof CreateSessionBody>;

export const UpdateSessionBody = Type.Object({
  DateExpiry: Type.Optional(DateTimeParam('DateExpiry')),
  Ttl: Type.Optional(IntegerParam('Ttl')),
  Status: Type.Optional(EnumParam('Status', SESSION_STATUSES)),
});
export type UpdateSessionBody = Static<typeof UpdateSessionBody>;

/** FetchSession takes a SID or a unique name; update and delete take a SID only. */
export const SessionParams = Type.Object({
  ServiceSid: Type.String({ maxLength: 64 }),
  Sid: Type.String({ maxLength: 2000 }),
});

export const SessionResource = Type.Object({
  sid: PlainString,
  service_sid: PlainString,
  account_sid: PlainString,
  date_started: NullableDate,
  date_ended: NullableDate,
  date_last_interaction: NullableDate,
  date_expiry: NullableDate,
  unique_name: NullableString,
  status: Type.String(),
  closed_reason: NullableString,
  ttl: Type.Integer(),
  mode: Type.String(),
  date_created: NullableDate,
  date_updated: NullableDate,
  url: PlainString,
  links: Type.Object({ interactions: PlainString, participants: PlainString }),
});
export type SessionResource = Static<typeof SessionResource>;

export const SessionList = ListEnvelope('sessions', SessionResource);
