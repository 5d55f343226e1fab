// The importer's SQL: what the target already holds of a page of records (by SID, unique name,
// identifier), and upserts by SID that keep the source's SIDs and dates. Its own, because the
// resources' repositories are shaped for the API (one new row, stamped now, in one account);
// the numbers' in_use counters still move only in pool/pool.repository.ts.

import type { Insertable } from 'kysely';
import type { AssignmentRow, Database, ParticipantRow, PhoneNumberRow, ServiceRow, SessionRow } from '../db/schema.js';
import type { InteractionRow } from '../db/schema.js';
import { prepare } from '../db/prepared.js';
import type { Db } from '../db/unit-of-work.js';

type Upserted = 'services' | 'phone_numbers' | 'sessions' | 'participants' | 'interactions';

/** Rows per INSERT: far below both engines' limits on bound parameters (SQLite 32766, PostgreSQL 65535). */
const CHUNK = 500;

/**
 * INSERT … ON CONFLICT (sid) DO UPDATE of `columns`, in chunks, in the caller's unit of work.
 * Only rows the plan found new or changed reach it; a row of another account's is refused before.
 */
export function upsert<T extends Upserted>(db: Db, table: T, rows: Array<Insertable<Database[T]>>, columns: readonly string[]): void {
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const query = (db.sql as any)
      .insertInto(table)
      .values(chunk)
      .onConflict((conflict: any) =>
        conflict
          .column('sid')
          .doUpdateSet((eb: any) => Object.fromEntries(columns.map((column) => [column, eb.ref(`excluded.${column}`)]))),
      );
    void db.write(query);
  }
}

export function servicesBySid(db: Db, sid: string, accountSid: string, uniqueName: string): Promise<ServiceRow[]> {
  return db.read(
    db.sql
      .selectFrom('services')
      .selectAll()
      .where((eb) => eb.or([eb('sid', '=', sid), eb.and([eb('account_sid', '=', accountSid), eb('unique_name', '=', uniqueName)])])),
  );
}

/** Pool numbers with these SIDs or these numbers, in any account or service. */
export async function numbersLike(db: Db, sids: string[], numbers: string[]): Promise<PhoneNumberRow[]> {
  if (sids.length === 0) return [];
  const [bySid, byNumber] = await Promise.all([
    db.read(db.sql.selectFrom('phone_numbers').selectAll().where('sid', 'in', sids)),
    db.read(db.sql.selectFrom('phone_numbers').selectAll().where('phone_number', 'in', numbers)),
  ]);
  return distinct([...bySid, ...byNumber], (row) => row.sid);
}

export function poolOf(db: Db, serviceSid: string): Promise<PhoneNumberRow[]> {
  return db.read(db.sql.selectFrom('phone_numbers').selectAll().where('service_sid', '=', serviceSid));
}

export function sessionsBySid(db: Db, sids: string[]): Promise<SessionRow[]> {
  return sids.length === 0 ? Promise.resolve([]) : db.read(db.sql.selectFrom('sessions').selectAll().where('sid', 'in', sids));
}

const sessionNamed = prepare((db, param) =>
  db.selectFrom('sessions').selectAll().where('service_sid', '=', param('serviceSid')).where('unique_name', '=', param('name')),
);

/**
 * The service's sessions with these unique names: one indexed lookup each. In one statement
 * (`unique_name IN (…)`) PostgreSQL's generic plan walks the service's whole part of the index
 * and filters: a page took longer the more the target held.
 */
export async function sessionsByUniqueName(db: Db, serviceSid: string, names: string[]): Promise<SessionRow[]> {
  const found = await Promise.all(names.map((name) => db.read(sessionNamed(db, { serviceSid, name }))));
  return found.flat();
}

/** Of these sessions, those the target holds as active (open or in-progress). */
export async function activeSessionSids(db: Db, sids: string[]): Promise<Set<string>> {
  if (sids.length === 0) return new Set();
  const rows = await db.read(
    db.sql.selectFrom('sessions').select('sid').where('sid', 'in', sids).where('status', 'in', ['open', 'in-progress']),
  );
  return new Set(rows.map((row) => row.sid));
}

/** Participants with these SIDs, or in these sessions. */
export async function participantsLike(db: Db, sids: string[], sessionSids: string[]): Promise<ParticipantRow[]> {
  if (sessionSids.length === 0) return [];
  const [bySid, inSessions] = await Promise.all([
    sids.length === 0 ? [] : db.read(db.sql.selectFrom('participants').selectAll().where('sid', 'in', sids)),
    db.read(db.sql.selectFrom('participants').selectAll().where('session_sid', 'in', sessionSids)),
  ]);
  return distinct([...bySid, ...inSessions], (row) => row.sid);
}

export function assignmentsOf(db: Db, sessionSids: string[]): Promise<AssignmentRow[]> {
  return sessionSids.length === 0
    ? Promise.resolve([])
    : db.read(db.sql.selectFrom('assignments').selectAll().where('session_sid', 'in', sessionSids));
}

const assignmentByKey = prepare((db, param) =>
  db
    .selectFrom('assignments')
    .selectAll()
    .where('service_sid', '=', param('service_sid'))
    .where('identifier', '=', param('identifier'))
    .where('phone_number_sid', '=', param('phone_number_sid')),
);

/** The assignments that hold these keys of the masking invariant: one primary-key lookup each (see sessionsByUniqueName). */
export async function assignmentsByKey(
  db: Db,
  keys: Array<Pick<AssignmentRow, 'service_sid' | 'identifier' | 'phone_number_sid'>>,
): Promise<AssignmentRow[]> {
  const found = await Promise.all(keys.map((key) => db.read(assignmentByKey(db, { ...key }))));
  return found.flat();
}

/**
 * One query per condition rather than one with OR: under PostgreSQL's generic plans (every
 * statement is prepared, db/pg-connections.ts) `a IN (…) OR b IN (…)` over a thousand values each
 * took over a second where each half takes a few milliseconds.
 */
function distinct<T>(rows: T[], key: (row: T) => string): T[] {
  return [...new Map(rows.map((row) => [key(row), row])).values()];
}

export function interactionsBySid(db: Db, sids: string[]): Promise<InteractionRow[]> {
  return sids.length === 0 ? Promise.resolve([]) : db.read(db.sql.selectFrom('interactions').selectAll().where('sid', 'in', sids));
}
