// PARLEY_CARRIER=telnyx, what only Telnyx does (the scenarios every carrier passes are
// telnyx.test.ts's): messages sent as Messaging API v2 requests (a Bearer key, JSON, media_urls,
// webhook_url on PARLEY_PUBLIC_URL, the messaging profile when configured) and shown under SIDs
// made from Telnyx's ids; calls answered with TeXML, no REST call, the bridged leg found by its
// signed ParentCallSid whatever an unsigned query string says; and the signature's timestamp
// window measured on the app's injected clock.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { frozenClock, startTestApp } from '../helpers/app.js';
import type { TestApp, TestClock } from '../helpers/app.js';
import { deliver } from '../helpers/carrier-adapter.js';
import { ALICE, BOB, carrierHarness } from '../helpers/carrier-harness.js';
import { eventually } from '../helpers/eventually.js';
import { startFakeTelnyx } from '../helpers/fake-telnyx.js';
import type { FakeTelnyx } from '../helpers/fake-telnyx.js';
import { expectError } from '../helpers/http-client.js';
import { telnyxAdapter } from '../helpers/telnyx-adapter.js';
import {
  FORM_TYPE,
  JSON_TYPE,
  MESSAGING,
  PUBLIC_URL,
  STATUS,
  TELNYX_ACCOUNT_SID,
  TELNYX_API_KEY,
  VOICE,
  callResourceSid,
  callSid,
  incomingCall,
  messageSid,
  messagingEvent,
  receivedMessage,
  signedWebhook,
  telnyxEnv,
  texmlForm,
} from '../helpers/telnyx-webhooks.js';
import { assertTwiml, parseDial } from '../helpers/twilio-webhooks.js';

const MEDIA = ['https://media.example.com/cat.jpg'];

describe('Telnyx carrier: on the wire', () => {
  const h = carrierHarness(telnyxAdapter);

  test('a message goes out as a Messaging API v2 request: Bearer key, JSON, media_urls, webhook_url on the public URL', async () => {
    const { t, fake, pair } = h;
    const inbound = receivedMessage(ALICE, pair.a.proxy, 'Hi Bob', MEDIA);
    const answer = await deliver(t, signedWebhook(MESSAGING, JSON_TYPE, messagingEvent('message.received', inbound)));
    assert.equal(answer.status, 200, answer.text);

    await fake.waitForSends(1);
    const [request] = fake.sendRequests();
    assert.equal(request!.method, 'POST');
    assert.equal(request!.path, '/v2/messages');
    assert.equal(request!.headers.authorization, `Bearer ${TELNYX_API_KEY}`);
    assert.match(String(request!.headers['content-type']), /^application\/json/);
    assert.deepEqual(request!.json, {
      from: pair.b.proxy,
      to: BOB,
      text: 'Hi Bob',
      media_urls: MEDIA,
      webhook_url: `${PUBLIC_URL}/carriers/telnyx/messaging`,
    });
    assert.equal(request!.status, 200);

    // Telnyx's UUIDs are shown as SIDs made of their hex digits; the URLs name the UUIDs.
    const row = await eventually(async () => {
      const current = await h.onlyInteraction();
      assert.equal(current.outbound_resource_sid, messageSid(request!.id!));
      return current;
    });
    assert.equal(row.inbound_resource_sid, messageSid(inbound.id as string));
    assert.match(row.inbound_resource_sid, /^SM[0-9a-f]{32}$/);
    assert.equal(row.inbound_resource_url, `${fake.url}/v2/messages/${inbound.id}`);
    assert.equal(row.outbound_resource_url, `${fake.url}/v2/messages/${request!.id}`);

    // A MessageInteraction of media alone carries no text (Telnyx refuses an empty one).
    const created = await t.api.post(`${pair.session}/Participants/${pair.b.sid}/MessageInteractions`, { MediaUrl: MEDIA });
    assert.equal(created.status, 201, created.text);
    await fake.waitForSends(2);
    assert.deepEqual(fake.sendRequests()[1]!.json, {
      from: pair.b.proxy,
      to: BOB,
      media_urls: MEDIA,
      webhook_url: `${PUBLIC_URL}${MESSAGING}`,
    });
  });

  test('a call is answered with TeXML, no REST call; the bridged leg is found by its ParentCallSid, not by the URL', async () => {
    const { t, fake, pair } = h;
    const first = callSid();
    const response = await deliver(t, signedWebhook(VOICE, FORM_TYPE, texmlForm(incomingCall(ALICE, pair.a.proxy, first))));
    assertTwiml(response);
    const { dial, number, dialled } = parseDial(response.text);
    assert.deepEqual([dial.callerId, dialled], [pair.b.proxy, BOB]);
    assert.equal(number.statusCallback, `${PUBLIC_URL}${STATUS}`, 'nothing in the URL: Telnyx does not sign it');
    assert.match(number.statusCallbackEvent ?? '', /\bcompleted\b/);
    const row = await h.onlyInteraction();
    assert.equal(row.inbound_resource_sid, callResourceSid(first));
    assert.match(row.inbound_resource_sid, /^CA[0-9a-f]{32}$/);
    assert.equal(row.inbound_resource_url, `${fake.url}/v2/texml/Accounts/${TELNYX_ACCOUNT_SID}/Calls/${first}`);

    // Bob calls Alice too: a second interaction, which a forged query string must not reach.
    const second = callSid();
    await deliver(t, signedWebhook(VOICE, FORM_TYPE, texmlForm(incomingCall(BOB, pair.b.proxy, second))));
    const other = (await h.interactions()).find((interaction) => interaction.inbound_resource_sid === callResourceSid(second))!;
    const child = callSid();
    const report = signedWebhook(
      STATUS,
      FORM_TYPE,
      texmlForm({ AccountSid: TELNYX_ACCOUNT_SID, CallSid: child, ParentCallSid: first, CallStatus: 'completed', CallDuration: '12' }),
    );
    const answer = await deliver(t, { ...report, path: `${STATUS}?Interaction=${other.sid}` });
    assert.equal(answer.status, 204, answer.text);
    const rows = await h.interactions();
    const bridged = rows.find((interaction) => interaction.sid === row.sid)!;
    assert.deepEqual(
      [bridged.outbound_resource_sid, bridged.outbound_resource_status, bridged.outbound_resource_url],
      [callResourceSid(child), 'completed', `${fake.url}/v2/texml/Accounts/${TELNYX_ACCOUNT_SID}/Calls/${child}`],
    );
    assert.deepEqual(JSON.parse(bridged.data as string), { duration: '12' });
    const untouched = rows.find((interaction) => interaction.sid === other.sid)!;
    assert.deepEqual([untouched.outbound_resource_sid, untouched.outbound_resource_status], [null, 'initiated']);
    assert.equal(fake.requestCount(), 0, 'calls are bridged with TeXML, not through the REST API');
  });

  test('events Parley does not act on are answered 2xx and change nothing; a signed body that is not JSON is a 400', async () => {
    const { t, fake } = h;
    for (const event of ['message.sent', 'call.initiated', 'number_order.complete']) {
      const answer = await deliver(t, signedWebhook(MESSAGING, JSON_TYPE, messagingEvent(event, {})));
      assert.equal(answer.status, 204, `${event}: ${answer.text}`);
    }
    expectError(await deliver(t, signedWebhook(MESSAGING, JSON_TYPE, '{"data":')), 400, 70002);
    assert.deepEqual(await h.interactions(), []);
    assert.equal(fake.requestCount(), 0);
  });
});

