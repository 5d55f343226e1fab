// The service's callbacks as a customer's server sees them: signed form POSTs for every new
// interaction and status change (through the durable outbox, retried with backoff, delivered after
// a restart, given up in the end), and the intercept callback that may block an interaction.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { createTestDatabase, testEngine } from '../helpers/database.js';
import { CallbackReceiver } from '../helpers/receiver.js';
import type { Params, ReceivedRequest } from '../helpers/receiver.js';

const ALICE = '+12125550101';
const BOB = '+12125550102';
const NUMBER = '+14155550100';

const INTERACTION_KEYS = [
  'interactionSid',
  'interactionSessionSid',
  'interactionServiceSid',
  'interactionAccountSid',
  'interactionType',
  'interactionData',
  'interactionDateCreated',
  'interactionDateUpdated',
  'inboundParticipantSid',
  'inboundResourceSid',
  'inboundResourceStatus',
  'inboundResourceType',
  'inboundResourceUrl',
];
const OUTBOUND_KEYS = [
  'outboundParticipantSid',
  'outboundResourceSid',
  'outboundResourceStatus',
  'outboundResourceType',
  'outboundResourceUrl',
];

interface Masked {
  /** `/v1/Services/KS…` */
  service: string;
  serviceSid: string;
  sessionSid: string;
  alice: Record<string, string>;
  bob: Record<string, string>;
}

/** A service with these callback URLs, one pool number, and a session between Alice and Bob. */
async function maskedPair(t: TestApp, urls: { CallbackUrl?: string; InterceptCallbackUrl?: string }, number = NUMBER): Promise<Masked> {
  const created = await t.api.post('/v1/Services', { UniqueName: `svc-${Math.random()}`, ...urls });
  assert.equal(created.status, 201, created.text);
  const service = `/v1/Services/${created.body.sid}`;
  assert.equal((await t.api.post(`${service}/PhoneNumbers`, { PhoneNumber: number })).status, 201);
  const session = await t.api.post(`${service}/Sessions`, {
    Participants: [JSON.stringify({ Identifier: ALICE }), JSON.stringify({ Identifier: BOB })],
  });
  assert.equal(session.status, 201, session.text);
  const participants = (await t.api.get(`${service}/Sessions/${session.body.sid}/Participants`)).body.participants as Array<
    Record<string, string>
  >;
  const byIdentifier = Object.fromEntries(participants.map((p) => [p.identifier, p]));
  return { service, serviceSid: created.body.sid, sessionSid: session.body.sid, alice: byIdentifier[ALICE]!, bob: byIdentifier[BOB]! };
}

async function interaction(t: TestApp, pair: Masked, sid: string): Promise<Record<string, string | null>> {
  const response = await t.api.get(`${pair.service}/Sessions/${pair.sessionSid}/Interactions/${sid}`);
  assert.equal(response.status, 200, response.text);
  return response.body;
}

/** What `to`'s handset received in this pair's session (earlier tests' sessions left out). */
async function handset(t: TestApp, pair: Masked, to: string): Promise<Array<Record<string, string>>> {
  const messages = (await t.api.get('/simulator/v1/Messages', { To: to })).body.messages as Array<Record<string, string>>;
  return messages.filter((message) => message.session_sid === pair.sessionSid);
}

/** The params the service callback must carry for this interaction resource, as Twilio names them. */
function callbackParams(row: Record<string, string | null | undefined>, legs: 'both' | 'inbound' = 'both'): Params {
  const lower = (value: string | null | undefined) => (value ?? '').toLowerCase();
  const params: Params = {
    interactionSid: row.sid!,
    interactionSessionSid: row.session_sid!,
    interactionServiceSid: row.service_sid!,
    interactionAccountSid: row.account_sid!,
    interactionType: row.type === 'voice' ? 'Voice' : 'Message',
    interactionData: row.data ?? '',
    interactionDateCreated: row.date_created!,
    interactionDateUpdated: row.date_updated!,
    inboundParticipantSid: row.inbound_participant_sid ?? '',
    inboundResourceSid: row.inbound_resource_sid ?? '',
    inboundResourceStatus: row.inbound_resource_status ?? '',
    inboundResourceType: lower(row.inbound_resource_type),
    inboundResourceUrl: row.inbound_resource_url ?? '',
  };
  if (legs === 'inbound') return params;
  return {
    ...params,
    outboundParticipantSid: row.outbound_participant_sid ?? '',
    outboundResourceSid: row.outbound_resource_sid ?? '',
    outboundResourceStatus: row.outbound_resource_status ?? '',
    outboundResourceType: lower(row.outbound_resource_type),
    outboundResourceUrl: row.outbound_resource_url ?? '',
  };
}

