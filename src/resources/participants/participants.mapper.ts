import type { ParticipantRow } from '../../db/schema.js';
import { formatDate } from '../../common/dates.js';
import { sessionUrl } from '../sessions/sessions.mapper.js';
import type { ParticipantResource } from './participants.schemas.js';

export function toParticipantResource(row: ParticipantRow, baseUrl: string): ParticipantResource {
  const url = `${sessionUrl(baseUrl, row.service_sid, row.session_sid)}/Participants/${row.sid}`;
  return {
    sid: row.sid,
    session_sid: row.session_sid,
    service_sid: row.service_sid,
    account_sid: row.account_sid,
    friendly_name: row.friendly_name,
    identifier: row.identifier,
    proxy_identifier: row.proxy_identifier,
    proxy_identifier_sid: row.proxy_identifier_sid,
    date_deleted: formatDate(row.date_deleted),
    date_created: formatDate(row.date_created),
    date_updated: formatDate(row.date_updated),
    url,
    links: { message_interactions: `${url}/MessageInteractions` },
  };
}
