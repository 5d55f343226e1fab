// The lookups behind routing: from (sender, dialled pool number) to the session and its partner.
// Each is an index lookup: phone_numbers by number, assignments by its primary key, participants
// by session.

import { sql } from 'kysely';
import { prepare } from '../db/prepared.js';
import { columnsOf } from '../db/table-columns.js';
import type { ParticipantRow, PhoneNumberRow, ServiceRow, SessionRow } from '../db/schema.js';
import { first } from '../db/unit-of-work.js';
import type { Db } from '../db/unit-of-work.js';

export interface ActiveRoute {
  service: ServiceRow;
  session: SessionRow;
  /** The participant who sent (holds the dialled number). */
  sender: ParticipantRow;
  /** The other current participant, if any. */
  partner: ParticipantRow | undefined;
}

// One query for the whole route: the dialled number, the sender's assignment on it, the session,
// its service, and the session's current participants (one row each). One round trip matters:
// on PostgreSQL the round trips, not the queries, set the pace of routing. Services and
// participants share column names with sessions, so theirs come prefixed (svc_, p_).
function routeQuery(participantColumns: readonly string[], serviceColumns: readonly string[]) {
  return prepare((db, param) =>
    db
      .selectFrom('phone_numbers')
      .innerJoin('assignments', (join) =>
        join
          .onRef('assignments.service_sid', '=', 'phone_numbers.service_sid')
          .onRef('assignments.phone_number_sid', '=', 'phone_numbers.sid')
          .on('assignments.identifier', '=', param('from')),
      )
      .innerJoin('sessions', 'sessions.sid', 'assignments.session_sid')
      .innerJoin('services', 'services.sid', 'sessions.service_sid')
      .innerJoin('participants', (join) =>
        join.onRef('participants.session_sid', '=', 'sessions.sid').on('participants.date_deleted', 'is', null),
      )
      .selectAll('sessions')
      .select('assignments.participant_sid as sender_sid')
      .select(participantColumns.map((column) => sql.ref(`participants.${column}`).as(`p_${column}`)))
      .select(serviceColumns.map((column) => sql.ref(`services.${column}`).as(`svc_${column}`)))
      .where('phone_numbers.phone_number', '=', param('to'))
      .where(sql<boolean>`(cast(${param('accountSid')} as text) is null or phone_numbers.account_sid = ${param('accountSid')})`),
  );
}

interface Route {
  query: ReturnType<typeof routeQuery>;
  participantColumns: readonly string[];
  serviceColumns: readonly string[];
}
let route: Promise<Route> | undefined;

function theRouteQuery(db: Db): Promise<Route> {
  route ??= Promise.all([columnsOf(db, 'participants'), columnsOf(db, 'services')]).then(([participantColumns, serviceColumns]) => ({
    query: routeQuery(participantColumns, serviceColumns),
    participantColumns,
    serviceColumns,
  }));
  return route;
}

/**
 * The active session in which `from` holds the pool number `to`, with its participants.
 * `accountSid` null means any account (carrier webhooks, which know only the numbers); the masking
 * invariant makes the answer unique within an account.
 */
export async function findActiveRoute(db: Db, accountSid: string | null, to: string, from: string): Promise<ActiveRoute | undefined> {
  const { query, participantColumns, serviceColumns } = await theRouteQuery(db);
  const rows = (await db.read(query(db, { accountSid, to, from }))) as Array<SessionRow & { sender_sid: string } & Record<string, unknown>>;
  const head = first(rows);
  if (head === undefined) return undefined;
  const members = rows.map((row) => unprefixed<ParticipantRow>(row, 'p_', participantColumns));
  const sender = members.find((member) => member.sid === head.sender_sid);
  if (sender === undefined) return undefined;
  const session = Object.fromEntries(
    Object.entries(head).filter(([key]) => !key.startsWith('p_') && !key.startsWith('svc_') && key !== 'sender_sid'),
  ) as SessionRow;
  const service = unprefixed<ServiceRow>(head, 'svc_', serviceColumns);
  return { service, session, sender, partner: members.find((member) => member.sid !== sender.sid) };
}

/** One table's row out of a joined row whose columns carry `prefix`. */
function unprefixed<T>(row: object, prefix: string, columns: readonly string[]): T {
  const values = row as Record<string, unknown>;
  return Object.fromEntries(columns.map((column) => [column, values[prefix + column]])) as T;
}

const selectMembers = prepare((db, param) =>
  db.selectFrom('participants').selectAll().where('session_sid', '=', param('sessionSid')).where('date_deleted', 'is', null),
);

/** The session's current participants (at most two). */
export function currentParticipants(db: Db, sessionSid: string): Promise<ParticipantRow[]> {
  return db.read(selectMembers(db, { sessionSid }));
}

const selectPoolNumber = prepare((db, param) =>
  db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('phone_number', '=', param('to'))
    .where(sql<boolean>`(cast(${param('accountSid')} as text) is null or account_sid = ${param('accountSid')})`)
    .orderBy('date_created', 'desc')
    .limit(1),
);

/** The pool number dialled, when no active session matches (out-of-session handling). */
export async function findPoolNumber(db: Db, accountSid: string | null, to: string): Promise<PhoneNumberRow | undefined> {
  return first(await db.read(selectPoolNumber(db, { accountSid, to })));
}

/** The sender's most recent participation on this number: the context an out-of-session callback gets. */
export async function lastParticipation(
  db: Db,
  serviceSid: string,
  identifier: string,
  numberSid: string,
): Promise<ParticipantRow | undefined> {
  const query = db.sql
    .selectFrom('participants')
    .selectAll()
    .where('service_sid', '=', serviceSid)
    .where('identifier', '=', identifier)
    .where('proxy_identifier_sid', '=', numberSid)
    .orderBy('date_created', 'desc')
    .limit(1);
  return first(await db.read(query));
}
