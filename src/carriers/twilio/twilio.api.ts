// Twilio Programmable Messaging and Voice as the carrier (PARLEY_CARRIER=twilio): its REST API at
// PARLEY_TWILIO_API_URL under the account's SID and auth token, webhooks signed with
// X-Twilio-Signature by that auth token (callbacks/signature.ts), and Twilio's own SIDs. The
// carrier itself is twilio-compatible/, shared with SignalWire.

import type { Config } from '../../config.js';
import type { CompatibleApi } from '../twilio-compatible/compatible-api.js';

export function twilioApi(twilio: NonNullable<Config['twilio']>): CompatibleApi {
  return {
    name: 'twilio',
    title: 'Twilio',
    accountSid: twilio.accountSid,
    authToken: twilio.authToken,
    accountUrl: `${twilio.apiUrl}/2010-04-01/Accounts/${twilio.accountSid}`,
    sendJobKind: 'twilio-message',
    signing: { headers: ['x-twilio-signature'], key: twilio.authToken, lists: 'distinct-sorted' },
    resourceSid: (_kind, id) => id,
    numberId: (sid) => sid,
  };
}
