// Plans one page of sessions: each with its participants, their proxy assignments and (with
// --interactions) its interactions, as one record. A session that would break a rule is refused
// whole (never a session without one of its participants), and the rest of the page goes on.
// The masking invariant is checked here against what the target holds and what this run took so
// far, so the page's unit of work never meets the assignments' unique index (only a live server
// writing meanwhile can make it: import-context.ts plans again).

import type { AssignmentRow, ParticipantRow, PhoneNumberRow, ServiceRow, SessionRow } from '../db/schema.js';
import type { Db } from '../db/unit-of-work.js';
import { asOf, isActive } from '../resources/sessions/sessions.expiry.js';
import type { ImportContext, Plan } from './import-context.js';
import { Unmappable } from './import-errors.js';
import { toInteractionRow, toParticipantRow, toSessionRow } from './import-mapping.js';
import type { ImportedInteraction } from './import-mapping.js';
import { ImportReport } from './import-report.js';
import {
  assignmentsByKey,
  assignmentsOf,
  interactionsBySid,
  participantsLike,
  sessionsBySid,
  sessionsByUniqueName,
} from './import.repository.js';
import type { Json } from './proxy-api-client.js';
import { RecordFields } from './record-fields.js';
import { keyOf, Target } from './session-target.js';
import type { Candidate } from './session-target.js';

/** A session as the source lists it, with its participants and interactions. */
export interface SourceSession {
  record: Json;
  participants: Json[];
  interactions: Json[];
}

/** What this run has done in one service so far (the target shows it too, but not in a dry run). */
export interface ServiceState {
  readonly service: ServiceRow;
  /** The service's pool in the target, by SID. */
  readonly pool: ReadonlyMap<string, PhoneNumberRow>;
  /** Assignment key (identifier, number) -> the session of this run that holds it. */
  readonly claimed: Map<string, string>;
  /** Sessions whose assignments this run gave back (closed, or held again anew). */
  readonly released: Set<string>;
}

export interface SessionPlan extends Plan {
  sessions: SessionRow[];
  participants: ParticipantRow[];
  interactions: ImportedInteraction[];
  /** Sessions whose assignments go (before `acquire` takes the new ones). */
  release: string[];
  acquire: AssignmentRow[];
  claims: Array<[string, string]>;
}

export async function planSessions(db: Db, ctx: ImportContext, state: ServiceState, items: SourceSession[]): Promise<SessionPlan> {
  const plan: SessionPlan = {
    tally: new ImportReport(),
    sessions: [],
    participants: [],
    interactions: [],
    release: [],
    acquire: [],
    claims: [],
  };
  const now = ctx.clock.now(ctx.accountSid);
  const candidates: Candidate[] = [];
  for (const item of items) {
    const candidate = mapped(ctx, state.service, item, now, plan.tally);
    if (candidate !== undefined) candidates.push(candidate);
  }
  const target = await readTarget(db, state.service, candidates);
  // Sessions that end first: what they give back, an active session of the same page may take.
  const ordered = [...candidates.filter((c) => !isActive(c.session.status)), ...candidates.filter((c) => isActive(c.session.status))];
  for (const candidate of ordered) {
    const refusal = target.refusal(candidate, state);
    if (refusal === null) target.accept(candidate, state, plan);
    else {
      plan.tally.refuse('sessions', candidate.session.sid, refusal, {
        participants: candidate.participants.length,
        interactions: candidate.interactions.length,
      });
    }
  }
  return plan;
}

/** The session's rows, as the target would hold them now (one past its expiry is closed, as the sweeper would). */
function mapped(ctx: ImportContext, service: ServiceRow, item: SourceSession, now: number, tally: ImportReport): Candidate | undefined {
  let session: SessionRow;
  let participants: ParticipantRow[];
  try {
    session = asOf(toSessionRow(item.record, service), now);
    participants = item.participants.map((record) => toParticipantRow(record, session, ctx.numberCheck));
  } catch (err) {
    if (!(err instanceof Unmappable)) throw err;
    const dependents = { participants: item.participants.length, interactions: item.interactions.length };
    tally.refuse('sessions', RecordFields.sidOf(item.record, 'KC'), err.message, dependents);
    return undefined;
  }
  const interactions: ImportedInteraction[] = [];
  for (const record of item.interactions) {
    try {
      interactions.push(toInteractionRow(record, session));
    } catch (err) {
      if (!(err instanceof Unmappable)) throw err;
      tally.refuse('interactions', RecordFields.sidOf(record, 'KI'), err.message);
    }
  }
  return { session, participants, interactions };
}

/**
 * Two rounds of reads: what the target holds of these sessions (by SID: cheap), then, for what
 * that leaves open, the unique names and the invariant's keys one lookup each (a second run
 * finds every session and assignment in the first round and asks nothing more).
 */
async function readTarget(db: Db, service: ServiceRow, candidates: Candidate[]): Promise<Target> {
  const sessionSids = candidates.map((c) => c.session.sid);
  const [sessions, participants, held, interactions] = await Promise.all([
    sessionsBySid(db, sessionSids),
    participantsLike(
      db,
      candidates.flatMap((c) => c.participants.map((p) => p.sid)),
      sessionSids,
    ),
    assignmentsOf(db, sessionSids),
    interactionsBySid(
      db,
      candidates.flatMap((c) => c.interactions.map((i) => i.sid)),
    ),
  ]);
  const known = new Map(sessions.map((row) => [row.sid, row]));
  const names = candidates.flatMap(({ session }) =>
    session.unique_name !== null && known.get(session.sid)?.unique_name !== session.unique_name ? [session.unique_name] : [],
  );
  const ownKeys = new Set(held.map((row) => `${row.session_sid}\u0000${keyOf(row)}`));
  const keys = candidates.flatMap(({ session, participants }) =>
    !isActive(session.status)
      ? []
      : participants
          .filter((p) => p.date_deleted === null)
          .map((p) => ({ service_sid: service.sid, identifier: p.identifier, phone_number_sid: p.proxy_identifier_sid }))
          .filter((key) => !ownKeys.has(`${session.sid}\u0000${keyOf(key)}`)),
  );
  const [named, holders] = await Promise.all([sessionsByUniqueName(db, service.sid, names), assignmentsByKey(db, keys)]);
  // A key another session of this page holds came in the first round already.
  const heldKeys = new Set(held.map(keyOf));
  const others = holders.filter((row) => !heldKeys.has(keyOf(row)));
  return new Target(service, { sessions, named, participants, assignments: [...held, ...others], interactions });
}
