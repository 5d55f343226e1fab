// What the target holds of one page of sessions, and the two questions the plan asks of it for
// each session: why it cannot be imported (null: it can), and what importing it writes.

import type { AssignmentRow, InteractionRow, ParticipantRow, ServiceRow, SessionRow } from '../db/schema.js';
import { maskNumber } from '../pool/number-ownership.js';
import { isActive } from '../resources/sessions/sessions.expiry.js';
import { MAX_PARTICIPANTS } from '../resources/sessions/sessions.service.js';
import type { ImportedInteraction } from './import-mapping.js';
import { outcomeOf } from './import-report.js';
import type { ServiceState, SessionPlan } from './session-plan.js';

export const SESSION_COLUMNS = [
  'unique_name',
  'status',
  'closed_reason',
  'mode',
  'ttl',
  'date_expiry',
  'date_started',
  'date_ended',
  'date_last_interaction',
  'ttl_started_at',
  'expires_at',
  'date_created',
  'date_updated',
] as const satisfies ReadonlyArray<keyof SessionRow>;

export const PARTICIPANT_COLUMNS = [
  'identifier',
  'friendly_name',
  'proxy_identifier',
  'proxy_identifier_sid',
  'date_deleted',
  'date_created',
  'date_updated',
] as const satisfies ReadonlyArray<keyof ParticipantRow>;

export const INTERACTION_COLUMNS = [
  'type',
  'data',
  'participant_sid',
  'inbound_participant_sid',
  'inbound_resource_sid',
  'inbound_resource_status',
  'inbound_resource_type',
  'inbound_resource_url',
  'outbound_participant_sid',
  'outbound_resource_sid',
  'outbound_resource_status',
  'outbound_resource_type',
  'outbound_resource_url',
  'date_created',
  'date_updated',
] as const satisfies ReadonlyArray<keyof ImportedInteraction>;

/** The masking invariant's key: an identifier holds a number at most once among a service's active sessions. */
export function keyOf(assignment: Pick<AssignmentRow, 'identifier' | 'phone_number_sid'>): string {
  return `${assignment.identifier}\u0000${assignment.phone_number_sid}`;
}

/** One session of the source as Parley would hold it, with its participants and interactions. */
export interface Candidate {
  session: SessionRow;
  participants: ParticipantRow[];
  interactions: ImportedInteraction[];
}

export interface TargetRows {
  sessions: SessionRow[];
  named: SessionRow[];
  participants: ParticipantRow[];
  assignments: AssignmentRow[];
  interactions: InteractionRow[];
}

export class Target {
  readonly #sessions: Map<string, SessionRow>;
  readonly #participants: Map<string, ParticipantRow>;
  readonly #interactions: Map<string, InteractionRow>;
  /** Unique name -> the session holding it (the target's, then this page's accepted ones). */
  readonly #names = new Map<string, string>();
  /** Assignment key -> the session holding it in the target. */
  readonly #held = new Map<string, string>();
  /** Session + identifier -> the participant the target has there. */
  readonly #members = new Map<string, string>();
  /** Session -> the assignments it holds in the target. */
  readonly #assignments = new Map<string, AssignmentRow[]>();
  /** Sessions this page gives back the assignments of. */
  readonly #releasing = new Set<string>();
  /** Keys this page's accepted sessions hold. */
  readonly #claiming = new Map<string, string>();

  constructor(service: ServiceRow, rows: TargetRows) {
    this.#sessions = new Map(rows.sessions.map((row) => [row.sid, row]));
    this.#participants = new Map(rows.participants.map((row) => [row.sid, row]));
    this.#interactions = new Map(rows.interactions.map((row) => [row.sid, row]));
    for (const row of rows.named) if (row.unique_name !== null) this.#names.set(row.unique_name, row.sid);
    for (const row of rows.participants) this.#members.set(`${row.session_sid}\u0000${row.identifier}`, row.sid);
    for (const row of rows.assignments) {
      if (row.service_sid === service.sid) this.#held.set(keyOf(row), row.session_sid);
      this.#assignments.set(row.session_sid, [...(this.#assignments.get(row.session_sid) ?? []), row]);
    }
  }

  /** Why the session cannot be imported, or null. */
  refusal({ session, participants }: Candidate, state: ServiceState): string | null {
    const existing = this.#sessions.get(session.sid);
    if (existing !== undefined && (existing.account_sid !== session.account_sid || existing.service_sid !== session.service_sid)) {
      return `${session.sid} is in ${existing.account_sid === session.account_sid ? `service ${existing.service_sid}` : 'another account'} in Parley`;
    }
    const named = session.unique_name === null ? undefined : this.#names.get(session.unique_name);
    if (named !== undefined && named !== session.sid)
      return `its unique name "${session.unique_name}" is taken by session ${named} in Parley`;
    const live = participants.filter((p) => p.date_deleted === null);
    if (live.length > MAX_PARTICIPANTS) return `it has ${live.length} participants; a Parley session has at most ${MAX_PARTICIPANTS}`;
    const identifiers = new Set<string>();
    for (const participant of participants) {
      const refusal = this.#participantRefusal(participant, identifiers);
      if (refusal !== null) return refusal;
      identifiers.add(participant.identifier);
    }
    if (!isActive(session.status)) return null;
    for (const participant of live) {
      const refusal = this.#assignmentRefusal(participant, state);
      if (refusal !== null) return refusal;
    }
    return null;
  }

