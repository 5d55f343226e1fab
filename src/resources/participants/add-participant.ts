// Adding a participant to a session: shared by Participant create and Session create with
// `Participants`. Runs inside the caller's transaction, which has locked the identifier, and hands
// back the new row behind its writes (db/commit-with.ts): the caller awaits them or commits with them.

import type { Kysely } from 'kysely';
import type { Database, ParticipantRow, PhoneNumberRow, ServiceRow, SessionRow } from '../../db/schema.js';
import { commitWith } from '../../db/commit-with.js';
import type { CommitWith } from '../../db/commit-with.js';
import { isUniqueViolation } from '../../db/constraint-errors.js';
import { ApiError, invalidParameter } from '../../errors/api-error.js';
import { newSid } from '../../common/sids.js';
import { parsePhoneNumber } from '../../phone/phone-number.js';
import type { PhoneNumber } from '../../phone/phone-number.js';
import { needsOf, selectNumber } from '../../pool/number-selection.js';
import { acquire, AssignmentConflict } from '../../pool/pool.repository.js';
import { findInAccount } from '../phone-numbers/phone-numbers.repository.js';
import { isActive } from '../sessions/sessions.expiry.js';
import type { ParticipantInput } from '../sessions/session-participants.js';
import { insertParticipant } from './participants.repository.js';
import type { Member } from './participants.repository.js';
import { together } from '../../db/together.js';

/** Twilio's limit (80609). */
export const MAX_PARTICIPANTS = 2;

/** The participant's real number, or 80404. */
export function parseIdentifier(identifier: string): PhoneNumber {
  const number = parsePhoneNumber(identifier);
  if (number === null) {
    throw new ApiError(80404, `Participant identifier provided does not appear to be a valid, reachable phone number: '${identifier}'.`);
  }
  return number;
}

/**
 * Where the participant goes. `members` is everyone who is or was in the session, read under the
 * session's lock (or SQLite's one writer), so it cannot change under us.
 */
export interface Destination {
  service: ServiceRow;
  session: SessionRow;
  members: readonly Member[];
}

export async function addParticipant(
  trx: Kysely<Database>,
  { service, session, members }: Destination,
  input: ParticipantInput,
  identifier: PhoneNumber,
  now: number,
): Promise<CommitWith<ParticipantRow>> {
  if (!isActive(session.status)) throw new ApiError(80607, 'Session is closed and cannot be updated: participants cannot be added to it');
  const existing = members.find((member) => member.identifier === identifier.e164);
  if (existing !== undefined) throw new ApiError(existing.date_deleted === null ? 80103 : 80612);
  if (members.filter((member) => member.date_deleted === null).length >= MAX_PARTICIPANTS) throw new ApiError(80609);

  const pinned = input.proxyIdentifier !== undefined || input.proxyIdentifierSid !== undefined;
  const number = pinned
    ? await pinnedNumber(trx, service, session.mode, input)
    : await selectNumber(trx, service, session.mode, identifier);
  const row: ParticipantRow = {
    sid: newSid('KP'),
    account_sid: service.account_sid,
    service_sid: service.sid,
    session_sid: session.sid,
    identifier: identifier.e164,
    friendly_name: input.friendlyName ?? null,
    proxy_identifier: number.phone_number,
    proxy_identifier_sid: number.sid,
    date_deleted: null,
    date_created: now,
    date_updated: now,
  };
  const assignment = {
    participant_sid: row.sid,
    service_sid: service.sid,
    session_sid: session.sid,
    identifier: identifier.e164,
    phone_number_sid: number.sid,
    date_created: now,
  };
  // Issued together (one round trip on PostgreSQL; they touch different rows), and left for the
  // caller to await or commit with. The first failure in issue order is the one reported.
  const written = together([
    insertParticipant(trx, row).catch((err: unknown) => {
      throw isUniqueViolation(err) ? new ApiError(80103) : err;
    }),
    acquire(trx, assignment).catch((err: unknown) => {
      // A chosen number can lose a race (retried by the caller); a pinned one is simply taken.
      if (pinned && err instanceof AssignmentConflict) {
        throw new ApiError(
          80623,
          `Possible duplicate Participant created in multiple Sessions: ${identifier.e164} already holds proxy number ${number.phone_number} in another active session.`,
        );
      }
      throw err;
    }),
  ]);
  return commitWith(written, row);
}

/** The pool number named by ProxyIdentifier / ProxyIdentifierSid; reserved numbers are allowed. */
async function pinnedNumber(trx: Kysely<Database>, service: ServiceRow, mode: string, input: ParticipantInput): Promise<PhoneNumberRow> {
  let bySid: PhoneNumberRow | undefined;
  let byNumber: PhoneNumberRow | undefined;
  if (input.proxyIdentifierSid !== undefined) {
    bySid = await findInAccount(trx, service.account_sid, { sid: input.proxyIdentifierSid });
    if (bySid?.service_sid !== service.sid) throw notInService(input.proxyIdentifierSid);
  }
  if (input.proxyIdentifier !== undefined) {
    const e164 = parsePhoneNumber(input.proxyIdentifier)?.e164;
    byNumber = e164 === undefined ? undefined : await findInAccount(trx, service.account_sid, { e164 });
    if (byNumber?.service_sid !== service.sid) throw notInService(input.proxyIdentifier);
  }
  if (bySid !== undefined && byNumber !== undefined && bySid.sid !== byNumber.sid) {
    throw invalidParameter(
      'ProxyIdentifierSid',
      `ProxyIdentifierSid ${bySid.sid} is not the number ${byNumber.phone_number} given as ProxyIdentifier`,
    );
  }
  const number = (bySid ?? byNumber)!;
  const needs = needsOf(mode);
  if (needs.needVoice && number.cap_voice !== 1)
    throw new ApiError(80201, `Proxy number ${number.phone_number} cannot carry voice, which this ${mode} session needs.`);
  if (needs.needSms && number.cap_sms !== 1)
    throw new ApiError(80202, `Proxy number ${number.phone_number} cannot carry SMS, which this ${mode} session needs.`);
  return number;
}

function notInService(given: string): ApiError {
  return new ApiError(80605, `Proxy identifier not associated with service: ${given} is not in this service's number pool.`);
}
