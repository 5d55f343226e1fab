// SignalWire as the carrier scenarios see it (compatible-adapter.ts): the fake of its
// Compatibility API, form webhooks signed with X-SignalWire-Signature by the project's Signing Key
// (not its API token), and UUIDs for ids, which Parley records as SM/CA + their hex digits.

import { compatibleAdapter } from './compatible-adapter.js';
import type { CompatibleCarrier } from './compatible-adapter.js';
import {
  OTHER_SIGNALWIRE_PROJECT_ID,
  SIGNALWIRE_API_TOKEN,
  SIGNALWIRE_PROJECT_ID,
  SIGNALWIRE_SIGNER,
  recordedSid,
  signalwireCall,
  signalwireEnv,
  signalwireSms,
  startFakeSignalWire,
  uuidOf,
} from './signalwire-webhooks.js';
import { signWebhook } from './webhook-signing.js';
import { randomUUID } from 'node:crypto';

export const SIGNALWIRE: CompatibleCarrier = {
  name: 'SignalWire',
  route: '/carriers/signalwire',
  accountSid: SIGNALWIRE_PROJECT_ID,
  otherAccountSid: OTHER_SIGNALWIRE_PROJECT_ID,
  signer: SIGNALWIRE_SIGNER,
  apiToken: SIGNALWIRE_API_TOKEN,
  wrongKeys: [
    { name: 'the API token, not the Signing Key', key: SIGNALWIRE_API_TOKEN },
    { name: 'another Signing Key', key: 'PSK_some-other-signing-key' },
  ],
  sendJobKind: 'signalwire-message',
  // The Compatibility API's message statuses are Twilio's, less "read".
  messageStatuses: { sending: 'sending', sent: 'sent', delivered: 'delivered', undelivered: 'undelivered', failed: 'failed' },
  startFake: startFakeSignalWire,
  env: (fake) => signalwireEnv(fake),
  newId: () => randomUUID(),
  recordedSid,
  carrierId: (_kind, recorded) => uuidOf(recorded),
  // SignalWire's IncomingPhoneNumbers are UUIDs too: PN + their hex digits.
  numberSid: (id) => 'PN' + id.replace(/-/g, ''),
  inboundSms: (from, to, body, media) => signalwireSms(from, to, body, media),
  inboundCall: (from, to) => signalwireCall(from, to),
  // X-SignalWire-Signature decides when it is there: a right X-Twilio-Signature beside a wrong one does not help.
  moreForgeries: (path, params) => [
    {
      name: 'a wrong X-SignalWire-Signature beside a right X-Twilio-Signature',
      webhook: signWebhook(SIGNALWIRE_SIGNER, path, params, {
        signature: 'not-a-signature',
        headers: { 'x-twilio-signature': signWebhook(SIGNALWIRE_SIGNER, path, params).headers['x-signalwire-signature']! },
      }),
    },
  ],
};

export const signalwireAdapter = compatibleAdapter(SIGNALWIRE);
