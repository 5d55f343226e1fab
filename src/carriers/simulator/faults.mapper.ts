import { formatDate } from '../../common/dates.js';
import type { SimulatorFaultRow } from '../../db/schema.js';

export function toFault(row: SimulatorFaultRow) {
  return {
    sid: row.sid,
    number: row.phone_number,
    channel: row.channel,
    outcome: row.outcome,
    error_code: row.error_code,
    remaining: row.remaining,
    date_created: formatDate(row.date_created)!,
    date_updated: formatDate(row.date_updated)!,
  };
}
