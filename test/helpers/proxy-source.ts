// A Parley playing Twilio for `parley import twilio-proxy`: a test app (the "source") whose
// database is filled straight through the repositories, a unit of work per 500 sessions (10,000
// sessions through the API would take minutes), and then served by its API like any other.
// Shape: one service, a pool of numbers, sessions whose first participant is a customer of their
// own and whose second is one of a few couriers (each in many sessions, each time with another
// number: the masking invariant holds). Every tenth session is closed. Interactions alternate
// between routed messages and MessageInteractions. Dates fall on whole
// seconds, as the API shows them, so the target's rows can equal the source's.

import type { DatabaseHandle } from '../../src/db/database.js';
import type { AssignmentRow, ParticipantRow, PhoneNumberRow, ServiceRow, SessionRow } from '../../src/db/schema.js';
import { newSid } from '../../src/common/sids.js';
import { insertService } from '../../src/resources/services/services.repository.js';
import { insertPhoneNumber } from '../../src/resources/phone-numbers/phone-numbers.repository.js';
import { insertSession } from '../../src/resources/sessions/sessions.repository.js';
import { insertParticipant } from '../../src/resources/participants/participants.repository.js';
import { insertInteraction } from '../../src/resources/interactions/interactions.repository.js';
import { acquire } from '../../src/pool/pool.repository.js';
import { expiresAt } from '../../src/resources/sessions/sessions.expiry.js';

export interface SourceShape {
  sessions: number;
  /** Pool numbers (default 100); couriers are in at most this many sessions at once. */
  poolSize?: number;
  couriers?: number;
  /** Interactions per session (default 0). */
  interactions?: number;
  /** The service's unique name (default `source-<random>`). */
  uniqueName?: string;
  /** The first pool number: +1415 555 (1000 + this) (default 0). */
  firstNumber?: number;
}

export interface PopulatedSource {
  service: ServiceRow;
  pool: PhoneNumberRow[];
  sessions: SessionRow[];
  participants: ParticipantRow[];
}

const BATCH = 500;

export async function populateSource(database: DatabaseHandle, accountSid: string, shape: SourceShape): Promise<PopulatedSource> {
  const poolSize = shape.poolSize ?? 100;
  const couriers = shape.couriers ?? 200;
  // Whole seconds, a day ago; every expiry weeks ahead, so nothing expires during a test.
  const base = Math.floor(Date.now() / 1000) * 1000 - 86_400_000;
  const service: ServiceRow = {
    sid: newSid('KS'),
    account_sid: accountSid,
    unique_name: shape.uniqueName ?? `source-${newSid('')}`,
    default_ttl: 0,
    callback_url: 'https://shop.example.com/proxy-callback',
    geo_match_level: 'country',
    number_selection_behavior: 'prefer-sticky',
    intercept_callback_url: null,
    out_of_session_callback_url: null,
    chat_instance_sid: null,
    date_created: base - 3_600_000,
    date_updated: base - 3_600_000,
  };
  const pool = Array.from({ length: poolSize }, (_, k) => poolRow(service, (shape.firstNumber ?? 0) + k, k % 10 === 9, base));
  await database.transactions.run(async (uow) => {
    insertService(uow, service);
    for (const row of pool) insertPhoneNumber(uow, row);
  });
  const sessions: SessionRow[] = [];
  const participants: ParticipantRow[] = [];
  for (let start = 0; start < shape.sessions; start += BATCH) {
    await database.transactions.run(async (uow) => {
      for (let i = start; i < Math.min(shape.sessions, start + BATCH); i++) {
        const session = sessionRow(service, i, base);
        const members = [
          participantRow(session, `+1646${2_200_000 + i}`, pool[(i * 7) % poolSize]!, 'Customer'),
          participantRow(
            session,
            `+1917${5_550_000 + (i % couriers)}`,
            pool[(Math.floor(i / couriers) + (i % couriers)) % poolSize]!,
            'Courier',
          ),
        ];
        insertSession(uow, session);
        for (const member of members) {
          insertParticipant(uow, member);
          if (session.status !== 'closed') acquire(uow, assignmentOf(member));
        }
        for (let n = 0; n < (shape.interactions ?? 0); n++) insertInteraction(uow, interactionRow(session, members, n));
        sessions.push(session);
        participants.push(...members);
      }
    });
  }
  return { service, pool, sessions, participants };
}

