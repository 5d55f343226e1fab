import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { ListEnvelope, NullableDate, NullableEnum, NullableString } from '../../http/schema-kit.js';
import { RESOURCE_STATUSES } from './interactions.model.js';

export const interactionFields = {
  sid: Type.String(),
  session_sid: Type.String(),
  service_sid: Type.String(),
  account_sid: Type.String(),
  data: NullableString,
  type: Type.String(),
  inbound_participant_sid: NullableString,
  inbound_resource_sid: NullableString,
  inbound_resource_status: NullableEnum(RESOURCE_STATUSES),
  inbound_resource_type: NullableString,
  inbound_resource_url: NullableString,
  outbound_participant_sid: NullableString,
  outbound_resource_sid: NullableString,
  outbound_resource_status: NullableEnum(RESOURCE_STATUSES),
  outbound_resource_type: NullableString,
  outbound_resource_url: NullableString,
  date_created: NullableDate,
  date_updated: NullableDate,
  url: Type.String(),
};

export const InteractionResource = Type.Object(interactionFields);
export type InteractionResource = Static<typeof InteractionResource>;
export const InteractionList = ListEnvelope('interactions', InteractionResource);

export const InteractionParams = Type.Object({
  ServiceSid: Type.String({ maxLength: 64 }),
  SessionSid: Type.String({ maxLength: 64 }),
  Sid: Type.String({ maxLength: 64 }),
});
