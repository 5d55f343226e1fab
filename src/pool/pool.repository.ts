// The number pool's SQL: which numbers a participant may get, and the assignments that hold them.
// `assignments` has one row per participant holding its number in an active session; its unique
// index over (service, identifier, number) is the masking invariant. `phone_numbers.in_use` counts
// those rows per number and moves only here, in the same transaction as the rows themselves.

import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { isUniqueViolation } from '../db/constraint-errors.js';
import { prepare, prepareInsert } from '../db/prepared.js';
import type { AssignmentRow, Database, ParticipantRow, PhoneNumberRow } from '../db/schema.js';
import { first } from '../db/unit-of-work.js';
import type { Db, Refusal, UnitOfWork } from '../db/unit-of-work.js';

export interface Criteria {
  serviceSid: string;
  /** The participant's E.164 number. */
  identifier: string;
  /** Pool country that serves the participant. */
  country: string;
  /** When set, only numbers with this NANP area code. */
  areaCode: string | null;
  needVoice: boolean;
  needSms: boolean;
}

/** Thrown when the identifier already holds the number in another active session. */
export class AssignmentConflict extends Error {
  constructor() {
    super('the identifier already holds this number in an active session');
    this.name = 'AssignmentConflict';
  }
}

// The criteria are parameters, not query shapes, so each query is built and compiled once
// (db/prepared.ts): Kysely would otherwise spend longer building it than SQLite running it.
type Param = (name: string) => any;

/** What a participant needs of its chosen number (fewer columns: less to read per candidate). */
export type ChosenNumber = Pick<PhoneNumberRow, 'sid' | 'phone_number'>;

function eligible(db: Kysely<Database>, param: Param) {
  return db
    .selectFrom('phone_numbers')
    .select(['sid', 'phone_number'])
    .where('service_sid', '=', param('serviceSid'))
    .where('iso_country', '=', param('country'))
    .where('is_reserved', '=', 0)
    .where('cap_voice', '>=', param('minVoice'))
    .where('cap_sms', '>=', param('minSms'))
    .where(sql<boolean>`(cast(${param('areaCode')} as text) is null or area_code = ${param('areaCode')})`)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('assignments')
            .select(sql.lit(1).as('held'))
            .whereRef('assignments.service_sid', '=', 'phone_numbers.service_sid')
            .where('assignments.identifier', '=', param('identifier'))
            .whereRef('assignments.phone_number_sid', '=', 'phone_numbers.sid'),
        ),
      ),
    );
}

// `LIMIT 1` as a literal: SQLite runs these queries several times slower with `LIMIT ?`, which is
// what Kysely's limit(1) sends (a choice took ~200 µs instead of ~40 µs in bench/).
const ONE = sql.lit(1);

function inPreferenceOrder<QB extends ReturnType<typeof eligible>>(query: QB) {
  return query.orderBy('in_use', 'asc').orderBy('last_assigned_at', 'asc').orderBy('sid', 'asc').limit(ONE);
}

function neverUsedBy(query: ReturnType<typeof eligible>, param: Param) {
  return query.where(({ not, exists, selectFrom }) =>
    not(
      exists(
        selectFrom('participants')
          .select(sql.lit(1).as('used'))
          .whereRef('participants.service_sid', '=', 'phone_numbers.service_sid')
          .where('participants.identifier', '=', param('identifier'))
          .whereRef('participants.proxy_identifier_sid', '=', 'phone_numbers.sid'),
      ),
    ),
  );
}

/** The variants of the one number-choice query. */
interface Choice {
  /** Only numbers this identifier has never had in the service (avoid-sticky). */
  unusedOnly: boolean;
  /**
   * Skip numbers another transaction is assigning right now. Concurrent transactions (other
   * identifiers: the same identifier is serialised by its lock) would all pick the same least-used
   * number and queue on its row until each commits; with SKIP LOCKED each takes the best number
   * nobody is assigning. When every candidate is being assigned, the plain query shares one
   * (waiting is then the right answer).
   */
  skipLocked: boolean;
}

function choice(db: Kysely<Database>, param: Param, { unusedOnly, skipLocked }: Choice) {
  const candidates = inPreferenceOrder(unusedOnly ? neverUsedBy(eligible(db, param), param) : eligible(db, param));
  return skipLocked ? candidates.forUpdate().skipLocked() : candidates;
}

/** The identifier's most recent number in the service, if it is still eligible. */
function sticky(db: Kysely<Database>, param: Param) {
  return eligible(db, param).where('sid', '=', (eb) =>
    eb
      .selectFrom('participants')
      .select('proxy_identifier_sid')
      .where('participants.service_sid', '=', param('serviceSid'))
      .where('participants.identifier', '=', param('identifier'))
      .orderBy('participants.date_created', 'desc')
      .limit(ONE),
  );
}

const choices = new Map<string, ReturnType<typeof prepareChoice>>();
function prepareChoice(variant: Choice) {
  return prepare((db, param) => choice(db, param, variant));
}
function chosen(variant: Choice) {
  const key = `${variant.unusedOnly}:${variant.skipLocked}`;
  let prepared = choices.get(key);
  if (prepared === undefined) choices.set(key, (prepared = prepareChoice(variant)));
  return prepared;
}

/**
 * prefer-sticky in one statement (one round trip): the sticky number ranks first, else the least
 * used free one. The second branch runs (and locks its row) even when the first answers; another
 * transaction then skips that number, which costs it nothing but the next-best choice.
 */