/** The assignment a participant of an active session holds: its identifier and its proxy number. */
export function assignmentOf(participant: ParticipantRow): AssignmentRow {
  return {
    participant_sid: participant.sid,
    service_sid: participant.service_sid,
    session_sid: participant.session_sid,
    identifier: participant.identifier,
    phone_number_sid: participant.proxy_identifier_sid,
    date_created: participant.date_created,
  };
}

function poolRow(service: ServiceRow, k: number, reserved: boolean, base: number): PhoneNumberRow {
  return {
    sid: newSid('PN'),
    account_sid: service.account_sid,
    service_sid: service.sid,
    phone_number: `+1415555${1000 + k}`,
    owner_scope: service.account_sid,
    friendly_name: `(415) 555-${1000 + k}`,
    iso_country: 'US',
    area_code: '415',
    cap_voice: 1,
    cap_sms: 1,
    cap_mms: k % 2,
    cap_fax: 0,
    is_reserved: reserved ? 1 : 0,
    in_use: 0,
    last_assigned_at: 0,
    date_created: base - 1_800_000,
    date_updated: base - 1_800_000,
  };
}

function sessionRow(service: ServiceRow, i: number, base: number): SessionRow {
  const created = base + i * 1000;
  const closed = i % 10 === 9;
  const row: SessionRow = {
    sid: newSid('KC'),
    account_sid: service.account_sid,
    service_sid: service.sid,
    unique_name: i % 2 === 0 ? `order-${i}` : null,
    status: closed ? 'closed' : i % 3 === 0 ? 'in-progress' : 'open',
    closed_reason: closed ? 'api' : null,
    mode: 'voice-and-message',
    // Weeks ahead: a TTL of 30 days, or an expiry date 60 days out, or neither.
    ttl: i % 3 === 1 ? 30 * 86_400 : 0,
    date_expiry: i % 3 === 2 ? base + 60 * 86_400_000 : null,
    date_started: i % 3 === 0 ? created : null,
    date_ended: closed ? created + 60_000 : null,
    date_last_interaction: null,
    ttl_started_at: created,
    expires_at: null,
    date_created: created,
    date_updated: closed ? created + 60_000 : created,
  };
  row.expires_at = expiresAt(row, service.default_ttl);
  return row;
}

function participantRow(session: SessionRow, identifier: string, number: PhoneNumberRow, name: string): ParticipantRow {
  return {
    sid: newSid('KP'),
    account_sid: session.account_sid,
    service_sid: session.service_sid,
    session_sid: session.sid,
    identifier,
    friendly_name: name,
    proxy_identifier: number.phone_number,
    proxy_identifier_sid: number.sid,
    date_deleted: null,
    date_created: session.date_created,
    date_updated: session.date_created,
  };
}

/** Even ones routed from the customer to the courier; odd ones MessageInteractions (sent through the API to the courier). */
function interactionRow(session: SessionRow, [from, to]: ParticipantRow[], n: number) {
  const at = session.date_created + (n + 1) * 1000;
  const routed = n % 2 === 0;
  return {
    sid: newSid('KI'),
    account_sid: session.account_sid,
    service_sid: session.service_sid,
    session_sid: session.sid,
    type: 'message',
    data: JSON.stringify({ body: `message ${n} of ${session.sid}` }),
    participant_sid: routed ? null : to!.sid,
    inbound_participant_sid: routed ? from!.sid : null,
    inbound_resource_sid: routed ? newSid('SM') : null,
    inbound_resource_status: routed ? 'received' : null,
    inbound_resource_type: routed ? 'Message' : null,
    inbound_resource_url: null,
    outbound_participant_sid: to!.sid,
    outbound_resource_sid: newSid('SM'),
    outbound_resource_status: 'delivered',
    outbound_resource_type: 'Message',
    outbound_resource_url: null,
    error_code: null,
    date_created: at,
    date_updated: at,
  };
}
