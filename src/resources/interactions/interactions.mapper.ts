import type { InteractionRow } from '../../db/schema.js';
import { formatDate } from '../../common/dates.js';
import { sessionUrl } from '../sessions/sessions.mapper.js';
import type { InteractionResource } from './interactions.schemas.js';

type Status = InteractionResource['inbound_resource_status'];

/** The fields an Interaction and a MessageInteraction share. */
export function interactionFieldsOf(row: InteractionRow, url: string): InteractionResource {
  return {
    sid: row.sid,
    session_sid: row.session_sid,
    service_sid: row.service_sid,
    account_sid: row.account_sid,
    data: row.data,
    type: row.type,
    inbound_participant_sid: row.inbound_participant_sid,
    inbound_resource_sid: row.inbound_resource_sid,
    inbound_resource_status: row.inbound_resource_status as Status,
    inbound_resource_type: row.inbound_resource_type,
    inbound_resource_url: row.inbound_resource_url,
    outbound_participant_sid: row.outbound_participant_sid,
    outbound_resource_sid: row.outbound_resource_sid,
    outbound_resource_status: row.outbound_resource_status as Status,
    outbound_resource_type: row.outbound_resource_type,
    outbound_resource_url: row.outbound_resource_url,
    date_created: formatDate(row.date_created),
    date_updated: formatDate(row.date_updated),
    url,
  };
}

export function toInteractionResource(row: InteractionRow, baseUrl: string): InteractionResource {
  return interactionFieldsOf(row, `${sessionUrl(baseUrl, row.service_sid, row.session_sid)}/Interactions/${row.sid}`);
}
