// The service's callback as a customer's server sees it: a signed form POST to the exact CallbackUrl
// for every new interaction (every parameter Twilio sends) and for each status change of a call;
// nothing at all without a CallbackUrl. Retries, timeouts and restarts: callback-delivery.test.ts;
// the intercept callback: intercept-callback.test.ts.

import assert from 'node:assert/strict';
import { afterEach, before, describe, test } from 'node:test';
import { appAndReceiver, frozenClock, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { ALICE, assertSigned, BOB, callbackPair, callbackParams, INTERACTION_KEYS, OUTBOUND_KEYS } from '../helpers/callbacks.js';
import { advanceClock, interactionOf, receivedIn } from '../helpers/factories.js';
import type { MaskedPair } from '../helpers/factories.js';
import { outboxRows } from '../helpers/outbox.js';
import { CallbackReceiver } from '../helpers/receiver.js';

describe('Service callbacks', () => {
  // Server time moves only with the clock endpoint: a call's duration is exact.
  const fixture = appAndReceiver({}, { clock: frozenClock() });
  let t: TestApp;
  let receiver: CallbackReceiver;
  let pair: MaskedPair;
  before(() => ({ t, receiver } = fixture));
  // Pool numbers are unique per account: each test's service gives its number back.
  afterEach(() => t.api.delete(pair.service));

  test('a message interaction is reported once, signed over the exact URL, with every parameter', async () => {
    receiver.requests.length = 0;
    pair = await callbackPair(t, { CallbackUrl: receiver.url('/hooks/proxy?tenant=acme&env=test&q=a%20b%2Fc') });
    const sent = await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.a.proxy, Body: 'Hello Bob & co = ü' });
    assert.equal(sent.status, 201, sent.text);
    assert.match(sent.body.interaction_sid, /^KI/);
    const [request] = await receiver.waitFor(1);
    assertSigned(receiver, request!);
    assert.equal(request!.url, '/hooks/proxy?tenant=acme&env=test&q=a%20b%2Fc');

    const row = await interactionOf(t.api, pair, sent.body.interaction_sid);
    const [delivered] = await receivedIn(t.api, pair, BOB);
    assert.equal(delivered!.interaction_sid, row.sid);
    assert.deepEqual(request!.params, callbackParams(row));
    assert.deepEqual(Object.keys(request!.params).sort(), [...INTERACTION_KEYS, ...OUTBOUND_KEYS].sort());
    // And spelled out, as a customer's handler reads them.
    assert.equal(request!.params.interactionAccountSid, TEST_ACCOUNT_SID);
    assert.equal(request!.params.interactionServiceSid, pair.serviceSid);
    assert.equal(request!.params.interactionSessionSid, pair.sessionSid);
    assert.equal(request!.params.interactionType, 'Message');
    assert.deepEqual(JSON.parse(request!.params.interactionData as string), { body: 'Hello Bob & co = ü' });
    assert.equal(request!.params.inboundParticipantSid, pair.a.sid);
    assert.equal(request!.params.inboundResourceSid, sent.body.sid);
    assert.equal(request!.params.inboundResourceType, 'message');
    assert.equal(request!.params.inboundResourceStatus, 'delivered');
    assert.equal(request!.params.inboundResourceUrl, '');
    assert.equal(request!.params.outboundParticipantSid, pair.b.sid);
    assert.equal(request!.params.outboundResourceSid, delivered!.sid);
    assert.equal(request!.params.outboundResourceType, 'message');
    assert.equal(request!.params.outboundResourceStatus, 'delivered');
    assert.match(request!.params.interactionDateCreated as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    await receiver.expectNoMoreThan(1);
  });

  test('a call is reported when it starts and again when it completes (a status change)', async () => {
    receiver.requests.length = 0;
    pair = await callbackPair(t, { CallbackUrl: receiver.url('/hooks/voice') });
    const call = await t.api.post('/simulator/v1/Calls', { From: ALICE, To: pair.a.proxy });
    assert.equal(call.status, 201, call.text);
    assert.equal(call.body.status, 'in-progress');
    assert.deepEqual(call.body.bridged_to, { from: pair.b.proxy, to: BOB });
    const [started] = await receiver.waitFor(1);
    assertSigned(receiver, started!);
    const atStart = await interactionOf(t.api, pair, call.body.interaction_sid);
    assert.deepEqual(started!.params, callbackParams(atStart));
    assert.equal(started!.params.interactionType, 'Voice');
    assert.equal(started!.params.interactionData, '');
    assert.equal(started!.params.inboundResourceType, 'call');
    assert.equal(started!.params.inboundResourceSid, call.body.sid);
    assert.equal(started!.params.inboundResourceStatus, 'in-progress');
    assert.equal(started!.params.outboundResourceType, 'call');
    assert.match(started!.params.outboundResourceSid as string, /^CA/);
    assert.equal(started!.params.outboundResourceStatus, 'in-progress');

    await advanceClock(t.api, 7);
    const ended = await t.api.post(`/simulator/v1/Calls/${call.body.sid}`, { Status: 'completed' });
    assert.equal(ended.status, 200, ended.text);
    const [, completed] = await receiver.waitFor(2);
    assertSigned(receiver, completed!);
    const atEnd = await interactionOf(t.api, pair, call.body.interaction_sid);
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
    pair = await callbackPair(t, {});
    const sent = await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.a.proxy, Body: 'quiet' });
    assert.match(sent.body.interaction_sid, /^KI/);
    assert.equal((await receivedIn(t.api, pair, BOB))[0]!.body, 'quiet');
    assert.equal((await outboxRows(t)).filter((row) => row.payload.includes(sent.body.interaction_sid)).length, 0);
    await receiver.expectNoMoreThan(0);
  });
});
