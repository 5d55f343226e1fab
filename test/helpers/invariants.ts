// Reads a Parley database directly (either engine, through the app's own openDatabase) to check what
// the API cannot show at once: every pool number's in_use against its assignments, assignments
// against the live participants of active sessions, and the masking invariant itself; and every
// row of every table, to compare before and after.

import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import type { Database } from '../../src/db/schema.js';

/** A handle on the database at `url` for checks; destroy() it after. */
export function inspectDatabase(url: string): DatabaseHandle {
  return openDatabase(url, { poolSize: 2, timeoutMs: 10_000 });
}

const ACTIVE = sql.raw(`('open', 'in-progress')`);

/**
 * Every way the number pool can be out of step, as readable lines (empty when consistent):
 *  - a number whose in_use is not the count of assignments holding it, or is negative;
 *  - an assignment that no live participant of an active session stands behind;
 *  - a live participant of an active session that holds no assignment;
 *  - an identifier holding one number twice among active sessions (the masking invariant).
 * One statement per check; `serviceSid` limits them to one service.
 */
export async function poolProblems(db: Kysely<Database>, serviceSid?: string): Promise<string[]> {
  const problems: string[] = [];
  const inService = (column: string) => (serviceSid === undefined ? sql`1 = 1` : sql`${sql.ref(column)} = ${serviceSid}`);

  const counts = await sql<{ sid: string; phone_number: string; in_use: number; held: number }>`
    select p.sid, p.phone_number, p.in_use,
           (select count(*) from assignments a where a.phone_number_sid = p.sid) as held
    from phone_numbers p where ${inService('p.service_sid')}`.execute(db);
  for (const row of counts.rows) {
    if (Number(row.in_use) !== Number(row.held) || Number(row.in_use) < 0) {
      problems.push(`number ${row.phone_number} (${row.sid}): in_use ${row.in_use}, but ${row.held} assignment(s) hold it`);
    }
  }

  const orphans = await sql<{ participant_sid: string; session_sid: string; identifier: string; why: string }>`
    select a.participant_sid, a.session_sid, a.identifier,
           case when p.sid is null then 'no such participant'
                when p.date_deleted is not null then 'the participant was removed'
                when s.sid is null then 'no such session'
                when s.status not in ${ACTIVE} then 'the session is ' || s.status
                else 'the participant does not match the assignment' end as why
    from assignments a
    left join participants p on p.sid = a.participant_sid
    left join sessions s on s.sid = a.session_sid
    where ${inService('a.service_sid')}
      and (p.sid is null or p.date_deleted is not null or s.sid is null or s.status not in ${ACTIVE}
           or p.session_sid <> a.session_sid or p.identifier <> a.identifier or p.proxy_identifier_sid <> a.phone_number_sid)`.execute(db);
  for (const row of orphans.rows) {
    problems.push(`assignment of ${row.participant_sid} (${row.identifier}, session ${row.session_sid}): ${row.why}`);
  }

  const unheld = await sql<{ sid: string; session_sid: string; identifier: string }>`
    select p.sid, p.session_sid, p.identifier
    from participants p join sessions s on s.sid = p.session_sid
    where ${inService('p.service_sid')} and p.date_deleted is null and s.status in ${ACTIVE}
      and not exists (select 1 from assignments a where a.participant_sid = p.sid)`.execute(db);
  for (const row of unheld.rows) {
    problems.push(`participant ${row.sid} (${row.identifier}) of active session ${row.session_sid} holds no assignment`);
  }

  const twice = await sql<{ identifier: string; proxy_identifier: string; sessions: number }>`
    select p.identifier, p.proxy_identifier, count(*) as sessions
    from participants p join sessions s on s.sid = p.session_sid
    where ${inService('p.service_sid')} and p.date_deleted is null and s.status in ${ACTIVE}
    group by p.service_sid, p.identifier, p.proxy_identifier
    having count(*) > 1`.execute(db);
  for (const row of twice.rows) {
    problems.push(`masking invariant broken: ${row.identifier} holds ${row.proxy_identifier} in ${row.sessions} active sessions`);
  }
  return problems;
}

/**
 * Aggregates the database keeps by itself (migration 0009's session counters): no record of
 * anyone, and on PostgreSQL folded by a background job at any moment, so a before/after
 * comparison of them would race it. test/api/session-status-counts.test.ts checks them.
 */
const DERIVED_TABLES = new Set(['session_status_counts', 'session_status_deltas']);

/** Every row of every table the database has (the catalogue's list, so a new table is included), derived counters aside. */
export async function everyRow(db: Kysely<Database>): Promise<Record<string, Array<Record<string, any>>>> {
  const rows: Record<string, Array<Record<string, any>>> = {};
  for (const table of await db.introspection.getTables()) {
    if (DERIVED_TABLES.has(table.name)) continue;
    rows[table.name] = (await sql<Record<string, any>>`select * from ${sql.table(table.name)}`.execute(db)).rows;
  }
  return rows;
}
