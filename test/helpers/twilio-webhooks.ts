// Twilio's side of the Twilio carrier tests: its account, signed webhooks built as Twilio builds
// them (form params, X-Twilio-Signature over PARLEY_PUBLIC_URL + path), its TwiML answers, and a
// service with a masked pair of participants to send them to.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import type { TestApp } from './app.js';
import type { FakeTwilio } from './fake-twilio.js';
import type { Response } from './http-client.js';

export const TWILIO_ACCOUNT_SID = 'AC5ef8732a3c49700934481addd5ce1659';
export const TWILIO_AUTH_TOKEN = 'twilio-auth-token-for-the-tests-0123';
export const OTHER_TWILIO_ACCOUNT_SID = 'AC00000000000000000000000000000000';
/** Where Twilio reaches Parley (a real carrier requires PARLEY_PUBLIC_URL); webhooks are signed over it. */
export const PUBLIC_URL = 'https://parley.example.com';

export const ALICE = '+12125550101';
export const BOB = '+12125550102';
export const STRANGER = '+12125550199';
export const NUMBERS = ['+14155550100', '+14155550101'];

export type Params = Record<string, string>;

export const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `check` until it stops throwing, or rethrows its last failure after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(25);
    }
  }
}

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

export interface Pair {
  service: string;
  session: string;
  alice: { sid: string; proxy: string };
  bob: { sid: string; proxy: string };
}

/** A service with two pool numbers and an in-progress session between Alice and Bob. */
export async function createPair(t: TestApp): Promise<Pair> {
  const service = `/v1/Services/${(await t.api.post('/v1/Services', { UniqueName: `svc-${Math.random()}` })).body.sid}`;
  for (const n of NUMBERS) assert.equal((await t.api.post(`${service}/PhoneNumbers`, { PhoneNumber: n })).status, 201);
  const created = await t.api.post(`${service}/Sessions`, {
    UniqueName: 'twilio',
    Participants: [JSON.stringify({ Identifier: ALICE, FriendlyName: 'Alice' }), JSON.stringify({ Identifier: BOB, FriendlyName: 'Bob' })],
  });
  assert.equal(created.status, 201, created.text);
  const participants = (await t.api.get(`${service}/Sessions/${created.body.sid}/Participants`)).body.participants as Array<
    Record<string, string>
  >;
  const of = (identifier: string) => {
    const p = participants.find((candidate) => candidate.identifier === identifier);
    assert.ok(p, `no participant ${identifier}`);
    return { sid: p.sid!, proxy: p.proxy_identifier! };
  };
  return { service, session: created.body.sid as string, alice: of(ALICE), bob: of(BOB) };
}

/** Posts a Twilio webhook as Twilio does: form params, X-Twilio-Signature over `signedUrl` + params. */
export function webhook(
  t: TestApp,
  path: string,
  params: Params,
  options: { signature?: string | null; signedUrl?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const signedUrl = options.signedUrl ?? PUBLIC_URL + path;
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(options.token ?? TWILIO_AUTH_TOKEN, signedUrl, params)
      : options.signature;
  const headers: Record<string, string> = { ...options.headers };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return t.anonymous.post(path, params, { headers });
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
