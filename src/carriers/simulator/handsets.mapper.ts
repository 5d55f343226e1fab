import { formatDate } from '../../common/dates.js';
import type { SimulatorCallRow, SimulatorMessageRow } from '../../db/schema.js';

export function toMessage(row: SimulatorMessageRow) {
  return {
    sid: row.sid,
    from: row.from_number,
    to: row.to_number,
    body: row.body,
    media_urls: JSON.parse(row.media_urls) as string[],
    direction: row.direction,
    status: row.status,
    interaction_sid: row.interaction_sid,
    session_sid: row.session_sid,
    error_code: row.error_code,
    date_created: formatDate(row.date_created)!,
  };
}

export function toCall(row: SimulatorCallRow) {
  return {
    sid: row.sid,
    from: row.from_number,
    to: row.to_number,
    status: row.status,
    bridged_to: row.bridged_to === null ? null : { from: row.bridged_from!, to: row.bridged_to },
    interaction_sid: row.interaction_sid,
    session_sid: row.session_sid,
    date_created: formatDate(row.date_created)!,
    date_updated: formatDate(row.date_updated)!,
  };
}
