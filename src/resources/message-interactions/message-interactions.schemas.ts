import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { NullableString, ListEnvelope, TextParam, RepeatedParam, UrlParam } from '../../http/schema-kit.js';
import { interactionFields } from '../interactions/interactions.schemas.js';

export const MessageInteractionResource = Type.Object({ ...interactionFields, participant_sid: NullableString });
export type MessageInteractionResource = Static<typeof MessageInteractionResource>;
/** Twilio keys the MessageInteraction list `interactions` too. */
export const MessageInteractionList = ListEnvelope('interactions', MessageInteractionResource);

export const CreateMessageInteractionBody = Type.Object({
  Body: Type.Optional(TextParam('Body', 1600)),
  MediaUrl: Type.Optional(RepeatedParam(UrlParam('MediaUrl'))),
});
export type CreateMessageInteractionBody = Static<typeof CreateMessageInteractionBody>;

export const ParticipantSidParams = Type.Object({
  ServiceSid: Type.String({ maxLength: 64 }),
  SessionSid: Type.String({ maxLength: 64 }),
  ParticipantSid: Type.String({ maxLength: 64 }),
});

export const MessageInteractionParams = Type.Object({
  ServiceSid: Type.String({ maxLength: 64 }),
  SessionSid: Type.String({ maxLength: 64 }),
  ParticipantSid: Type.String({ maxLength: 64 }),
  Sid: Type.String({ maxLength: 64 }),
});
