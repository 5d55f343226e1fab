import type { InteractionRow } from '../../db/schema.js';
import { interactionFieldsOf } from '../interactions/interactions.mapper.js';
import { sessionUrl } from '../sessions/sessions.mapper.js';
import type { MessageInteractionResource } from './message-interactions.schemas.js';

export function toMessageInteractionResource(row: InteractionRow, baseUrl: string): MessageInteractionResource {
  const participant = row.participant_sid ?? row.outbound_participant_sid ?? '';
  const url = `${sessionUrl(baseUrl, row.service_sid, row.session_sid)}/Participants/${participant}/MessageInteractions/${row.sid}`;
  return { ...interactionFieldsOf(row, url), participant_sid: row.participant_sid };
}
