// SignalWire's side of the SignalWire carrier tests: its project, its Compatibility API (the fake
// in SignalWire's dialect), webhooks signed as SignalWire signs them, and the settings that run
// Parley on it. SignalWire's TwiML (cXML) is Twilio's: twilio-webhooks.ts reads it.

import { createHmac, randomUUID } from 'node:crypto';
import { FakeTwilio } from './fake-twilio.js';
import type { FakeApiDialect } from './fake-twilio.js';
import type { Params } from './twilio-webhooks.js';
import { PUBLIC_URL } from './webhook-signing.js';
import type { SignedParams, WebhookSigner } from './webhook-signing.js';

export const SIGNALWIRE_PROJECT_ID = '5f0c4b1e-9a3d-4c2b-8e7f-1a2b3c4d5e6f';
export const OTHER_SIGNALWIRE_PROJECT_ID = '00000000-0000-4000-8000-000000000000';
export const SIGNALWIRE_API_TOKEN = 'PT0123456789abcdef0123456789abcdef0123456789abcd';
export const SIGNALWIRE_SIGNING_KEY = 'PSK_signalwire-signing-key-for-the-tests';
export const SIGNALWIRE_SPACE = 'example.signalwire.com';

/**
 * SignalWire's signature of a Compatibility (cXML) webhook, written from its validators (see
 * src/carriers/signalwire/signalwire.api.ts) and held to vectors that @signalwire/compatibility-api
 * computes (test/unit/signalwire-signature.test.ts): base64 HMAC-SHA1 with the Signing Key over the
 * URL, then each parameter's name and value, names sorted, a repeated one once per value in the
 * order sent.
 */
export function signalwireSignature(signingKey: string, url: string, params: SignedParams): string {
  let text = url;
  for (const name of Object.keys(params).sort()) {
    for (const value of ([] as string[]).concat(params[name]!)) text += name + value;
  }
  return createHmac('sha1', signingKey).update(text, 'utf8').digest('base64');
}

/** SignalWire sends X-SignalWire-Signature, signed with the project's Signing Key. */
export const SIGNALWIRE_SIGNER: WebhookSigner = {
  header: 'x-signalwire-signature',
  key: SIGNALWIRE_SIGNING_KEY,
  sign: signalwireSignature,
};

/** SignalWire's ids are UUIDs; Parley records SM/CA + their 32 hex digits. */
export function recordedSid(kind: 'Message' | 'Call', uuid: string): string {
  return (kind === 'Message' ? 'SM' : 'CA') + uuid.replace(/-/g, '');
}

/** The UUID again, from the SID Parley recorded. */
export function uuidOf(recorded: string): string {
  const hex = recorded.slice(2);
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}

export const SIGNALWIRE_DIALECT: FakeApiDialect = {
  name: 'SignalWire',
  accountPath: '/api/laml/2010-04-01/Accounts/{account}',
  account: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
  newMessageId: () => randomUUID(),
  newNumberId: () => randomUUID(),
  numberId: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
  recordedId: (id) => recordedSid('Message', id),
  moreInfo: (code) => `https://developer.signalwire.com/compatibility-api/reference/error-codes#${code}`,
};

export function startFakeSignalWire(): Promise<FakeTwilio> {
  return new FakeTwilio(SIGNALWIRE_DIALECT).start();
}

export const signalwireMessagesPath = `/api/laml/2010-04-01/Accounts/${SIGNALWIRE_PROJECT_ID}/Messages.json`;

export function signalwireEnv(fake: FakeTwilio, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PARLEY_CARRIER: 'signalwire',
    PARLEY_SIGNALWIRE_PROJECT_ID: SIGNALWIRE_PROJECT_ID,
    PARLEY_SIGNALWIRE_API_TOKEN: SIGNALWIRE_API_TOKEN,
    PARLEY_SIGNALWIRE_SIGNING_KEY: SIGNALWIRE_SIGNING_KEY,
    PARLEY_SIGNALWIRE_SPACE_URL: SIGNALWIRE_SPACE,
    PARLEY_SIGNALWIRE_API_URL: fake.url,
    PARLEY_PUBLIC_URL: PUBLIC_URL,
    PARLEY_OUTBOX_POLL_MS: '20',
    ...extra,
  };
}

/** SignalWire's messaging webhook (Messaging XML's request parameters). */
export function signalwireSms(from: string, to: string, body: string, extra: Params = {}): Params {
  const messageSid = randomUUID();
  return {
    MessageSid: messageSid,
    SmsSid: messageSid,
    AccountSid: SIGNALWIRE_PROJECT_ID,
    From: from,
    To: to,
    Body: body,
    NumMedia: '0',
    NumSegments: '1',
    MessageStatus: 'received',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
    ...extra,
  };
}

/** SignalWire's voice webhook (Voice XML's request parameters). */
export function signalwireCall(from: string, to: string, extra: Params = {}): Params {
  return {
    CallSid: randomUUID(),
    AccountSid: SIGNALWIRE_PROJECT_ID,
    From: from,
    To: to,
    CallStatus: 'ringing',
    ApiVersion: '2010-04-01',
    Direction: 'inbound',
    ForwardedFrom: '',
    CallerName: '',
    ...extra,
  };
}