const selectStickyOrLeastUsedFree = prepare((db, param) =>
  db
    .selectFrom(sticky(db, param).as('sticky'))
    .select(['sid', 'phone_number', sql.lit(0).as('rank')])
    .unionAll(
      db
        .selectFrom(choice(db, param, { unusedOnly: false, skipLocked: true }).as('free'))
        .select(['sid', 'phone_number', sql.lit(1).as('rank')]),
    )
    .orderBy('rank')
    .limit(ONE),
);

function paramsOf(c: Criteria): Record<string, unknown> {
  return {
    serviceSid: c.serviceSid,
    country: c.country,
    identifier: c.identifier,
    minVoice: c.needVoice ? 1 : 0,
    minSms: c.needSms ? 1 : 0,
    areaCode: c.areaCode,
  };
}

/**
 * The eligible number with the fewest active participants, least recently assigned first; with
 * `unusedOnly`, among numbers this identifier has never had in the service. Walks the
 * phone_numbers_selection index in that order and stops at the first fit.
 */
export async function leastUsedNumber(db: Db, c: Criteria, unusedOnly = false): Promise<ChosenNumber | undefined> {
  const params = paramsOf(c);
  const free = first(await db.read(chosen({ unusedOnly, skipLocked: true })(db, params)));
  return free ?? first(await db.read(chosen({ unusedOnly, skipLocked: false })(db, params)));
}

/**
 * prefer-sticky: the number the identifier was given most recently in the service if it is still
 * eligible, else the least used one as leastUsedNumber chooses it.
 */
export async function stickyOrLeastUsedNumber(db: Db, c: Criteria): Promise<ChosenNumber | undefined> {
  const params = paramsOf(c);
  const best = first(await db.read(selectStickyOrLeastUsedFree(db, params)));
  if (best !== undefined) return { sid: best.sid, phone_number: best.phone_number };
  return first(await db.read(chosen({ unusedOnly: false, skipLocked: false })(db, params)));
}

/** Whether any number of the service matches; the questions behind each "no number" error. */
export async function anyNumber(
  db: Db,
  serviceSid: string,
  filter: { country?: string; needVoice?: boolean; needSms?: boolean; areaCode?: string | null; unreserved?: boolean } = {},
): Promise<boolean> {
  let query = db.sql.selectFrom('phone_numbers').select('sid').where('service_sid', '=', serviceSid);
  if (filter.country !== undefined) query = query.where('iso_country', '=', filter.country);
  if (filter.needVoice) query = query.where('cap_voice', '=', 1);
  if (filter.needSms) query = query.where('cap_sms', '=', 1);
  if (filter.areaCode) query = query.where('area_code', '=', filter.areaCode);
  if (filter.unreserved) query = query.where('is_reserved', '=', 0);
  return first(await db.read(query.limit(1))) !== undefined;
}

const insertAssignment = prepareInsert('assignments');
const countAssignment = prepare((db, param) =>
  db
    .updateTable('phone_numbers')
    .set({ in_use: sql`in_use + 1`, last_assigned_at: param('date_created') })
    .where('sid', '=', param('phone_number_sid')),
);

/**
 * Holds the number for the participant, in the caller's unit of work. When the identifier already
 * holds it (the masking invariant's index refuses the row), the unit fails with `refusal`'s error,
 * by default AssignmentConflict (the number was lost to a concurrent choice: retried).
 */
export function acquire(uow: UnitOfWork, assignment: AssignmentRow, refusal: Refusal = conflictAsRetry): void {
  uow.write(insertAssignment(uow, assignment), refusal);
  uow.write(countAssignment(uow, assignment));
}

function conflictAsRetry(err: unknown): Error | undefined {
  return isUniqueViolation(err) ? new AssignmentConflict() : undefined;
}

/** Gives back the numbers held by these participants or sessions (closed, expired, removed). */
/** In the caller's unit of work: the counters' writes are left for it to settle. */
export async function release(uow: UnitOfWork, by: { sessionSids?: string[]; participant?: ParticipantRow }): Promise<void> {
  let query = uow.sql.deleteFrom('assignments');
  if (by.participant !== undefined) {
    query = query
      .where('service_sid', '=', by.participant.service_sid)
      .where('identifier', '=', by.participant.identifier)
      .where('phone_number_sid', '=', by.participant.proxy_identifier_sid)
      .where('participant_sid', '=', by.participant.sid);
  } else if (by.sessionSids !== undefined && by.sessionSids.length > 0) query = query.where('session_sid', 'in', by.sessionSids);
  else return;
  const released = (await uow.write(query.returning('phone_number_sid'))).rows;
  const perNumber = new Map<string, number>();
  for (const { phone_number_sid } of released) perNumber.set(phone_number_sid, (perNumber.get(phone_number_sid) ?? 0) + 1);
  // One statement per number, in a stable order so concurrent releases never deadlock.
  for (const [sid, count] of [...perNumber].sort(([a], [b]) => a.localeCompare(b))) {
    uow.write(
      uow.sql
        .updateTable('phone_numbers')
        .set({ in_use: sql`in_use - ${count}` })
        .where('sid', '=', sid),
    );
  }
}

/** The assignments a session's current (not removed) participants would hold if it were active. */
export async function assignmentsOfSession(db: Db, sessionSid: string, now: number): Promise<AssignmentRow[]> {
  const rows = await db.read(
    db.sql
      .selectFrom('participants')
      .select(['sid', 'service_sid', 'session_sid', 'identifier', 'proxy_identifier_sid'])
      .where('session_sid', '=', sessionSid)
      .where('date_deleted', 'is', null)
      .orderBy('sid'),
  );
  return rows.map((row) => ({
    participant_sid: row.sid,
    service_sid: row.service_sid,
    session_sid: row.session_sid,
    identifier: row.identifier,
    phone_number_sid: row.proxy_identifier_sid,
    date_created: now,
  }));
}
