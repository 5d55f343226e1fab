import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { pageOf } from '../../db/keyset.js';
import { placeholders, prepare } from '../../db/prepared.js';
import type { Database, SessionRow, SessionsTable, SessionUpdate } from '../../db/schema.js';
import type { PageRequest } from '../../common/paging.js';
import type { ServiceKey } from '../../common/service-key.js';

// Spelled as a literal, not bound parameters, so SQLite can use the partial index on it.
const ACTIVE = sql<boolean>`status in ('open', 'in-progress')`;

const COLUMNS: Record<keyof SessionsTable, true> = {
  sid: true,
  account_sid: true,
  service_sid: true,
  unique_name: true,
  status: true,
  closed_reason: true,
  mode: true,
  ttl: true,
  date_expiry: true,
  date_started: true,
  date_ended: true,
  date_last_interaction: true,
  ttl_started_at: true,
  expires_at: true,
  date_created: true,
  date_updated: true,
};

const insertRow = prepare((db, param) => db.insertInto('sessions').values(placeholders(COLUMNS, param)));

export async function insertSession(db: Kysely<Database>, row: SessionRow): Promise<void> {
  await insertRow(db, row);
}

const selectSession = prepare((db, param) =>
  db
    .selectFrom('sessions')
    .selectAll()
    .where('sid', '=', param('sid'))
    .where('service_sid', '=', param('serviceSid'))
    .where('account_sid', '=', param('accountSid')),
);

export async function findSession(db: Kysely<Database>, key: ServiceKey, sid: string): Promise<SessionRow | undefined> {
  return (await selectSession(db, { sid, ...key }))[0];
}

export async function findSessionByUniqueName(db: Kysely<Database>, key: ServiceKey, uniqueName: string): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('service_sid', '=', key.serviceSid)
    .where('unique_name', '=', uniqueName)
    .where('account_sid', '=', key.accountSid)
    .executeTakeFirst();
}

export async function listSessions(db: Kysely<Database>, key: ServiceKey, page: PageRequest): Promise<SessionRow[]> {
  const query = db.selectFrom('sessions').selectAll().where('service_sid', '=', key.serviceSid).where('account_sid', '=', key.accountSid);
  return pageOf(query, 'sessions', page).execute();
}

export async function updateSession(db: Kysely<Database>, sid: string, changes: SessionUpdate): Promise<void> {
  await db.updateTable('sessions').set(changes).where('sid', '=', sid).execute();
}

export async function deleteSession(db: Kysely<Database>, key: ServiceKey, sid: string): Promise<boolean> {
  const result = await db
    .deleteFrom('sessions')
    .where('sid', '=', sid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Closes up to `limit` active sessions whose expiry has passed, with the values
 * sessions.expiry.ts `asOf` shows for them; returns the SIDs it closed.
 */
export async function closeExpiredSessions(db: Kysely<Database>, now: number, limit: number): Promise<string[]> {
  const due = db.selectFrom('sessions').select('sid').where(ACTIVE).where('expires_at', '<=', now).orderBy('expires_at').limit(limit);
  const closed = await db
    .updateTable('sessions')
    .set({
      status: 'closed',
      closed_reason: sql<string>`case when date_expiry is not null then 'date-expiry' else 'ttl' end`,
      date_ended: sql<number>`expires_at`,
      date_updated: sql<number>`expires_at`,
    })
    .where('sid', 'in', due)
    // Re-checked here: another node may have closed or re-opened it since the subquery ran.
    .where(ACTIVE)
    .where('expires_at', '<=', now)
    .returning('sid')
    .execute();
  return closed.map((row) => row.sid);
}

/** A service's default_ttl changed: move the expiry of its sessions that live by it. */
export async function recomputeDefaultTtlExpiry(db: Kysely<Database>, serviceSid: string, defaultTtl: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ expires_at: defaultTtl > 0 ? sql<number>`ttl_started_at + ${defaultTtl * 1000}` : null })
    .where('service_sid', '=', serviceSid)
    .where('ttl', '=', 0)
    .where('date_expiry', 'is', null)
    .where(ACTIVE)
    .execute();
}

const recordActivity = prepare((db, param) =>
  db
    .updateTable('sessions')
    .set({
      status: 'in-progress',
      date_started: sql<number>`coalesce(date_started, ${param('now')})`,
      date_last_interaction: param('now'),
      ttl_started_at: param('now'),
      expires_at: param('expiresAt'),
      date_updated: param('now'),
    })
    .where('sid', '=', param('sid'))
    .where(ACTIVE)
    .returning('sid'),
);

/**
 * An interaction happened: the session is in progress, and its TTL window starts again. False when
 * the session stopped being active meanwhile (then nothing changed).
 */
export async function recordSessionActivity(db: Kysely<Database>, sid: string, now: number, expiresAt: number | null): Promise<boolean> {
  return (await recordActivity(db, { sid, now, expiresAt })).length > 0;
}
