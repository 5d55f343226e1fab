// The carrier account's own numbers, read from its IncomingPhoneNumbers (Twilio's, or SignalWire's
// Compatibility API's, whose ids are UUIDs: CompatibleApi.numberId) through the carrier's
// bounded client, for a pool number added by `Sid` alone as Twilio's Proxy docs add it. A 404 is
// "not in the account"; anything else that is not an answer (unreachable, 5xx, 429, no time, too
// large, unreadable) is 20503, with Retry-After where retrying can help.

import { ApiError } from '../../errors/api-error.js';
import type { OutboundClient } from '../../outbound/outbound-client.js';
import { OutboundError } from '../../outbound/outbound-client.js';
import type { CarrierNumber, CarrierNumbers } from '../../resources/phone-numbers/carrier-numbers.js';
import { CAPABILITIES } from '../../resources/phone-numbers/phone-numbers.model.js';
import type { CompatibleApi } from './compatible-api.js';
import { authorization } from './compatible-api.js';

const RETRY = { 'Retry-After': '5' };

function unavailable(carrier: string, sid: string, why: string, retry: boolean): ApiError {
  return new ApiError(20503, {
    detail: `${carrier}'s IncomingPhoneNumbers could not be read for ${sid}: ${why}.${retry ? ' Retry shortly.' : ''}`,
    headers: retry ? RETRY : {},
  });
}

export class CompatibleNumbers implements CarrierNumbers {
  constructor(
    private readonly http: OutboundClient,
    private readonly api: CompatibleApi,
  ) {}

  async bySid(sid: string): Promise<CarrierNumber | undefined> {
    let answer;
    try {
      answer = await this.http.get(`${this.api.accountUrl}/IncomingPhoneNumbers/${this.api.numberId(sid)}.json`, {
        headers: { authorization: authorization(this.api), accept: 'application/json' },
        timeoutMs: 15_000,
      });
    } catch (err) {
      if (err instanceof OutboundError) throw unavailable(this.api.title, sid, err.reason, true);
      throw err;
    }
    if (answer.status === 404) return undefined;
    if (answer.status < 200 || answer.status > 299) {
      // A 401 or 403 is Parley's credentials, which no retry mends; a 429 or 5xx will pass.
      const passing = answer.status === 429 || answer.status >= 500;
      throw unavailable(this.api.title, sid, `${this.api.title} answered HTTP ${answer.status}`, passing);
    }
    const number = parse(answer.body);
    if (number === undefined) throw unavailable(this.api.title, sid, `${this.api.title} answered without a phone_number`, false);
    return number;
  }
}

/** The fields Parley keeps of an IncomingPhoneNumber: its number, friendly name and capabilities ({voice, sms, mms, fax}). */
function parse(body: string): CarrierNumber | undefined {
  let resource: { phone_number?: unknown; friendly_name?: unknown; capabilities?: unknown };
  try {
    resource = JSON.parse(body) as typeof resource;
  } catch {
    return undefined;
  }
  if (typeof resource?.phone_number !== 'string' || resource.phone_number === '') return undefined;
  const flags = typeof resource.capabilities === 'object' && resource.capabilities !== null ? resource.capabilities : {};
  // Keys are lower case on the wire; the docs' prose writes them "Voice", "SMS", "MMS".
  const has = new Set(Object.entries(flags).flatMap(([key, value]) => (value === true ? [key.toLowerCase()] : [])));
  return {
    phoneNumber: resource.phone_number,
    friendlyName: typeof resource.friendly_name === 'string' && resource.friendly_name !== '' ? resource.friendly_name : null,
    capabilities: CAPABILITIES.filter((capability) => has.has(capability)),
  };
}