describe('Telnyx carrier with a messaging profile', () => {
  const h = carrierHarness(telnyxAdapter, { PARLEY_TELNYX_MESSAGING_PROFILE_ID: '40017a3e-0a5c-4d3a-9a4b-3c2b1a0f9e8d' });

  test('every message names PARLEY_TELNYX_MESSAGING_PROFILE_ID', async () => {
    const { t, fake, pair } = h;
    await deliver(t, signedWebhook(MESSAGING, JSON_TYPE, messagingEvent('message.received', receivedMessage(ALICE, pair.a.proxy, 'hi'))));
    await fake.waitForSends(1);
    assert.equal(fake.sendRequests()[0]!.json!.messaging_profile_id, '40017a3e-0a5c-4d3a-9a4b-3c2b1a0f9e8d');
  });
});

describe('Telnyx carrier: the signature’s timestamp window, on the app’s clock', () => {
  // Real time stands still for the app: how old a webhook is depends on the test alone.
  let clock: TestClock;
  let fake: FakeTelnyx;
  let t: TestApp;
  before(async () => {
    clock = frozenClock();
    fake = await startFakeTelnyx(TELNYX_API_KEY);
    t = await startTestApp(telnyxEnv(fake), { clock });
  });
  after(async () => {
    await t.close();
    await fake.stop();
  });
  const now = () => Math.floor(clock.now() / 1000);
  // A report on a message Parley does not know: 204 once it is believed, and nothing else.
  const report = (timestamp: number) => {
    const payload = { id: '00000000-0000-4000-8000-000000000001', to: [{ phone_number: BOB, status: 'delivered' }] };
    return signedWebhook(MESSAGING, JSON_TYPE, messagingEvent('message.finalized', payload), { timestamp });
  };

  test('five minutes either way are accepted, a second more is refused', async () => {
    for (const offset of [-300, 0, 300]) assert.equal((await deliver(t, report(now() + offset))).status, 204, `${offset} s`);
    for (const offset of [-301, 301, -86_400]) expectError(await deliver(t, report(now() + offset)), 403, 80625);
  });

  test('a webhook taken once is refused when it comes again after the window: a replay', async () => {
    const webhook = report(now());
    assert.equal((await deliver(t, webhook)).status, 204);
    clock.advance(301);
    const replayed = await deliver(t, webhook);
    expectError(replayed, 403, 80625);
    assert.match(replayed.body.message as string, /telnyx-timestamp/);
  });
});