/** The official validator accepts the request as signed, and rejects any change to it. */
function assertSigned(receiver: CallbackReceiver, request: ReceivedRequest): void {
  assert.equal(request.method, 'POST');
  assert.match(String(request.headers['content-type']), /^application\/x-www-form-urlencoded/);
  const signature = request.headers['x-twilio-signature'];
  assert.equal(typeof signature, 'string', 'X-Twilio-Signature is sent');
  const url = receiver.fullUrl(request);
  const valid = (token: string, at: string, params: Params) => twilio.validateRequest(token, signature as string, at, params);
  assert.equal(valid(TEST_AUTH_TOKEN, url, request.params), true, `signature of ${url} validates`);
  const [first] = Object.keys(request.params).sort();
  assert.equal(
    valid(TEST_AUTH_TOKEN, url, { ...request.params, [first!]: `${String(request.params[first!])}x` }),
    false,
    'a changed value',
  );
  assert.equal(valid(TEST_AUTH_TOKEN, url, { ...request.params, extra: '1' }), false, 'an added parameter');
  assert.equal(valid(TEST_AUTH_TOKEN, `${url}&tampered=1`, request.params), false, 'another URL');
  assert.equal(valid('another-auth-token-0123', url, request.params), false, 'another auth token');
}

/** The outbox's rows, to see what the worker recorded (attempts, outcome). */
async function outboxRows(t: TestApp) {
  return t.app.parley.database.db.selectFrom('outbox').selectAll().orderBy('date_created').execute();
}

/**
 * Waits until the worker has recorded the outcome of an attempt at the callback job of this
 * interaction (not claimed, and `done` says it is the one we wait for), and returns its row.
 */
