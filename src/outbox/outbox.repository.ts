// The outbox: work that must happen after a commit, durably (a service callback, a message to send
// through Twilio). Jobs are written in the same transaction as the change they report; a worker
// claims due jobs, runs them outside any transaction, and records the outcome.

import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { prepare, placeholders } from '../db/prepared.js';
import type { Database, OutboxRow } from '../db/schema.js';
import { newSid } from '../http/sids.js';

export type OutboxKind = 'callback' | 'twilio-message';

const COLUMNS: Record<keyof OutboxRow, true> = {
  sid: true,
  account_sid: true,
  kind: true,
  payload: true,
  status: true,
  attempts: true,
  next_attempt_at: true,
  locked_until: true,
  last_error: true,
  date_created: true,
  date_updated: true,
};
const insertJob = prepare((db, param) => db.insertInto('outbox').values(placeholders(COLUMNS, param)));

export async function enqueue(db: Kysely<Database>, job: { accountSid: string; kind: OutboxKind; payload: unknown; now: number }): Promise<void> {
  const row: OutboxRow = {
    sid: newSid('OB'),
    account_sid: job.accountSid,
    kind: job.kind,
    payload: JSON.stringify(job.payload),
    status: 'pending',
    attempts: 0,
    next_attempt_at: job.now,
    locked_until: null,
    last_error: null,
    date_created: job.now,
    date_updated: job.now,
  };
  await insertJob(db, row);
}

/**
 * Claims up to `limit` due jobs for `lockMs`: a claimed job is not due for anyone else until then.
 * One UPDATE, so two workers never claim the same job; PostgreSQL skips rows another worker is
 * claiming (the plugin in db/row-locks.ts drops that clause on SQLite).
 */
const claim = prepare((db, param) =>
  db
    .updateTable('outbox')
    .set({ locked_until: param('lockedUntil'), attempts: sql`attempts + 1` })
    .where('sid', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('sid')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', param('now'))
        .where((or) => or.or([or('locked_until', 'is', null), or('locked_until', '<=', param('now'))]))
        .orderBy('next_attempt_at')
        .limit(param('limit'))
        .forUpdate()
        .skipLocked(),
    )
    .where('status', '=', 'pending')
    .returningAll(),
);

export async function claimDue(db: Kysely<Database>, now: number, limit: number, lockMs: number): Promise<OutboxRow[]> {
  return claim(db, { now, limit, lockedUntil: now + lockMs });
}

export async function markDone(db: Kysely<Database>, sid: string, now: number): Promise<void> {
  await db.updateTable('outbox').set({ status: 'done', locked_until: null, last_error: null, date_updated: now }).where('sid', '=', sid).execute();
}

export async function scheduleRetry(db: Kysely<Database>, sid: string, at: number, error: string, now: number): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ next_attempt_at: at, locked_until: null, last_error: error.slice(0, 1000), date_updated: now })
    .where('sid', '=', sid)
    .execute();
}

export async function giveUp(db: Kysely<Database>, sid: string, error: string, now: number): Promise<void> {
  await db.updateTable('outbox').set({ status: 'failed', locked_until: null, last_error: error.slice(0, 1000), date_updated: now }).where('sid', '=', sid).execute();
}

/** Finished jobs are kept for a while (to look at), then removed. */
export async function purgeFinished(db: Kysely<Database>, before: number): Promise<void> {
  await db.deleteFrom('outbox').where('status', 'in', ['done', 'failed']).where('date_updated', '<', before).execute();
}
