import { formatDate } from '../common/dates.js';
import type { OutboxRow } from '../db/schema.js';
import { redactUrl } from '../outbound/redact-url.js';
import { kindOf, statusOf } from './callback-log.model.js';
import type { CallbackJob } from './interaction-callback.js';

export function toCallbackResource(row: OutboxRow) {
  const job = JSON.parse(row.payload) as CallbackJob;
  const kind = kindOf(row.kind);
  return {
    sid: row.sid,
    account_sid: row.account_sid,
    kind,
    url: redactUrl(job.url),
    status: statusOf(row),
    attempts: row.attempts,
    response_status: row.response_status,
    error: row.last_error,
    outcome: row.outcome,
    next_attempt_at: row.status === 'pending' ? formatDate(row.next_attempt_at) : null,
    date_created: formatDate(row.date_created)!,
    date_updated: formatDate(row.date_updated)!,
    payload: job.params,
    replayable: kind === 'status_callback',
  };
}
