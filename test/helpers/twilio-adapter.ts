// Twilio as the carrier scenarios see it (compatible-adapter.ts): the fake of api.twilio.com,
// form webhooks signed with X-Twilio-Signature by the auth token (twilio-node's own signer), and
// Twilio's SIDs, which Parley records as they are.

import { compatibleAdapter } from './compatible-adapter.js';
import type { CompatibleCall, CompatibleCarrier } from './compatible-adapter.js';
import { startFakeTwilio } from './fake-twilio.js';
import {
  OTHER_TWILIO_ACCOUNT_SID,
  TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN,
  TWILIO_SIGNER,
  inboundCall,
  inboundSms,
  sid,
  twilioEnv,
} from './twilio-webhooks.js';

export type TwilioCall = CompatibleCall;

export const TWILIO: CompatibleCarrier = {
  name: 'Twilio',
  route: '/carriers/twilio',
  accountSid: TWILIO_ACCOUNT_SID,
  otherAccountSid: OTHER_TWILIO_ACCOUNT_SID,
  signer: TWILIO_SIGNER,
  apiToken: TWILIO_AUTH_TOKEN,
  wrongKeys: [{ name: 'another auth token', key: 'some-other-auth-token' }],
  sendJobKind: 'twilio-message',
  messageStatuses: {
    sending: 'sending',
    sent: 'sent',
    delivered: 'delivered',
    read: 'delivered',
    undelivered: 'undelivered',
    failed: 'failed',
  },
  startFake: startFakeTwilio,
  env: (fake) => twilioEnv(fake),
  newId: (kind) => sid(kind === 'Message' ? 'SM' : 'CA'),
  recordedSid: (_kind, id) => id,
  carrierId: (_kind, recorded) => recorded,
  numberSid: (id) => id,
  inboundSms: (from, to, body, media) => inboundSms(from, to, body, media),
  inboundCall: (from, to) => inboundCall(from, to),
  moreForgeries: () => [],
};

export const twilioAdapter = compatibleAdapter(TWILIO);
