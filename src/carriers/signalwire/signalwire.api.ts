// SignalWire as the carrier (PARLEY_CARRIER=signalwire), through its Compatibility API (LaML/cXML),
// which follows Twilio's REST paths, form webhooks, TwiML and status words: the carrier itself is
// twilio-compatible/, shared with Twilio. What is SignalWire's own:
//
// - The REST API is the Space's: https://{space}.signalwire.com/api/laml/2010-04-01/Accounts/{ProjectID}/…,
//   with Basic credentials ProjectID:APIToken; the webhooks' AccountSid is the Project ID.
// - Webhooks are signed with the project's Signing Key (Dashboard → API → API Credentials), not
//   with the API token, in X-SignalWire-Signature; SignalWire's own validators take
//   X-Twilio-Signature as an alias when X-SignalWire-Signature is absent, and so does Parley. The
//   signature of a form (cXML) webhook is Twilio's: base64(HMAC-SHA1(key, URL + each parameter's
//   name and value, names sorted)), but a repeated parameter contributes every value in the order
//   sent (Twilio's validators take each distinct value once, sorted), and the URL is checked with
//   and without its default port. Sources: developer.signalwire.com/guides/webhook-security (the
//   Signing Key, validateRequest); signalwire/compatibility-api-js lib/webhooks/webhooks.js
//   (getExpectedTwilioSignature, toFormUrlEncodedParam, validateRequest with and without the port,
//   the two headers); signalwire/signalwire-python signalwire/core/security/webhook_validator.py
//   and signalwire/signalwire-typescript src/WebhookValidator.ts ("Scheme B": "for repeated keys,
//   keep original submission order, emit key+value once per occurrence"; only the standard port
//   toggled). Their JSON schemes (RELAY/SWML: hex HMAC-SHA1 over URL + raw body; JSON on the
//   Compatibility surface: the URL with ?bodySHA256= signed over no parameters) sign JSON bodies,
//   which Parley's webhooks do not take (form bodies only: a JSON body is a 415).
// - Message, call and IncomingPhoneNumber ids are UUIDs. The Proxy API's SIDs are two letters
//   and 32 hex digits, so Parley records SM (a message) or CA (a call) + the UUID's hex digits,
//   the resource URL keeping the UUID as SignalWire spells it; and a pool number added by `Sid`
//   alone names its IncomingPhoneNumber the same way, PN + the UUID's hex digits.

import type { Config } from '../../config.js';
import type { CompatibleApi, ResourceKind } from '../twilio-compatible/compatible-api.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREFIX: Record<ResourceKind, string> = { Message: 'SM', Call: 'CA' };

/** The SID Parley records for SignalWire's id of a message or call: SM/CA + the UUID's hex (any other id as it is). */
export function signalwireResourceSid(kind: ResourceKind, id: string): string {
  return UUID.test(id) ? PREFIX[kind] + id.replace(/-/g, '').toLowerCase() : id;
}

/** The UUID of the IncomingPhoneNumber that `PN` + its 32 hex digits names. */
export function signalwireNumberId(sid: string): string {
  const hex = sid.slice(2).toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function signalwireApi(signalwire: NonNullable<Config['signalwire']>): CompatibleApi {
  return {
    name: 'signalwire',
    title: 'SignalWire',
    accountSid: signalwire.projectId,
    authToken: signalwire.apiToken,
    accountUrl: `${signalwire.apiUrl}/api/laml/2010-04-01/Accounts/${signalwire.projectId}`,
    sendJobKind: 'signalwire-message',
    signing: { headers: ['x-signalwire-signature', 'x-twilio-signature'], key: signalwire.signingKey, lists: 'as-sent' },
    resourceSid: signalwireResourceSid,
    numberId: signalwireNumberId,
  };
}