  #participantRefusal(participant: ParticipantRow, identifiers: Set<string>): string | null {
    const existing = this.#participants.get(participant.sid);
    if (existing !== undefined && existing.session_sid !== participant.session_sid) {
      return `participant ${participant.sid} is in session ${existing.session_sid} in Parley`;
    }
    if (identifiers.has(participant.identifier)) return `two of its participants have the identifier ${maskNumber(participant.identifier)}`;
    const other = this.#members.get(`${participant.session_sid}\u0000${participant.identifier}`);
    return other === undefined || other === participant.sid
      ? null
      : `${maskNumber(participant.identifier)} is already participant ${other} of it in Parley`;
  }

  /** The masking invariant, and the number's place in the service's pool. */
  #assignmentRefusal(participant: ParticipantRow, state: ServiceState): string | null {
    const number = state.pool.get(participant.proxy_identifier_sid);
    const who = `participant ${participant.sid} (${maskNumber(participant.identifier)})`;
    const proxy = `${participant.proxy_identifier_sid} (${maskNumber(participant.proxy_identifier)})`;
    if (number === undefined) return `the proxy number ${proxy} of ${who} is not in the service's pool in Parley`;
    if (number.phone_number !== participant.proxy_identifier) {
      return `${who} has proxy_identifier ${maskNumber(participant.proxy_identifier)}, but ${number.sid} is ${maskNumber(number.phone_number)}`;
    }
    const key = keyOf({ identifier: participant.identifier, phone_number_sid: number.sid });
    const taken = state.claimed.get(key) ?? this.#claiming.get(key);
    if (taken !== undefined && taken !== participant.session_sid) return `${who} already holds ${proxy} in session ${taken}, active too`;
    const held = this.#held.get(key);
    if (held !== undefined && held !== participant.session_sid && !state.released.has(held) && !this.#releasing.has(held)) {
      return `${who} already holds ${proxy} in session ${held}, active in Parley`;
    }
    return null;
  }

  /** Adds the session's writes to the plan (only what is new or changed). */
  accept({ session, participants, interactions }: Candidate, state: ServiceState, plan: SessionPlan): void {
    const existing = this.#sessions.get(session.sid);
    if (session.unique_name !== null) this.#names.set(session.unique_name, session.sid);
    this.#write(plan.sessions, 'sessions', session, existing, SESSION_COLUMNS, plan);
    for (const participant of participants) {
      this.#write(plan.participants, 'participants', participant, this.#participants.get(participant.sid), PARTICIPANT_COLUMNS, plan);
    }
    this.#assign(session, participants, state, plan);
    for (const interaction of interactions) {
      const known = this.#interactions.get(interaction.sid);
      if (known !== undefined && known.session_sid !== session.sid) {
        plan.tally.refuse('interactions', interaction.sid, `${interaction.sid} is in session ${known.session_sid} in Parley`);
      } else this.#write(plan.interactions, 'interactions', interaction, known, INTERACTION_COLUMNS, plan);
    }
  }

  /** The session's assignments: kept when the target already has exactly these, else held anew. */
  #assign(session: SessionRow, participants: ParticipantRow[], state: ServiceState, plan: SessionPlan): void {
    const wanted: AssignmentRow[] = !isActive(session.status)
      ? []
      : participants
          .filter((p) => p.date_deleted === null)
          .map((p) => ({
            participant_sid: p.sid,
            service_sid: session.service_sid,
            session_sid: session.sid,
            identifier: p.identifier,
            phone_number_sid: p.proxy_identifier_sid,
            date_created: p.date_created,
          }));
    const held = this.#assignments.get(session.sid) ?? [];
    const same =
      held.length === wanted.length &&
      wanted.every((w) => held.some((h) => h.participant_sid === w.participant_sid && keyOf(h) === keyOf(w)));
    if (!same) {
      if (held.length > 0) {
        plan.release.push(session.sid);
        this.#releasing.add(session.sid);
      }
      plan.acquire.push(...wanted);
    }
    for (const assignment of wanted) {
      this.#claiming.set(keyOf(assignment), session.sid);
      plan.claims.push([keyOf(assignment), session.sid]);
    }
  }

  #write<T extends object>(
    into: T[],
    resource: 'sessions' | 'participants' | 'interactions',
    row: T,
    existing: T | undefined,
    columns: ReadonlyArray<keyof T>,
    plan: SessionPlan,
  ): void {
    const outcome = outcomeOf(row, existing, columns);
    plan.tally.count(resource, outcome);
    if (outcome !== 'unchanged') into.push(row);
  }
}
