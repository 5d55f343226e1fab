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
import { formEncode } from './http-client.js';
import type { Response } from './http-client.js';

export const TWILIO_ACCOUNT_SID = 'AC5ef8732a3c49700934481addd5ce1659';
export const TWILIO_AUTH_TOKEN = 'twilio-auth-token-for-the-tests-0123';
export const OTHER_TWILIO_ACCOUNT_SID = 'AC00000000000000000000000000000000';
/** Where Twilio reaches Parley (a real carrier requires PARLEY_PUBLIC_URL); webhooks are signed over it. */
export const PUBLIC_URL = 'https://parley.example.com';

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

export interface SigningOptions {
  /** The signature to send as it is (null: none); by default the right one. */
  signature?: string | null;
  /** The URL signed over; PUBLIC_URL + path by default. */
  signedUrl?: string;
  /** The auth token signed with; TWILIO_AUTH_TOKEN by default. */
  token?: string;
  headers?: Record<string, string>;
}

/** A Twilio webhook as Twilio sends it: form params, X-Twilio-Signature over `signedUrl` + params. */
export function signedWebhook(path: string, params: Params, options: SigningOptions = {}): CarrierWebhook {
  const signedUrl = options.signedUrl ?? PUBLIC_URL + path;
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(options.token ?? TWILIO_AUTH_TOKEN, signedUrl, params)
      : options.signature;
  // Twilio sends its form bodies with a charset.
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', ...options.headers };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return { path, headers, body: formEncode(params) };
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
