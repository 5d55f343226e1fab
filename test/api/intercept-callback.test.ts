// The intercept callback as a customer's server sees it: asked, signed, before the outbound leg of
// every interaction; a 403 blocks the message or call (recorded as canceled, nothing reaches the
// partner), any other answer, no answer within PARLEY_INTERCEPT_TIMEOUT_MS or no server at all lets
// it through. Prompt answers are awaited with a timeout no busy machine reaches; the timeout test
// uses an intercept that never answers.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { startTestApp, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { ALICE, assertSigned, BOB, callbackPair, callbackParams, INTERACTION_KEYS } from '../helpers/callbacks.js';
import { interactionOf, receivedIn } from '../helpers/factories.js';
import type { MaskedPair } from '../helpers/factories.js';
import { CallbackReceiver } from '../helpers/receiver.js';

describe('Intercept callback', () => {
  let t: TestApp;
  let intercept: CallbackReceiver;
  let callbacks: CallbackReceiver;
  let pair: MaskedPair;
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
    pair = await callbackPair(t, { CallbackUrl: callbacks.url('/callback'), InterceptCallbackUrl: intercept.url('/intercept?svc=1') });
  };

  test('a 403 blocks the message: recorded as canceled, nothing reaches the partner', async () => {
    await setUp();
    intercept.respond({ status: 403 });
    const sent = await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.a.proxy, Body: 'blocked words' });
    assert.equal(sent.status, 201, sent.text);
    assert.deepEqual(await receivedIn(t.api, pair, BOB), [], 'nothing delivered to Bob');
    const row = await interactionOf(t.api, pair, sent.body.interaction_sid);
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
    const call = await t.api.post('/simulator/v1/Calls', { From: ALICE, To: pair.a.proxy });
    assert.equal(call.status, 201, call.text);
    assert.equal(call.body.bridged_to, null);
    const row = await interactionOf(t.api, pair, call.body.interaction_sid);
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
      const sent = await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.a.proxy, Body: `ok ${status}` });
      assert.equal(sent.status, 201, sent.text);
      const [delivered] = await receivedIn(t.api, pair, BOB);
      assert.equal(delivered?.body, `ok ${status}`);
      assert.equal(delivered.from, pair.b.proxy);
      const row = await interactionOf(t.api, pair, sent.body.interaction_sid);
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
      To: pair.a.proxy,
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
      const held = await callbackPair(quick, { InterceptCallbackUrl: hanging.url('/intercept') });
      const sent = await quick.api.post('/simulator/v1/Messages', { From: ALICE, To: held.a.proxy, Body: 'in time' });
      assert.equal(sent.status, 201, sent.text);
      assert.equal((await receivedIn(quick.api, held, BOB))[0]?.body, 'in time');
      assert.equal((await interactionOf(quick.api, held, sent.body.interaction_sid)).outbound_resource_status, 'delivered');
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
    pair = await callbackPair(t, { InterceptCallbackUrl: url });
    const sent = await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.a.proxy, Body: 'nobody home' });
    assert.equal(sent.status, 201, sent.text);
    assert.equal((await receivedIn(t.api, pair, BOB))[0]?.body, 'nobody home');
  });
});
