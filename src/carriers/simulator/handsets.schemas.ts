// The simulator's handset routes' parameters and answers (handsets.routes.ts).

import { Type } from '@sinclair/typebox';
import { EnumParam, Nullable, NullableString, PagingQuery, RepeatedParam, TextParam, UrlParam } from '../../http/schema-kit.js';
import { CALL_ENDINGS } from './handsets.model.js';

export const MessageResource = Type.Object({
  sid: Type.String(),
  from: Type.String(),
  to: Type.String(),
  body: Type.String(),
  media_urls: Type.Array(Type.String()),
  direction: Type.String(),
  status: Type.String(),
  interaction_sid: NullableString,
  session_sid: NullableString,
  /** The carrier error code of a message a fault on demand kept from its handset. */
  error_code: Nullable(Type.Integer()),
  date_created: Type.String(),
});

const Bridge = Type.Unsafe<{ from: string; to: string } | null>({
  type: ['object', 'null'],
  properties: { from: { type: 'string' }, to: { type: 'string' } },
});

export const CallResource = Type.Object({
  sid: Type.String(),
  from: Type.String(),
  to: Type.String(),
  status: Type.String(),
  bridged_to: Bridge,
  interaction_sid: NullableString,
  session_sid: NullableString,
  date_created: Type.String(),
  date_updated: Type.String(),
});

export const SendMessageBody = Type.Object({
  From: TextParam('From', 32),
  To: TextParam('To', 32),
  Body: Type.Optional(TextParam('Body', 1600)),
  MediaUrl: Type.Optional(RepeatedParam(UrlParam('MediaUrl'))),
});

export const ListMessagesQuery = Type.Object({
  ...PagingQuery.properties,
  To: Type.Optional(TextParam('To', 32)),
  From: Type.Optional(TextParam('From', 32)),
});
export const PlaceCallBody = Type.Object({ From: TextParam('From', 32), To: TextParam('To', 32) });
export const EndCallBody = Type.Object({ Status: EnumParam('Status', CALL_ENDINGS) });
export const CallParams = Type.Object({ CallSid: Type.String({ maxLength: 64 }) });
