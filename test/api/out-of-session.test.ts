// The out-of-session callback as a customer's server sees it: a message or call reaches a pool
// number from someone with no active session on it; the answer is TwiML (<Message>, <Dial>) the
// simulator applies, or JSON that creates a session the original message then goes through.

import assert from 'node:assert/strict';
import { afterEach, before, describe, test } from 'node:test';
import { appAndReceiver, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { assertSigned } from '../helpers/callbacks.js';
import { handsetLog, pooledService } from '../helpers/factories.js';
import { CallbackReceiver } from '../helpers/receiver.js';

const ALICE = '+12125550101';
const BOB = '+12125550102';
const AGENT = '+12125550199';
const N0 = '+14155550100';
const N1 = '+14155550101';

const TWIML = 'text/xml';
const twiml = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;

/** The carrier parameters of a message webhook, as Twilio sends them (NumMedia and media aside). */
const messageParams = (sid: string, from: string, to: string, body: string) => ({
  AccountSid: TEST_ACCOUNT_SID,
  ApiVersion: '2010-04-01',
  From: from,
  To: to,
  MessageSid: sid,
  SmsSid: sid,
  SmsMessageSid: sid,
  Body: body,
});

describe('Out-of-session callback', () => {
  const fixture = appAndReceiver();
  let t: TestApp;
  let receiver: CallbackReceiver;
  let service: string;
  let serviceSid: string;
  /** Handset messages from earlier tests, left out of what a test reads. */
  const earlier = new Set<unknown>();
  before(() => ({ t, receiver } = fixture));
  // Pool numbers are unique per account: each test's service gives its numbers back.
  afterEach(() => t.api.delete(service));

  /** A service whose out-of-session callback is the receiver (or `url`), with two pool numbers. */
  const setUp = async (form: Record<string, string> = { OutOfSessionCallbackUrl: receiver.url('/oos?svc=masked') }) => {
    receiver.requests.length = 0;
    receiver.respond({});
    for (const message of await handsetLog(t.api, { PageSize: 1000 })) earlier.add(message.sid);
    ({ service, serviceSid } = await pooledService(t.api, [N0, N1], form));
  };

  const text = (from: string, to: string, body: string, extra: Record<string, string | string[]> = {}) =>
    t.api.post('/simulator/v1/Messages', { From: from, To: to, Body: body, ...extra });
  /** What `to`'s handset received in this test. */
  const received = async (to: string) => (await handsetLog(t.api, { To: to })).filter((m) => !earlier.has(m.sid));
  const sessions = async () => (await t.api.get(`${service}/Sessions`)).body.sessions as Array<Record<string, unknown>>;
  const participantsOf = async (sessionSid: string) =>
    (await t.api.get(`${service}/Sessions/${sessionSid}/Participants`)).body.participants as Array<Record<string, string | null>>;

  test('a message without any previous session: carrier params only, signed', async () => {
    await setUp();
    const sent = await text(ALICE, N0, 'Hi there', { MediaUrl: ['https://example.com/b.jpg', 'https://example.com/a.jpg'] });
    assert.equal(sent.status, 201, sent.text);
    assert.equal(sent.body.interaction_sid, null);
    assert.equal(sent.body.session_sid, null);
    assert.equal(receiver.requests.length, 1, 'asked before the simulator answered');
    const [request] = receiver.requests;
    assert.equal(request!.method, 'POST');
    assert.equal(request!.url, '/oos?svc=masked');
    assertSigned(receiver, request!);
    assert.deepEqual(request!.params, {
      ...messageParams(sent.body.sid, ALICE, N0, 'Hi there'),
      NumMedia: '2',
      MediaUrl0: 'https://example.com/b.jpg',
      MediaUrl1: 'https://example.com/a.jpg',
    });
    assert.deepEqual(await sessions(), [], 'an empty 200 creates nothing');
  });

  test('a message from a former participant carries their latest session on that number', async () => {
    await setUp();
    const first = await t.api.post(`${service}/Sessions`, {
      UniqueName: 'older',
      Participants: [JSON.stringify({ Identifier: ALICE, ProxyIdentifier: N0 }), JSON.stringify({ Identifier: AGENT })],
    });
    await t.api.post(`${service}/Sessions/${first.body.sid}`, { Status: 'closed' });
    await t.api.post('/simulator/v1/Clock', { Advance: 5 });
    const session = await t.api.post(`${service}/Sessions`, {
      UniqueName: 'latest',
      Mode: 'message-only',
      Participants: [
        JSON.stringify({ Identifier: ALICE, FriendlyName: 'Alice', ProxyIdentifier: N0 }),
        JSON.stringify({ Identifier: BOB, FriendlyName: 'Bob' }),
      ],
    });
    assert.equal(session.status, 201, session.text);
    await t.api.post(`${service}/Sessions/${session.body.sid}`, { Status: 'closed' });
    const closed = (await t.api.get(`${service}/Sessions/${session.body.sid}`)).body;
    const members = Object.fromEntries((await participantsOf(session.body.sid)).map((p) => [p.identifier, p]));

    const sent = await text(ALICE, N0, 'are you there?');
    assert.equal(sent.body.interaction_sid, null);
    const [request] = await receiver.waitFor(1);
    assertSigned(receiver, request!);
    const participant = (prefix: string, p: Record<string, string | null>) => ({
      [`${prefix}AccountSid`]: p.account_sid!,
      [`${prefix}DateCreated`]: p.date_created!,
      [`${prefix}DateUpdated`]: p.date_updated!,
      [`${prefix}FriendlyName`]: p.friendly_name ?? '',
      [`${prefix}Identifier`]: p.identifier!,
      [`${prefix}ProxyIdentifier`]: p.proxy_identifier!,
      [`${prefix}ProxyIdentifierSid`]: p.proxy_identifier_sid!,
      [`${prefix}ServiceSid`]: p.service_sid!,
      [`${prefix}SessionSid`]: p.session_sid!,
      [`${prefix}Sid`]: p.sid!,
    });
    assert.equal(request!.params.sessionClosedReason, 'api');
    assert.equal(request!.params.inboundParticipantFriendlyName, 'Alice');
    assert.equal(request!.params.outboundParticipantIdentifier, BOB);
    assert.notEqual(request!.params.sessionDateEnded, '');
    assert.deepEqual(request!.params, {
      ...messageParams(sent.body.sid, ALICE, N0, 'are you there?'),
      NumMedia: '0',
      ...participant('inboundParticipant', members[ALICE]!),
      ...participant('outboundParticipant', members[BOB]!),
      sessionAccountSid: TEST_ACCOUNT_SID,
      sessionClosedReason: closed.closed_reason ?? '',
      sessionDateCreated: closed.date_created,
      sessionDateEnded: closed.date_ended ?? '',
      sessionDateUpdated: closed.date_updated,
      sessionMode: 'message-only',
      sessionServiceSid: serviceSid,
      sessionSid: session.body.sid,
      sessionStatus: 'closed',
      sessionUniqueName: 'latest',
    });
  });

  test('a call: the voice params, signed', async () => {
    await setUp();
    const call = await t.api.post('/simulator/v1/Calls', { From: ALICE, To: N1 });
    assert.equal(call.status, 201, call.text);
    assert.equal(call.body.bridged_to, null, 'an empty answer bridges nothing');
    assert.equal(call.body.interaction_sid, null);
    const [request] = await receiver.waitFor(1);
    assertSigned(receiver, request!);
    assert.deepEqual(request!.params, {
      AccountSid: TEST_ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      From: ALICE,
      To: N1,
      CallSid: call.body.sid,
      CallStatus: 'ringing',
      Direction: 'inbound',
      Caller: ALICE,
      Called: N1,
    });
  });

  test('a TwiML <Message> answer reaches the sender from the number they texted', async () => {
    await setUp();
    receiver.respond({
      contentType: TWIML,
      body: twiml('<Message>This conversation has ended &amp; is closed. Call &lt;us&gt;</Message>'),
    });
    const sent = await text(ALICE, N1, 'hello?');
    assert.equal(sent.status, 201, sent.text);
    const [reply, original] = await received(ALICE).then(async (toAlice) => [toAlice[0], (await received(N1))[0]]);
    assert.equal(reply?.from, N1);
    assert.equal(reply?.to, ALICE);
    assert.equal(reply?.direction, 'outbound');
    assert.equal(reply?.body, 'This conversation has ended & is closed. Call <us>');
    assert.equal(original?.body, 'hello?', 'the inbound message is on the log too');
    assert.equal((await received(ALICE)).length, 1);
    assert.deepEqual(await received(BOB), []);
    assert.deepEqual(await sessions(), []);
  });

  test('a TwiML <Dial> answer bridges the simulated call', async () => {
    await setUp();
    receiver.respond({ contentType: 'text/xml; charset=utf-8', body: twiml(`<Dial><Number>${AGENT}</Number></Dial>`) });
    const call = await t.api.post('/simulator/v1/Calls', { From: ALICE, To: N0 });
    assert.equal(call.status, 201, call.text);
    assert.equal(call.body.status, 'in-progress');
    assert.deepEqual(call.body.bridged_to, { from: N0, to: AGENT });
    assert.equal(call.body.interaction_sid, null);
    assert.equal((await t.api.get(`/simulator/v1/Calls/${call.body.sid}`)).body.status, 'in-progress');
    assert.equal((await t.api.post(`/simulator/v1/Calls/${call.body.sid}`, { Status: 'completed' })).body.status, 'completed');

    receiver.respond({ contentType: TWIML, body: twiml(`<Dial callerId="${N1}"><Number>${BOB}</Number></Dial>`) });
    const withCallerId = await t.api.post('/simulator/v1/Calls', { From: ALICE, To: N0 });
    assert.deepEqual(withCallerId.body.bridged_to, { from: N1, to: BOB });
    assert.equal(receiver.requests.length, 2);
  });

  test('a JSON answer creates the session, and the original message goes through it', async () => {
    await setUp();
    receiver.respond({
      contentType: 'application/json',
      body: JSON.stringify({
        uniqueName: 'auto-created',
        ttl: 3600,
        mode: 'message-only',
        participantIdentifier: BOB,
        participantProxyIdentifier: N1,
      }),
    });
    const sent = await text(ALICE, N0, 'first contact');
    assert.equal(sent.status, 201, sent.text);
    assert.match(sent.body.interaction_sid ?? '', /^KI/);
    assert.match(sent.body.session_sid ?? '', /^KC/);
    assert.equal(receiver.requests.length, 1, 'asked once; the retry goes through the new session');

    const [session] = await sessions();
    assert.equal(session?.sid, sent.body.session_sid);
    assert.equal(session?.unique_name, 'auto-created');
    assert.equal(session?.ttl, 3600);
    assert.equal(session?.mode, 'message-only');
    const members = Object.fromEntries((await participantsOf(sent.body.session_sid)).map((p) => [p.identifier, p]));
    assert.deepEqual(Object.keys(members).sort(), [ALICE, BOB]);
    assert.equal(members[ALICE]!.proxy_identifier, N0, 'the sender keeps the number they texted');
    assert.equal(members[BOB]!.proxy_identifier, N1);

    const [delivered] = await received(BOB);
    assert.equal(delivered?.body, 'first contact');
    assert.equal(delivered?.from, N1);
    assert.equal(delivered?.interaction_sid, sent.body.interaction_sid);
    const interaction = (await t.api.get(`${service}/Sessions/${sent.body.session_sid}/Interactions/${sent.body.interaction_sid}`)).body;
    assert.equal(interaction.inbound_participant_sid, members[ALICE]!.sid);
    assert.equal(interaction.outbound_participant_sid, members[BOB]!.sid);
    assert.equal(interaction.outbound_resource_status, 'delivered');

    // Now in session: Bob's reply is routed, not sent to the out-of-session callback.
    await text(BOB, N1, 'welcome');
    assert.equal((await received(ALICE))[0]?.body, 'welcome');
    assert.equal(receiver.requests.length, 1);
  });

  test('a JSON answer to a call creates the session and bridges the call through it', async () => {
    await setUp();
    receiver.respond({
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({ uniqueName: 'auto-call', participantIdentifier: AGENT }),
    });
    const call = await t.api.post('/simulator/v1/Calls', { From: ALICE, To: N1 });
    assert.equal(call.status, 201, call.text);
    assert.match(call.body.session_sid ?? '', /^KC/);
    const members = Object.fromEntries((await participantsOf(call.body.session_sid)).map((p) => [p.identifier, p]));
    assert.equal(members[ALICE]!.proxy_identifier, N1);
    assert.deepEqual(call.body.bridged_to, { from: members[AGENT]!.proxy_identifier, to: AGENT });
    assert.equal(call.body.status, 'in-progress');
  });

  test('a non-2xx answer does nothing, whatever its body', async () => {
    await setUp();
    receiver.respond({ status: 500, contentType: TWIML, body: twiml('<Message>should not be sent</Message>') });
    const sent = await text(ALICE, N0, 'anyone?');
    assert.equal(sent.status, 201, sent.text);
    assert.equal(sent.body.interaction_sid, null);
    receiver.respond({
      status: 404,
      contentType: 'application/json',
      body: JSON.stringify({ uniqueName: 'nope', participantIdentifier: BOB }),
    });
    await text(ALICE, N0, 'anyone at all?');
    receiver.respond({ status: 302, contentType: TWIML, body: twiml(`<Dial><Number>${AGENT}</Number></Dial>`) });
    const call = await t.api.post('/simulator/v1/Calls', { From: ALICE, To: N0 });
    assert.equal(call.body.bridged_to, null);
    assert.equal(call.body.status, 'failed');

    assert.equal(receiver.requests.length, 3, 'asked each time');
    assert.deepEqual(await received(ALICE), []);
    assert.deepEqual(await received(BOB), []);
    assert.deepEqual(await sessions(), []);
  });

  test('no OutOfSessionCallbackUrl: nothing is called and nothing happens', async () => {
    await setUp({ CallbackUrl: receiver.url('/callback'), InterceptCallbackUrl: receiver.url('/intercept') });
    const sent = await text(ALICE, N0, 'hello?');
    assert.equal(sent.status, 201, sent.text);
    assert.equal(sent.body.interaction_sid, null);
    const call = await t.api.post('/simulator/v1/Calls', { From: ALICE, To: N1 });
    assert.equal(call.body.bridged_to, null);
    assert.equal(call.body.status, 'failed');
    await receiver.expectNoMoreThan(0);
    assert.deepEqual(await received(ALICE), []);
    assert.deepEqual(await sessions(), []);
  });

  test('a number outside every pool: the callback is not asked', async () => {
    await setUp();
    const sent = await text(ALICE, '+14155550999', 'wrong number');
    assert.equal(sent.status, 201, sent.text);
    await receiver.expectNoMoreThan(0);
  });
});
