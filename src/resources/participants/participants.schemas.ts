import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { ListEnvelope, NullableDate, NullableString, SidParam, TextParam } from '../../http/schema-kit.js';

export const CreateParticipantBody = Type.Object({
  Identifier: TextParam('Identifier', 191),
  FriendlyName: Type.Optional(TextParam('FriendlyName', 255)),
  ProxyIdentifier: Type.Optional(TextParam('ProxyIdentifier', 255)),
  ProxyIdentifierSid: Type.Optional(SidParam('ProxyIdentifierSid', 'PN')),
});
export type CreateParticipantBody = Static<typeof CreateParticipantBody>;

export const SessionSidParams = Type.Object({
  ServiceSid: Type.String({ maxLength: 64 }),
  SessionSid: Type.String({ maxLength: 64 }),
});

export const ParticipantParams = Type.Object({
  ServiceSid: Type.String({ maxLength: 64 }),
  SessionSid: Type.String({ maxLength: 64 }),
  Sid: Type.String({ maxLength: 64 }),
});

export const ParticipantResource = Type.Object({
  sid: Type.String(),
  session_sid: Type.String(),
  service_sid: Type.String(),
  account_sid: Type.String(),
  friendly_name: NullableString,
  identifier: Type.String(),
  proxy_identifier: Type.String(),
  proxy_identifier_sid: Type.String(),
  date_deleted: NullableDate,
  date_created: NullableDate,
  date_updated: NullableDate,
  url: Type.String(),
  links: Type.Object({ message_interactions: Type.String() }),
});
export type ParticipantResource = Static<typeof ParticipantResource>;

export const ParticipantList = ListEnvelope('participants', ParticipantResource);
