import type { SessionRow } from '../../db/schema.js';
import { formatDate } from '../../common/dates.js';
import type { SessionResource } from './sessions.schemas.js';

export function sessionUrl(baseUrl: string, serviceSid: string, sid: string): string {
  return `${baseUrl}/v1/Services/${serviceSid}/Sessions/${sid}`;
}

/** Renders a row already brought up to date with sessions.expiry.ts `asOf`. */
export function toSessionResource(row: SessionRow, baseUrl: string): SessionResource {
  const url = sessionUrl(baseUrl, row.service_sid, row.sid);
  return {
    sid: row.sid,
    service_sid: row.service_sid,
    account_sid: row.account_sid,
    date_started: formatDate(row.date_started),
    date_ended: formatDate(row.date_ended),
    date_last_interaction: formatDate(row.date_last_interaction),
    date_expiry: formatDate(row.date_expiry),
    unique_name: row.unique_name,
    status: row.status,
    closed_reason: row.closed_reason,
    ttl: row.ttl,
    mode: row.mode,
    date_created: formatDate(row.date_created),
    date_updated: formatDate(row.date_updated),
    url,
    links: { interactions: `${url}/Interactions`, participants: `${url}/Participants` },
  };
}
