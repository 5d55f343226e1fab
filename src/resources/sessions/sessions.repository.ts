import type { ClockScope } from '../../common/clock.js';
import { sql } from 'kysely';
import { pageOf, preparePage } from '../../db/keyset.js';
import { prepare, prepareInsert } from '../../db/prepared.js';
import type { SessionRow, SessionUpdate } from '../../db/schema.js';
import { first } from '../../db/unit-of-work.js';
import { defaultTtlExpiresAtSql, expiryReasonSql } from './sessions.expiry.js';
import type { Db, Refusal } from '../../db/unit-of-work.js';
import type { PageRequest } from '../../common/paging.js';
import type { ServiceKey } from '../../common/service-key.js';

// Spelled as a literal, not bound parameters, so SQLite can use the partial index on it.
const ACTIVE = sql<boolean>`status in ('open', 'in-progress')`;

const insertRow = prepareInsert('sessions');

export function insertSession(db: Db, row: SessionRow, refusal?: Refusal) {
  return db.write(insertRow(db, row), refusal);
}

const selectSession = prepare((db, param) =>
  db
    .selectFrom('sessions')
    .selectAll()
    .where('sid', '=', param('sid'))
    .where('service_sid', '=', param('serviceSid'))
    .where('account_sid', '=', param('accountSid')),
);

export async function findSession(db: Db, key: ServiceKey, sid: string): Promise<SessionRow | undefined> {
  return first(await db.read(selectSession(db, { sid, ...key })));
}

export async function findSessionByUniqueName(db: Db, key: ServiceKey, uniqueName: string): Promise<SessionRow | undefined> {
  const query = db.sql
    .selectFrom('sessions')
    .selectAll()
    .where('service_sid', '=', key.serviceSid)
    .where('unique_name', '=', uniqueName)
    .where('account_sid', '=', key.accountSid);
  return first(await db.read(query));
}

const selectPage = preparePage('sessions', (db, param) =>
  db.selectFrom('sessions').selectAll().where('service_sid', '=', param('serviceSid')).where('account_sid', '=', param('accountSid')),
);

export function listSessions(db: Db, key: ServiceKey, page: PageRequest): Promise<SessionRow[]> {
  return db.read(selectPage(db, { ...key }, page));
}

export interface SessionFilter {
  status?: string;
  /** Unique names that start with this, in the same case (SQL's substr counts code points). */
  uniqueNamePrefix?: string;
}

/**
 * Newest first, filtered (the console's list). A status walks sessions_service_status_listing; a
 * prefix filters the listing index's walk, so a page costs at most one pass over the service.
 */
export function searchSessions(db: Db, key: ServiceKey, filter: SessionFilter, page: PageRequest): Promise<SessionRow[]> {
  const prefix = filter.uniqueNamePrefix;
  const query = db.sql
    .selectFrom('sessions')
    .selectAll()
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid)
    .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status!))
    .$if(prefix !== undefined, (q) => q.where(sql<boolean>`substr(unique_name, 1, ${[...prefix!].length}) = ${prefix}`));
  return db.read(pageOf(query, 'sessions', page, 'desc'));
}

export function updateSession(db: Db, sid: string, changes: SessionUpdate) {
  return db.write(db.sql.updateTable('sessions').set(changes).where('sid', '=', sid));
}

export async function deleteSession(db: Db, key: ServiceKey, sid: string): Promise<boolean> {
  const query = db.sql
    .deleteFrom('sessions')
    .where('sid', '=', sid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid);
  return (await db.write(query)).count > 0;
}

/**
 * Closes up to `limit` active sessions whose expiry has passed, with the values
 * sessions.expiry.ts `asOf` shows for them; returns the SIDs it closed.
 */
/** `scope.accountSid` null: every account's sessions; else that account's only. */
export async function closeExpiredSessions(db: Db, scope: ClockScope, limit: number): Promise<string[]> {
  const { accountSid, now } = scope;
  const due = db.sql
    .selectFrom('sessions')
    .select('sid')
    .where(ACTIVE)
    .where('expires_at', '<=', now)
    .$if(accountSid !== null, (q) => q.where('account_sid', '=', accountSid!))
    .orderBy('expires_at')
    .limit(limit);
  const close = db.sql
    .updateTable('sessions')
    .set({
      status: 'closed',
      closed_reason: expiryReasonSql,
      date_ended: sql<number>`expires_at`,
      date_updated: sql<number>`expires_at`,
    })
    .where('sid', 'in', due)
    // Re-checked here: another node may have closed or re-opened it since the subquery ran.
    .where(ACTIVE)
    .where('expires_at', '<=', now)
    .returning('sid');
  return (await db.write(close)).rows.map((row) => row.sid);
}

/** A service's default_ttl changed: move the expiry of its sessions that live by it. */
export function recomputeDefaultTtlExpiry(db: Db, serviceSid: string, defaultTtl: number) {
  const query = db.sql
    .updateTable('sessions')
    .set({ expires_at: defaultTtlExpiresAtSql(defaultTtl) })
    .where('service_sid', '=', serviceSid)
    .where('ttl', '=', 0)
    .where('date_expiry', 'is', null)
    .where(ACTIVE);
  return db.write(query);
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
export async function recordSessionActivity(db: Db, sid: string, now: number, expiresAt: number | null): Promise<boolean> {
  return (await db.write(recordActivity(db, { sid, now, expiresAt }))).count > 0;
}