async function settled(t: TestApp, interactionSid: string, done: (row: { attempts: number; status: string }) => boolean, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = (await outboxRows(t)).find((job) => job.payload.includes(interactionSid));
    if (row !== undefined && row.locked_until === null && done(row)) return row;
    if (Date.now() > deadline) throw new Error(`the callback job of ${interactionSid} did not settle: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
const attempt = (n: number) => (row: { attempts: number }) => row.attempts === n;

const advance = async (t: TestApp, seconds: number) => {
  const response = await t.api.post('/simulator/v1/Clock', { Advance: seconds });
  assert.equal(response.status, 200, response.text);
};

describe('Service callbacks', () => {
  let t: TestApp;
  let receiver: CallbackReceiver;
  let pair: Masked;
  before(async () => {
    t = await startTestApp();
    receiver = await CallbackReceiver.start();
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });
  // Pool numbers are unique per account: each test's service gives its number back.
  afterEach(() => t.api.delete(pair.service));

  test('a message interaction is reported once, signed over the exact URL, with every parameter', async () => {
    receiver.requests.length = 0;
    pair = await maskedPair(t, { CallbackUrl: receiver.url('/hooks/proxy?tenant=acme&env=test&q=a%20b%2Fc') });
    const sent = await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.alice.proxy_identifier!, Body: 'Hello Bob & co = ü' });
    assert.equal(sent.status, 201, sent.text);
    assert.match(sent.body.interaction_sid, /^KI/);
    const [request] = await receiver.waitFor(1);
    assertSigned(receiver, request!);
    assert.equal(request!.url, '/hooks/proxy?tenant=acme&env=test&q=a%20b%2Fc');

    const row = await interaction(t, pair, sent.body.interaction_sid);
    const [delivered] = await handset(t, pair, BOB);
    assert.equal(delivered!.interaction_sid, row.sid);
    assert.deepEqual(request!.params, callbackParams(row));
    assert.deepEqual(Object.keys(request!.params).sort(), [...INTERACTION_KEYS, ...OUTBOUND_KEYS].sort());
    // And spelled out, as a customer's handler reads them.
    assert.equal(request!.params.interactionAccountSid, TEST_ACCOUNT_SID);
    assert.equal(request!.params.interactionServiceSid, pair.serviceSid);
    assert.equal(request!.params.interactionSessionSid, pair.sessionSid);
    assert.equal(request!.params.interactionType, 'Message');
    assert.deepEqual(JSON.parse(request!.params.interactionData as string), { body: 'Hello Bob & co = ü' });
    assert.equal(request!.params.inboundParticipantSid, pair.alice.sid);
    assert.equal(request!.params.inboundResourceSid, sent.body.sid);
    assert.equal(request!.params.inboundResourceType, 'message');
    assert.equal(request!.params.inboundResourceStatus, 'delivered');
    assert.equal(request!.params.inboundResourceUrl, '');
    assert.equal(request!.params.outboundParticipantSid, pair.bob.sid);
    assert.equal(request!.params.outboundResourceSid, delivered!.sid);
    assert.equal(request!.params.outboundResourceType, 'message');
    assert.equal(request!.params.outboundResourceStatus, 'delivered');
    assert.match(request!.params.interactionDateCreated as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    await receiver.expectNoMoreThan(1);
  });

  test('a call is reported when it starts and again when it completes (a status change)', async () => {
    receiver.requests.length = 0;
    pair = await maskedPair(t, { CallbackUrl: receiver.url('/hooks/voice') });
    const call = await t.api.post('/simulator/v1/Calls', { From: ALICE, To: pair.alice.proxy_identifier! });
    assert.equal(call.status, 201, call.text);
    assert.equal(call.body.status, 'in-progress');
    assert.deepEqual(call.body.bridged_to, { from: pair.bob.proxy_identifier, to: BOB });
    const [started] = await receiver.waitFor(1);
    assertSigned(receiver, started!);
    const atStart = await interaction(t, pair, call.body.interaction_sid);
    assert.deepEqual(started!.params, callbackParams(atStart));
    assert.equal(started!.params.interactionType, 'Voice');
    assert.equal(started!.params.interactionData, '');
    assert.equal(started!.params.inboundResourceType, 'call');
    assert.equal(started!.params.inboundResourceSid, call.body.sid);
    assert.equal(started!.params.inboundResourceStatus, 'in-progress');
    assert.equal(started!.params.outboundResourceType, 'call');
    assert.match(started!.params.outboundResourceSid as string, /^CA/);
    assert.equal(started!.params.outboundResourceStatus, 'in-progress');

    await advance(t, 7);
    const ended = await t.api.post(`/simulator/v1/Calls/${call.body.sid}`, { Status: 'completed' });
    assert.equal(ended.status, 200, ended.text);
    const [, completed] = await receiver.waitFor(2);
    assertSigned(receiver, completed!);
    const atEnd = await interaction(t, pair, call.body.interaction_sid);
    assert.deepEqual(completed!.params, callbackParams(atEnd));
    assert.equal(completed!.params.interactionSid, started!.params.interactionSid);
    assert.equal(completed!.params.inboundResourceStatus, 'completed');
    assert.equal(completed!.params.outboundResourceStatus, 'completed');
    assert.equal(completed!.params.outboundResourceSid, started!.params.outboundResourceSid);
    assert.deepEqual(JSON.parse(completed!.params.interactionData as string), { duration: '7' });
    assert.equal(completed!.params.interactionDateCreated, started!.params.interactionDateCreated);
    assert.notEqual(completed!.params.interactionDateUpdated, started!.params.interactionDateUpdated);
    await receiver.expectNoMoreThan(2);
  });

  test('no CallbackUrl: the interaction happens and nothing is queued', async () => {
    receiver.requests.length = 0;
    pair = await maskedPair(t, {});
    const sent = await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.alice.proxy_identifier!, Body: 'quiet' });
    assert.match(sent.body.interaction_sid, /^KI/);
    assert.equal((await handset(t, pair, BOB))[0]!.body, 'quiet');
    assert.equal((await outboxRows(t)).filter((row) => row.payload.includes(sent.body.interaction_sid)).length, 0);
    await receiver.expectNoMoreThan(0);
  });
});

describe('Intercept callback', () => {
  let t: TestApp;
  let intercept: CallbackReceiver;
  let callbacks: CallbackReceiver;
  let pair: Masked;
  before(async () => {
    // So long that no machine is too busy for a prompt answer to arrive in time; the timeout test
    // below has an app of its own, whose intercept never answers.
    t = await startTestApp({ PARLEY_INTERCEPT_TIMEOUT_MS: '60000' });
    intercept = await CallbackReceiver.start();
    callbacks = await CallbackReceiver.start();
  });
  after(async () => {
    await intercept.close();
    await callbacks.close();
    await t.close();
  });
  afterEach(() => t.api.delete(pair.service));
  const setUp = async () => {
    intercept.requests.length = 0;
    callbacks.requests.length = 0;
    pair = await maskedPair(t, { CallbackUrl: callbacks.url('/callback'), InterceptCallbackUrl: intercept.url('/intercept?svc=1') });
  };

  test('a 403 blocks the message: recorded as canceled, nothing reaches the partner', async () => {
    await setUp();
    intercept.respond({ status: 403 });
    const sent = await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.alice.proxy_identifier!, Body: 'blocked words' });
    assert.equal(sent.status, 201, sent.text);
    assert.deepEqual(await handset(t, pair, BOB), [], 'nothing delivered to Bob');
    const row = await interaction(t, pair, sent.body.interaction_sid);
    assert.equal(row.outbound_resource_status, 'canceled');
    assert.equal(row.outbound_resource_sid, null);

    assert.equal(intercept.requests.length, 1, 'asked once, before the outbound leg');
    const [asked] = intercept.requests;
    assertSigned(intercept, asked!);
    assert.equal(asked!.url, '/intercept?svc=1');
    assert.deepEqual(
      asked!.params,
      callbackParams({ ...row, date_updated: row.date_created }, 'inbound'),
      'same params as the callback, minus outbound*',
    );
    assert.equal(asked!.params.interactionSid, sent.body.interaction_sid);
    assert.deepEqual(JSON.parse(asked!.params.interactionData as string), { body: 'blocked words' });

    const [reported] = await callbacks.waitFor(1);
    assert.equal(reported!.params.interactionSid, row.sid);
    assert.equal(reported!.params.outboundResourceStatus, 'canceled');
  });

  test('a 403 blocks a call: not bridged', async () => {
    await setUp();
    intercept.respond({ status: 403 });
    const call = await t.api.post('/simulator/v1/Calls', { From: ALICE, To: pair.alice.proxy_identifier! });
    assert.equal(call.status, 201, call.text);
    assert.equal(call.body.bridged_to, null);
    const row = await interaction(t, pair, call.body.interaction_sid);
    assert.equal(row.outbound_resource_status, 'canceled');
    const [asked] = intercept.requests;
    assertSigned(intercept, asked!);
    assert.equal(asked!.params.interactionType, 'Voice');
    assert.equal(asked!.params.inboundResourceSid, call.body.sid);
    assert.equal(asked!.params.inboundResourceType, 'call');
  });

  for (const status of [200, 204, 500]) {
    test(`a ${status} lets the message through`, async () => {
      await setUp();
      intercept.respond({ status });
      const sent = await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.alice.proxy_identifier!, Body: `ok ${status}` });
      assert.equal(sent.status, 201, sent.text);
      const [delivered] = await handset(t, pair, BOB);
      assert.equal(delivered?.body, `ok ${status}`);
      assert.equal(delivered.from, pair.bob.proxy_identifier);
      const row = await interaction(t, pair, sent.body.interaction_sid);
      assert.equal(row.outbound_resource_status, 'delivered');
      assert.equal(intercept.requests.length, 1);
      assertSigned(intercept, intercept.requests[0]!);
      assert.deepEqual(Object.keys(intercept.requests[0]!.params).sort(), [...INTERACTION_KEYS].sort());
      assert.equal(intercept.requests[0]!.params.interactionSid, row.sid);
    });
  }

  test('media URLs come as a repeated parameter, covered by the signature', async () => {
    await setUp();
    const media = ['https://media.example.com/b.jpg', 'https://media.example.com/a.jpg?size=large&x=1'];
    const sent = await t.api.post('/simulator/v1/Messages', {
      From: ALICE,
      To: pair.alice.proxy_identifier!,
      Body: 'look',
      MediaUrl: media,
    });
    assert.equal(sent.status, 201, sent.text);
    const [asked] = intercept.requests;
    assert.deepEqual(asked!.params.MediaUrls, media);
    assertSigned(intercept, asked!);
    assert.equal(
      twilio.validateRequest(TEST_AUTH_TOKEN, asked!.headers['x-twilio-signature'] as string, intercept.fullUrl(asked!), {
        ...asked!.params,
        MediaUrls: media.slice(0, 1),
      }),
      false,
      'a media URL left out',
    );
  });

  test('no answer within PARLEY_INTERCEPT_TIMEOUT_MS lets it through', async () => {
    // An intercept that never answers: the timeout is the only way on, whatever the machine's load.
    const quick = await startTestApp({ PARLEY_INTERCEPT_TIMEOUT_MS: '300' });
    const hanging = await CallbackReceiver.start();
    hanging.hold();
    try {
      const held = await maskedPair(quick, { InterceptCallbackUrl: hanging.url('/intercept') });
      const sent = await quick.api.post('/simulator/v1/Messages', { From: ALICE, To: held.alice.proxy_identifier!, Body: 'in time' });
      assert.equal(sent.status, 201, sent.text);
      assert.equal((await handset(quick, held, BOB))[0]?.body, 'in time');
      assert.equal((await interaction(quick, held, sent.body.interaction_sid)).outbound_resource_status, 'delivered');
      assert.equal(hanging.answered, 0, 'it went ahead without an answer');
      assertSigned(hanging, hanging.requests[0]!);
    } finally {
      await hanging.close();
      await quick.close();
    }
  });

  test('an unreachable intercept URL lets it through', async () => {
    const gone = await CallbackReceiver.start();
    const url = gone.url('/intercept');
    await gone.close();
    callbacks.requests.length = 0;
    pair = await maskedPair(t, { InterceptCallbackUrl: url });
    const sent = await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.alice.proxy_identifier!, Body: 'nobody home' });
    assert.equal(sent.status, 201, sent.text);
    assert.equal((await handset(t, pair, BOB))[0]?.body, 'nobody home');
  });
});

describe('Callback delivery through the outbox', () => {
  let t: TestApp;
  let receiver: CallbackReceiver;
  let pair: Masked;
  before(async () => {
    // Three attempts in all: the retry test below uses every one of them. The timeout is so long
    // that no machine is too busy for a prompt answer; the timeout test has an app of its own.
    t = await startTestApp({ PARLEY_CALLBACK_MAX_ATTEMPTS: '3', PARLEY_CALLBACK_TIMEOUT_MS: '60000' });
    receiver = await CallbackReceiver.start();
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });
  afterEach(() => t.api.delete(pair.service));

  test('500, 500, then 200: retried after 1 s and 2 s of server time, delivered exactly once', async () => {
    receiver.requests.length = 0;
    receiver.respondInTurn({ status: 500, body: 'down' }, { status: 500, body: 'still down' }, { status: 200 });
    pair = await maskedPair(t, { CallbackUrl: receiver.url('/retry') });
    const sent = await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.alice.proxy_identifier!, Body: 'retry me' });
    assert.equal(sent.status, 201, sent.text);
    const sid = sent.body.interaction_sid as string;

    await receiver.waitFor(1);
    let job = await settled(t, sid, attempt(1));
    assert.equal(job.status, 'pending');
    assert.match(job.last_error ?? '', /HTTP 500/);
    await advance(t, 1); // the first retry is due 1 s later
    assert.equal(receiver.requests.length, 2, 'the clock endpoint ran the due retry before answering');
    job = await settled(t, sid, attempt(2));
    assert.equal(job.status, 'pending');
    await advance(t, 1); // the second waits 2 s
    assert.equal(receiver.requests.length, 2, 'not due yet after 1 s');
    await advance(t, 1);
    assert.equal(receiver.requests.length, 3);
    job = await settled(t, sid, attempt(3));
    assert.equal(job.status, 'done');

    await advance(t, 3600);
    await receiver.expectNoMoreThan(3);
    for (const request of receiver.requests) {
      assertSigned(receiver, request);
      assert.deepEqual(request.params, receiver.requests[0]!.params, 'every attempt carries the same callback');
    }
    assert.equal(receiver.requests[0]!.params.interactionSid, sent.body.interaction_sid);
  });

  test('no answer within PARLEY_CALLBACK_TIMEOUT_MS is a failed attempt, retried', async () => {
    // The first attempt is never answered: the timeout is the only way it can end.
    const quick = await startTestApp({ PARLEY_CALLBACK_TIMEOUT_MS: '300' });
    const slow = await CallbackReceiver.start();
    try {
      slow.respondInTurn({ status: 200, delayMs: 3_600_000 }, { status: 200 });
      const held = await maskedPair(quick, { CallbackUrl: slow.url('/slow') });
      const sid = (await quick.api.post('/simulator/v1/Messages', { From: ALICE, To: held.alice.proxy_identifier!, Body: 'slow' })).body
        .interaction_sid as string;
      await slow.waitFor(1);
      const job = await settled(quick, sid, attempt(1), 30_000);
      assert.equal(job.status, 'pending');
      assert.match(job.last_error ?? '', /no answer within 300 ms/);
      await advance(quick, 1);
      assert.equal(slow.requests.length, 2);
      assert.equal((await settled(quick, sid, attempt(2))).status, 'done');
      assert.deepEqual(slow.requests[1]!.params, slow.requests[0]!.params);
    } finally {
      await slow.close();
      await quick.close();
    }
  });

  test('gives up after PARLEY_CALLBACK_MAX_ATTEMPTS', async () => {
    receiver.requests.length = 0;
    receiver.respond({ status: 503 });
    pair = await maskedPair(t, { CallbackUrl: receiver.url('/never') });
    const sid = (await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.alice.proxy_identifier!, Body: 'lost' })).body
      .interaction_sid as string;
    await receiver.waitFor(1);
    await settled(t, sid, attempt(1));
    await advance(t, 1);
    await settled(t, sid, attempt(2));
    await advance(t, 2);
    const job = await settled(t, sid, attempt(3));
    assert.equal(receiver.requests.length, 3);
    assert.equal(job.status, 'failed');
    assert.match(job.last_error ?? '', /HTTP 503/);
    await advance(t, 24 * 3600);
    await receiver.expectNoMoreThan(3);
    receiver.respond({});
  });
});

describe('Callback delivery across a restart', () => {
  test('a callback the receiver could not take is delivered by the next server on the same database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-outbox-'));
    const database =
      testEngine() === 'postgres' ? await createTestDatabase() : { url: `sqlite:${join(dir, 'parley.db')}`, drop: async () => {} };
    // The receiver is down: its port refuses connections until it comes back on the same port.
    const probe = await CallbackReceiver.start();
    const port = probe.port;
    await probe.close();
    const url = `http://127.0.0.1:${port}/after-restart?x=1`;
    let first: TestApp | undefined;
    let second: TestApp | undefined;
    let receiver: CallbackReceiver | undefined;
    try {
      first = await startTestApp({ DATABASE_URL: database.url });
      const pair = await maskedPair(first, { CallbackUrl: url });
      const sent = await first.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.alice.proxy_identifier!, Body: 'survive' });
      assert.equal(sent.status, 201, sent.text);
      const job = await settled(first, sent.body.interaction_sid, attempt(1));
      assert.equal(job.status, 'pending', 'the refused delivery is kept for a retry');
      assert.notEqual(job.last_error, null);
      await first.close();
      first = undefined;

      receiver = await CallbackReceiver.start(port);
      second = await startTestApp({ DATABASE_URL: database.url });
      await advance(second, 2);
      const [request] = await receiver.waitFor(1);
      assert.equal(request!.url, '/after-restart?x=1');
      assertSigned(receiver, request!);
      assert.equal(request!.params.interactionSid, sent.body.interaction_sid);
      assert.equal(request!.params.interactionSessionSid, pair.sessionSid);
      assert.deepEqual(JSON.parse(request!.params.interactionData as string), { body: 'survive' });
      assert.equal((await settled(second, sent.body.interaction_sid, (row) => row.status !== 'pending')).status, 'done');
      await advance(second, 3600);
      await receiver.expectNoMoreThan(1);
    } finally {
      await receiver?.close();
      await first?.close();
      await second?.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without advancing the clock, the worker’s poll delivers it once the retry is due', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-outbox-'));
    const database =
      testEngine() === 'postgres' ? await createTestDatabase() : { url: `sqlite:${join(dir, 'parley.db')}`, drop: async () => {} };
    const receiver = await CallbackReceiver.start();
    receiver.respond({ status: 500 });
    let first: TestApp | undefined;
    let second: TestApp | undefined;
    try {
      first = await startTestApp({ DATABASE_URL: database.url, PARLEY_OUTBOX_POLL_MS: '50' });
      const pair = await maskedPair(first, { CallbackUrl: receiver.url('/polled') });
      const sent = await first.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.alice.proxy_identifier!, Body: 'poll me' });
      await receiver.waitFor(1);
      await settled(first, sent.body.interaction_sid, attempt(1));
      await first.close();
      first = undefined;

      receiver.respond({ status: 200 });
      second = await startTestApp({ DATABASE_URL: database.url, PARLEY_OUTBOX_POLL_MS: '50' });
      // The retry comes due 1 s after the failure, in real time: no request, no clock move.
      const [, request] = await receiver.waitFor(2, 5000);
      assertSigned(receiver, request!);
      assert.equal(request!.params.interactionSid, sent.body.interaction_sid);
      assert.equal((await settled(second, sent.body.interaction_sid, (row) => row.status !== 'pending')).status, 'done');
    } finally {
      await receiver.close();
      await first?.close();
      await second?.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
