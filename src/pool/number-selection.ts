// Choosing a participant's proxy number (docs/number-selection.md). All of it is here:
//   candidates  the service's unreserved numbers in the participant's country, able to carry the
//               session's mode, not already held by this identifier in another active session;
//   geography   geo_match_level area-code keeps to the NANP area code; overlay and radius prefer
//               it and fall back to the whole country; country (the default) uses the country;
//   preference  prefer-sticky: the identifier's most recent number if still a candidate;
//               avoid-sticky: a number it never had, if any; then fewest active participants,
//               then least recently assigned.
// When nothing fits, diagnose() names the precise reason with Twilio's error code.

import type { ServiceRow } from '../db/schema.js';
import { ApiError } from '../errors/api-error.js';
import type { PhoneNumber } from '../phone/phone-number.js';
import { poolCountryFor } from '../phone/phone-number.js';
import type { ChosenNumber, Criteria } from './pool.repository.js';
import { anyNumber, leastUsedNumber, stickyOrLeastUsedNumber } from './pool.repository.js';
import type { Db } from '../db/unit-of-work.js';

export interface ModeNeeds {
  needVoice: boolean;
  needSms: boolean;
}

export function needsOf(mode: string): ModeNeeds {
  return { needVoice: mode !== 'message-only', needSms: mode !== 'voice-only' };
}

export async function selectNumber(db: Db, service: ServiceRow, mode: string, identifier: PhoneNumber): Promise<ChosenNumber> {
  const base: Criteria = {
    serviceSid: service.sid,
    identifier: identifier.e164,
    country: poolCountryFor(identifier.country),
    areaCode: null,
    ...needsOf(mode),
  };
  const local = identifier.areaCode === null ? null : { ...base, areaCode: identifier.areaCode };
  const attempts =
    local === null
      ? [base]
      : service.geo_match_level === 'area-code'
        ? [local]
        : service.geo_match_level === 'country'
          ? [base]
          : [local, base];
  for (const criteria of attempts) {
    const picked = await preferred(db, service.number_selection_behavior, criteria);
    if (picked !== undefined) return picked;
  }
  throw await diagnose(db, attempts[attempts.length - 1]!, identifier);
}

async function preferred(db: Db, behavior: string, c: Criteria): Promise<ChosenNumber | undefined> {
  if (behavior === 'avoid-sticky') {
    return (await leastUsedNumber(db, c, true)) ?? leastUsedNumber(db, c);
  }
  return stickyOrLeastUsedNumber(db, c);
}

/** Why no number fits, from the broadest reason to the narrowest. */
async function diagnose(db: Db, c: Criteria, identifier: PhoneNumber): Promise<ApiError> {
  const service = c.serviceSid;
  if (!(await anyNumber(db, service))) return new ApiError(80205);
  if (!(await anyNumber(db, service, { country: c.country }))) {
    return new ApiError(80203, { values: { country: identifier.country } });
  }
  if (c.needVoice && !(await anyNumber(db, service, { country: c.country, needVoice: true }))) return new ApiError(80201);
  if (c.needSms && !(await anyNumber(db, service, { country: c.country, needSms: true }))) return new ApiError(80202);
  if (c.needVoice && c.needSms && !(await anyNumber(db, service, { country: c.country, needVoice: true, needSms: true }))) {
    return new ApiError(80201, { detail: 'No number has both voice and sms capabilities, which a voice-and-message session needs.' });
  }
  const matching = { country: c.country, needVoice: c.needVoice, needSms: c.needSms, areaCode: c.areaCode };
  if (c.areaCode !== null && !(await anyNumber(db, service, matching))) {
    return new ApiError(80206, { values: { identifier: identifier.e164 } });
  }
  if (!(await anyNumber(db, service, { ...matching, unreserved: true }))) {
    return new ApiError(80207, { detail: 'The only matching numbers are reserved.' });
  }
  return new ApiError(80208, { values: { identifier: identifier.e164 } });
}
