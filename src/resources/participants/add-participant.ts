// Adding a participant to a session: shared by Participant create and Session create with
// `Participants`. Runs in the caller's unit of work, which has locked the identifier; its writes
// are left for the unit to settle (their refusals say which Twilio error each violation means).

import type { ParticipantRow, PhoneNumberRow, ServiceRow, SessionRow } from '../../db/schema.js';
import { isUniqueViolation, uniqueViolationAs } from '../../db/constraint-errors.js';
import { ApiError, invalidParameter } from '../../errors/api-error.js';
import { newSid } from '../../common/sids.js';
import { parsePhoneNumber } from '../../phone/phone-number.js';
import { MAX_PARTICIPANTS } from '../sessions/sessions.service.js';
import type { PhoneNumber } from '../../phone/phone-number.js';
import { needsOf, selectNumber } from '../../pool/number-selection.js';
import { acquire } from '../../pool/pool.repository.js';
import { findInAccount } from '../phone-numbers/phone-numbers.repository.js';
import { isActive } from '../sessions/sessions.expiry.js';
import type { ParticipantInput } from '../sessions/sessions.service.js';
import { insertParticipant } from './participants.repository.js';
import type { Member } from './participants.repository.js';
import type { Db, Refusal, UnitOfWork } from '../../db/unit-of-work.js';

/**
 * Where the participant goes. `members` is everyone who is or was in the session, read under the
 * session's lock (or SQLite's one writer), so it cannot change under us.
 */
export interface Destination {
  service: ServiceRow;
  session: SessionRow;
  members: readonly Member[];
}

/** `located` prefixes the errors of its writes with where the participant was given ("Participants[1]: "). */
export async function addParticipant(
  uow: UnitOfWork,
  { service, session, members }: Destination,
  input: ParticipantInput,
  identifier: PhoneNumber,
  now: number,
  located = '',
): Promise<ParticipantRow> {
  if (!isActive(session.status)) throw new ApiError(80607, { detail: 'participants cannot be added to it' });
  const existing = members.find((member) => member.identifier === identifier.e164);
  if (existing !== undefined) throw new ApiError(existing.date_deleted === null ? 80103 : 80612);
  if (members.filter((member) => member.date_deleted === null).length >= MAX_PARTICIPANTS) throw new ApiError(80609);

  const pinned = input.proxyIdentifier !== undefined || input.proxyIdentifierSid !== undefined;
  const number = pinned
    ? await pinnedNumber(uow, service, session.mode, input)
    : await selectNumber(uow, service, session.mode, identifier);
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
  const locate =
    (refusal: Refusal): Refusal =>
    (err) => {
      const refused = refusal(err);
      return refused instanceof ApiError && located !== '' ? refused.within(located) : refused;
    };
  insertParticipant(uow, row, locate(uniqueViolationAs(() => new ApiError(80103))));
  const assignment = {
    participant_sid: row.sid,
    service_sid: service.sid,
    session_sid: session.sid,
    identifier: identifier.e164,
    phone_number_sid: number.sid,
    date_created: now,
  };
  // A chosen number can lose a race (AssignmentConflict: the caller retries); a pinned one is simply taken.
  if (!pinned) acquire(uow, assignment);
  else {
    const taken = () =>
      new ApiError(80623, { detail: `${identifier.e164} already holds proxy number ${number.phone_number} in another active session.` });
    acquire(
      uow,
      assignment,
      locate((err) => (isUniqueViolation(err) ? taken() : undefined)),
    );
  }
  return row;
}

/** The pool number named by ProxyIdentifier / ProxyIdentifierSid; reserved numbers are allowed. */
async function pinnedNumber(db: Db, service: ServiceRow, mode: string, input: ParticipantInput): Promise<PhoneNumberRow> {
  let bySid: PhoneNumberRow | undefined;
  let byNumber: PhoneNumberRow | undefined;
  if (input.proxyIdentifierSid !== undefined) {
    bySid = await findInAccount(db, service.account_sid, { sid: input.proxyIdentifierSid });
    if (bySid?.service_sid !== service.sid) throw notInService(input.proxyIdentifierSid);
  }
  if (input.proxyIdentifier !== undefined) {
    const e164 = parsePhoneNumber(input.proxyIdentifier, 'possible')?.e164;
    byNumber = e164 === undefined ? undefined : await findInAccount(db, service.account_sid, { e164 });
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
    throw new ApiError(80201, {
      detail: `The proxy number asked for, ${number.phone_number}, cannot carry voice, which this ${mode} session needs.`,
    });
  if (needs.needSms && number.cap_sms !== 1)
    throw new ApiError(80202, {
      detail: `The proxy number asked for, ${number.phone_number}, cannot carry SMS, which this ${mode} session needs.`,
    });
  return number;
}

function notInService(given: string): ApiError {
  return new ApiError(80605, { detail: `${given} is not in this service's number pool.` });
}
