// Twilio's side of the Twilio carrier tests: its account, signed webhooks built as Twilio builds
// them (form params, X-Twilio-Signature over PARLEY_PUBLIC_URL + path), its TwiML answers, and
// the masked pair (Alice and Bob, test/helpers/factories.ts) to send them to; and, for a describe
// block, an app on the Twilio carrier with a fake Twilio and a fresh pair for each test.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, beforeEach } from 'node:test';
import twilio from 'twilio';
import { startTestApp } from './app.js';
import type { TestApp } from './app.js';
import { maskedPair } from './factories.js';
import type { MaskedPair } from './factories.js';
import { startFakeTwilio } from './fake-twilio.js';
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

/** A service with the two NUMBERS in its pool and a session between Alice (A) and Bob (B). */
export function twilioPair(t: TestApp): Promise<MaskedPair> {
  return maskedPair(t.api, {
    pool: NUMBERS,
    a: { Identifier: ALICE, FriendlyName: 'Alice' },
    b: { Identifier: BOB, FriendlyName: 'Bob' },
    session: { UniqueName: 'twilio' },
  });
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

type Row = Record<string, any>;

export interface TwilioCarrierFixture {
  readonly t: TestApp;
  readonly fake: FakeTwilio;
  /** This test's pair (its service is removed after the test: pool numbers are unique per account). */
  readonly pair: MaskedPair;
  /** The interactions of the pair's session. */
  interactions(): Promise<Row[]>;
  /** The one interaction of the pair's session (the test fails if there are others). */
  onlyInteraction(): Promise<Row>;
  /** Every Twilio send job in the outbox (shared by every test of the app). */
  sendJobs(): Promise<Row[]>;
  /** The Twilio send jobs of one interaction. */
  sendJobsFor(interactionSid: string): Promise<Row[]>;
}

/** For a describe block: a fake Twilio, an app sending to it (twilioEnv with `extra`), a pair per test. */
export function twilioCarrier(extra: Record<string, string> = {}): TwilioCarrierFixture {
  const state = {} as { t: TestApp; fake: FakeTwilio; pair: MaskedPair };
  before(async () => {
    state.fake = await startFakeTwilio();
    state.t = await startTestApp(twilioEnv(state.fake, extra));
  });
  after(async () => {
    await state.t.close();
    await state.fake.stop();
  });
  beforeEach(async () => {
    state.fake.reset();
    state.pair = await twilioPair(state.t);
  });
  afterEach(() => state.t.api.delete(state.pair.service));
  const interactions = async () => (await state.t.api.get(`${state.pair.session}/Interactions`)).body.interactions as Row[];
  const sendJobs = () => state.t.app.parley.database.db.selectFrom('outbox').selectAll().where('kind', '=', 'twilio-message').execute();
  return {
    get t() {
      return state.t;
    },
    get fake() {
      return state.fake;
    },
    get pair() {
      return state.pair;
    },
    interactions,
    onlyInteraction: async () => {
      const all = await interactions();
      assert.equal(all.length, 1, JSON.stringify(all));
      return all[0]!;
    },
    sendJobs,
    sendJobsFor: async (interactionSid) => (await sendJobs()).filter((job) => JSON.parse(job.payload).interactionSid === interactionSid),
  };
}
