import type { ServiceRow } from '../../db/schema.js';
import { formatDate } from '../../common/dates.js';
import type { ServiceResource } from './services.schemas.js';

export function serviceUrl(baseUrl: string, sid: string): string {
  return `${baseUrl}/v1/Services/${sid}`;
}

export function toServiceResource(row: ServiceRow, baseUrl: string): ServiceResource {
  const url = serviceUrl(baseUrl, row.sid);
  return {
    sid: row.sid,
    unique_name: row.unique_name,
    account_sid: row.account_sid,
    chat_instance_sid: row.chat_instance_sid,
    callback_url: row.callback_url,
    default_ttl: row.default_ttl,
    number_selection_behavior: row.number_selection_behavior,
    geo_match_level: row.geo_match_level,
    intercept_callback_url: row.intercept_callback_url,
    out_of_session_callback_url: row.out_of_session_callback_url,
    date_created: formatDate(row.date_created),
    date_updated: formatDate(row.date_updated),
    url,
    links: { sessions: `${url}/Sessions`, phone_numbers: `${url}/PhoneNumbers` },
  };
}
