// The outbox read as a log (the callback log, callbacks/callback-log.service.ts): an account's
// jobs newest first, one by SID, a settled job queued again; and records of work done at once,
// outside the worker (the router's intercept and out-of-session calls), written settled so that
// no claim ever takes them and retention removes them with the finished jobs.

import { pageOf } from '../db/keyset.js';
import { prepareInsert } from '../db/prepared.js';
import type { OutboxRow } from '../db/schema.js';
import { first } from '../db/unit-of-work.js';
import type { Db } from '../db/unit-of-work.js';
import type { PageRequest } from '../common/paging.js';
import { newSid } from '../common/sids.js';

const insertRecord = prepareInsert('outbox');

export interface SettledRecord {
  accountSid: string;
  kind: string;
  payload: unknown;
  succeeded: boolean;
  error: string | null;
  responseStatus: number | null;
  outcome: string | null;
  now: number;
}

/** In the caller's unit of work. */
export function insertSettled(db: Db, record: SettledRecord) {
  const row: OutboxRow = {
    sid: newSid('OB'),
    account_sid: record.accountSid,
    kind: record.kind,
    payload: JSON.stringify(record.payload),
    status: record.succeeded ? 'done' : 'failed',
    attempts: 1,
    next_attempt_at: record.now,
    locked_until: null,
    last_error: record.error?.slice(0, 1000) ?? null,
    response_status: record.responseStatus,
    outcome: record.outcome,
    date_created: record.now,
    date_updated: record.now,
  };
  return db.write(insertRecord(db, row));
}

export interface LogFilter {
  kinds: readonly string[];
  /** The outbox statuses wanted; with `retried`, pending ones of that kind only (tried or not yet). */
  statuses?: readonly string[];
  retried?: boolean;
}

/** An account's jobs of these kinds, newest first (the outbox_account_log index). */
export function listLog(db: Db, accountSid: string, filter: LogFilter, page: PageRequest): Promise<OutboxRow[]> {
  const query = db.sql
    .selectFrom('outbox')
    .selectAll()
    .where('account_sid', '=', accountSid)
    .where('kind', 'in', [...filter.kinds])
    .$if(filter.statuses !== undefined, (q) => q.where('status', 'in', [...filter.statuses!]))
    .$if(filter.retried !== undefined, (q) => q.where('attempts', filter.retried ? '>' : '=', 0));
  return db.read(pageOf(query, 'outbox', page, 'desc'));
}

export async function findLogEntry(db: Db, accountSid: string, kinds: readonly string[], sid: string): Promise<OutboxRow | undefined> {
  const query = db.sql
    .selectFrom('outbox')
    .selectAll()
    .where('sid', '=', sid)
    .where('account_sid', '=', accountSid)
    .where('kind', 'in', [...kinds]);
  return first(await db.read(query));
}

/**
 * The job due now, as a fresh delivery (its attempts start again), unless a worker holds it right
 * now (a delivery under way): true when it was queued.
 */
export async function requeue(db: Db, sid: string, now: number): Promise<boolean> {
  const query = db.sql
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, locked_until: null, date_updated: now })
    .where('sid', '=', sid)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]));
  return (await db.write(query)).count > 0;
}
