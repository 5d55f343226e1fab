// Twilio's side of the Twilio carrier tests: its account, signed webhooks built as Twilio builds
// them (form params, X-Twilio-Signature over PARLEY_PUBLIC_URL + path), its TwiML answers, and
// the settings that run Parley on it. The people and the pool are carrier-harness.ts's; the
// scenarios' adapter is twilio-adapter.ts.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import type { TestApp } from './app.js';
import type { CarrierWebhook } from './carrier-adapter.js';
import { deliver } from './carrier-adapter.js';
import type { FakeTwilio } from './fake-twilio.js';
import type { Response } from './http-client.js';
import { PUBLIC_URL, signWebhook } from './webhook-signing.js';
import type { SigningOptions, WebhookSigner } from './webhook-signing.js';

export { PUBLIC_URL } from './webhook-signing.js';
export type { SigningOptions } from './webhook-signing.js';

export const TWILIO_ACCOUNT_SID = 'AC5ef8732a3c49700934481addd5ce1659';
export const TWILIO_AUTH_TOKEN = 'twilio-auth-token-for-the-tests-0123';
export const OTHER_TWILIO_ACCOUNT_SID = 'AC00000000000000000000000000000000';

export type Params = Record<string, string>;

export const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!);
}

function attributes(tag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const match of tag.matchAll(/([A-Za-z]+)="([^"]*)"/g)) result[match[1]!] = unescapeXml(match[2]!);
  return result;
}

/** The one <Dial><Number> of a bridging TwiML answer. */
export function parseDial(xml: string): { dial: Record<string, string>; number: Record<string, string>; dialled: string } {
  const match =
    /^(?:<\?xml[^>]*\?>)?\s*<Response>\s*<Dial(\s[^>]*)?>\s*<Number(\s[^>]*)?>([^<]*)<\/Number>\s*<\/Dial>\s*<\/Response>\s*$/.exec(xml);
  assert.ok(match, `not a <Dial><Number> TwiML answer: ${xml}`);
  return { dial: attributes(match[1] ?? ''), number: attributes(match[2] ?? ''), dialled: unescapeXml(match[3]!.trim()) };
}

export function assertTwiml(response: Response): void {
  assert.equal(response.status, 200, response.text);
  assert.match(response.headers.get('content-type') ?? '', /^text\/xml/);
}

export const isEmptyResponse = (xml: string) => /^(?:<\?xml[^>]*\?>)?\s*(<Response\s*\/>|<Response>\s*<\/Response>)\s*$/.test(xml);
export const isReject = (xml: string) => /^(?:<\?xml[^>]*\?>)?\s*<Response>\s*<Reject\s*\/>\s*<\/Response>\s*$/.test(xml);

/** Twilio signs with the account's auth token, as twilio-node's own validator checks it. */
export const TWILIO_SIGNER: WebhookSigner = {
  header: 'x-twilio-signature',
  key: TWILIO_AUTH_TOKEN,
  sign: (key, url, params) => twilio.getExpectedTwilioSignature(key, url, params),
};

/** A Twilio webhook as Twilio sends it: form params, X-Twilio-Signature over `signedUrl` + params (`token`: TWILIO_AUTH_TOKEN by default). */
export function signedWebhook(path: string, params: Params, options: SigningOptions = {}): CarrierWebhook {
  return signWebhook(TWILIO_SIGNER, path, params, options);
}

/** Posts a Twilio webhook as Twilio does (signedWebhook). */
export function webhook(t: TestApp, path: string, params: Params, options: SigningOptions = {}): Promise<Response> {
  return deliver(t, signedWebhook(path, params, options));
}

export function inboundSms(from: string, to: string, body: string, extra: Params = {}): Params {
  const messageSid = sid('SM');
  return {
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: messageSid,
    NumMedia: '0',
    ToCity: 'SAN FRANCISCO',
    FromZip: '10001',
    SmsSid: messageSid,
    FromState: 'NY',
    SmsStatus: 'received',
    FromCity: 'NEW YORK',
    Body: body,
    FromCountry: 'US',
    To: to,
    ToZip: '94105',
    NumSegments: '1',
    MessageSid: messageSid,
    AccountSid: TWILIO_ACCOUNT_SID,
    From: from,
    ApiVersion: '2010-04-01',
    ...extra,
  };
}

export function inboundCall(from: string, to: string, extra: Params = {}): Params {
  return {
    AccountSid: TWILIO_ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    CallSid: sid('CA'),
    CallStatus: 'ringing',
    Called: to,
    Caller: from,
    Direction: 'inbound',
    From: from,
    FromCountry: 'US',
    To: to,
    ToCountry: 'US',
    ...extra,
  };
}

export const messagesPath = `/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Messages.json`;

export function twilioEnv(fake: FakeTwilio, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PARLEY_CARRIER: 'twilio',
    PARLEY_TWILIO_ACCOUNT_SID: TWILIO_ACCOUNT_SID,
    PARLEY_TWILIO_AUTH_TOKEN: TWILIO_AUTH_TOKEN,
    PARLEY_TWILIO_API_URL: fake.url,
    PARLEY_PUBLIC_URL: PUBLIC_URL,
    PARLEY_OUTBOX_POLL_MS: '20',
    ...extra,
  };
}
