// PARLEY_CARRIER=twilio, the traffic: Twilio's signed webhooks in (messages; voice, answered with
// TwiML, and its legs' status callbacks), messages out through Twilio's REST API (a local fake
// standing in for api.twilio.com) from the partner's proxy number, MessageInteractions sent the
// same way, nobody outside the session routed, and no simulator routes with this carrier.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually, sleep } from '../helpers/eventually.js';
import { expectError } from '../helpers/http-client.js';
import {
  TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN,
  PUBLIC_URL,
  ALICE,
  BOB,
  STRANGER,
  parseDial,
  sid,
  assertTwiml,
  isEmptyResponse,
  isReject,
  webhook,
  inboundSms,
  inboundCall,
  messagesPath,
  twilioCarrier,
} from '../helpers/twilio-webhooks.js';
import type { Params } from '../helpers/twilio-webhooks.js';

describe('Twilio carrier: routing', () => {
  const carrier = twilioCarrier();
  const { interactions, onlyInteraction, sendJobsFor } = carrier;

  test('a signed inbound message goes on to the partner through Twilio, from the partner’s proxy number', async () => {
    const { t, fake, pair } = carrier;
    const media = ['https://api.twilio.com/2010-04-01/Accounts/x/Messages/MM1/Media/ME1', 'https://example.com/cat.jpg?size=large&x=1'];
    const params = inboundSms(ALICE, pair.a.proxy, 'Hi Bob & co — ünïcode ✓ 1+1=2', {
      NumMedia: '2',
      MediaUrl0: media[0]!,
      MediaContentType0: 'image/jpeg',
      MediaUrl1: media[1]!,
      MediaContentType1: 'image/jpeg',
    });
    const response = await webhook(t, '/carriers/twilio/messages', params);
    assertTwiml(response);
    assert.ok(isEmptyResponse(response.text), `a routed message answers an empty <Response>: ${response.text}`);

    const [sent] = await fake.waitForRequests(1);
    assert.equal(sent!.method, 'POST');
    assert.equal(sent!.path, messagesPath);
    assert.deepEqual(sent!.auth, { username: TWILIO_ACCOUNT_SID, password: TWILIO_AUTH_TOKEN }, 'Basic auth is the Twilio account');
    assert.match(String(sent!.headers['content-type']), /^application\/x-www-form-urlencoded/);
    assert.equal(sent!.params.From, pair.b.proxy, 'from the partner’s proxy number');
    assert.equal(sent!.params.To, BOB);
    assert.equal(sent!.params.Body, params.Body);
    assert.deepEqual(([] as string[]).concat(sent!.params.MediaUrl ?? []), media);
    assert.equal(sent!.params.StatusCallback, `${PUBLIC_URL}/carriers/twilio/status`, 'delivery reports come back to the public URL');
    assert.equal(sent!.status, 201);

    const interaction = await eventually(async () => {
      const row = await onlyInteraction();
      assert.equal(row.outbound_resource_sid, sent!.sid);
      return row;
    });
    assert.equal(interaction.type, 'message');
    assert.deepEqual(JSON.parse(interaction.data as string), { body: params.Body });
    assert.equal(interaction.inbound_participant_sid, pair.a.sid);
    assert.equal(interaction.outbound_participant_sid, pair.b.sid);
    assert.equal(interaction.inbound_resource_sid, params.MessageSid);
    assert.equal(interaction.inbound_resource_type, 'Message');
    assert.equal(interaction.inbound_resource_status, 'delivered');
    assert.equal(
      interaction.inbound_resource_url,
      `${fake.url}/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Messages/${params.MessageSid}.json`,
    );
    assert.equal(interaction.outbound_resource_type, 'Message');
    assert.equal(interaction.outbound_resource_status, 'queued', 'the status Twilio answered');
    assert.equal(interaction.outbound_resource_url, `${fake.url}/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Messages/${sent!.sid}.json`);

    // Twilio's delivery reports for the message Parley sent.
    for (const status of ['sent', 'delivered']) {
      const report = await webhook(t, '/carriers/twilio/status', {
        AccountSid: TWILIO_ACCOUNT_SID,
        ApiVersion: '2010-04-01',
        From: pair.b.proxy,
        To: BOB,
        MessageSid: sent!.sid!,
        SmsSid: sent!.sid!,
        MessageStatus: status,
        SmsStatus: status,
      });
      assert.ok(report.status >= 200 && report.status < 300, `status callback answered ${report.status}: ${report.text}`);
      assert.equal((await onlyInteraction()).outbound_resource_status, status);
    }
    const final = await onlyInteraction();
    assert.equal(final.outbound_resource_sid, sent!.sid);
    assert.equal(final.inbound_resource_status, 'delivered');
    assert.equal(fake.requests.length, 1, 'sent exactly once');
    assert.deepEqual(
      (await sendJobsFor(final.sid)).map((job) => [job.status, job.attempts]),
      [['done', 1]],
    );
  });

  test('the partner’s reply goes back the other way', async () => {
    const { t, fake, pair } = carrier;
    const response = await webhook(t, '/carriers/twilio/messages', inboundSms(BOB, pair.b.proxy, 'Hi Alice'));
    assertTwiml(response);
    assert.ok(isEmptyResponse(response.text), response.text);
    const [sent] = await fake.waitForRequests(1);
    assert.equal(sent!.params.From, pair.a.proxy);
    assert.equal(sent!.params.To, ALICE);
    assert.equal(sent!.params.Body, 'Hi Alice');
    assert.equal(sent!.params.MediaUrl, undefined);
    const interaction = await eventually(async () => {
      const row = await onlyInteraction();
      assert.equal(row.outbound_resource_sid, sent!.sid);
      return row;
    });
    assert.equal(interaction.inbound_participant_sid, pair.b.sid);
    assert.equal(interaction.outbound_participant_sid, pair.a.sid);
  });

  test('the voice webhook bridges the call to the partner from the partner’s proxy number, and its status callbacks update the interaction', async () => {
    const { t, fake, pair } = carrier;
    const call = inboundCall(ALICE, pair.a.proxy);
    // Twilio sends its form bodies with a charset.
    const response = await webhook(t, '/carriers/twilio/voice', call, {
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    assertTwiml(response);
    const { dial, number, dialled } = parseDial(response.text);
    assert.equal(dial.callerId, pair.b.proxy, 'the partner sees their own proxy number');
    assert.equal(dialled, BOB);

    const interaction = await onlyInteraction();
    assert.equal(interaction.type, 'voice');
    assert.equal(interaction.inbound_participant_sid, pair.a.sid);
    assert.equal(interaction.outbound_participant_sid, pair.b.sid);
    assert.equal(interaction.inbound_resource_sid, call.CallSid);
    assert.equal(interaction.inbound_resource_type, 'Call');
    assert.equal(interaction.inbound_resource_status, 'in-progress');
    assert.equal(interaction.inbound_resource_url, `${fake.url}/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Calls/${call.CallSid}.json`);
    assert.equal(interaction.outbound_resource_type, 'Call');
    assert.equal(interaction.outbound_resource_sid, null, 'Twilio creates the bridged leg later');
    assert.equal(interaction.outbound_resource_status, 'initiated');

    const statusCallback = number.statusCallback!;
    assert.equal(statusCallback, `${PUBLIC_URL}/carriers/twilio/status?Interaction=${interaction.sid}`);
    assert.match(number.statusCallbackEvent ?? '', /\bcompleted\b/);

    // Twilio reports the <Number> leg to that URL, signing it with its query string.
    const child = sid('CA');
    const path = new URL(statusCallback).pathname + new URL(statusCallback).search;
    const leg = (status: string, extra: Params = {}) => ({
      AccountSid: TWILIO_ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      CallSid: child,
      ParentCallSid: call.CallSid!,
      CallStatus: status,
      Direction: 'outbound-dial',
      From: pair.b.proxy,
      To: BOB,
      ...extra,
    });
    for (const status of ['initiated', 'ringing', 'in-progress']) {
      const report = await webhook(t, path, leg(status), { signedUrl: statusCallback });
      assert.ok(report.status >= 200 && report.status < 300, `${status}: ${report.status} ${report.text}`);
      const row = await onlyInteraction();
      assert.equal(row.outbound_resource_sid, child);
      assert.equal(row.outbound_resource_status, status);
    }
    const done = await webhook(t, path, leg('completed', { CallDuration: '42', Duration: '1' }), { signedUrl: statusCallback });
    assert.ok(done.status >= 200 && done.status < 300, done.text);
    let row = await onlyInteraction();
    assert.equal(row.outbound_resource_sid, child);
    assert.equal(row.outbound_resource_status, 'completed');
    assert.equal(row.outbound_resource_url, `${fake.url}/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Calls/${child}.json`);
    // Twilio's own form: `{"duration": "5"}` (the Interaction's `data`, as documented).
    assert.deepEqual(JSON.parse(row.data as string), { duration: '42' });

    // The caller's own leg reports to the number's status callback (no Interaction in the URL).
    const parent = await webhook(t, '/carriers/twilio/status', { ...call, CallStatus: 'completed', CallDuration: '45' });
    assert.ok(parent.status >= 200 && parent.status < 300, parent.text);
    row = await onlyInteraction();
    assert.equal(row.inbound_resource_status, 'completed');
    assert.equal(row.outbound_resource_status, 'completed');
    assert.equal(row.outbound_resource_sid, child);

    // The signature covers the query string: the leg's report signed without it is refused.
    expectError(await webhook(t, path, leg('failed'), { signedUrl: `${PUBLIC_URL}/carriers/twilio/status` }), 403, 80625);
    assert.equal((await onlyInteraction()).outbound_resource_status, 'completed');
    assert.deepEqual(fake.requests, [], 'calls are bridged with TwiML, not through the REST API');
  });

  test('a call or message from someone who is not a participant is not bridged or sent', async () => {
    const { t, fake, pair } = carrier;
    const call = await webhook(t, '/carriers/twilio/voice', inboundCall(STRANGER, pair.a.proxy));
    assertTwiml(call);
    assert.ok(isReject(call.text), `expected <Reject/>: ${call.text}`);
    // …nor is a participant dialling a number that is in no pool.
    const crossed = await webhook(t, '/carriers/twilio/voice', inboundCall(ALICE, '+14155550199'));
    assertTwiml(crossed);
    assert.ok(isReject(crossed.text), `expected <Reject/>: ${crossed.text}`);
    const message = await webhook(t, '/carriers/twilio/messages', inboundSms(STRANGER, pair.a.proxy, 'who is this?'));
    assertTwiml(message);
    assert.ok(isEmptyResponse(message.text), message.text);
    await sleep(200);
    assert.deepEqual(await interactions(), []);
    assert.deepEqual(fake.requests, []);
  });

  // MessageInteractions are one-sided: their inbound_* fields are null ("Always empty for created
  // Message Interactions", Twilio's description), which test/helpers/spec.ts's strict reading of
  // the enum $ref rejects; so these requests go around HttpClient's spec check.
  test('MessageInteractions go out through Twilio too', async () => {
    const { t, fake, pair } = carrier;
    const path = `${pair.session}/Participants/${pair.b.sid}/MessageInteractions`;
    const created = await t.api.post(path, {
      Body: 'Your driver is here',
      MediaUrl: ['https://example.com/a.png', 'https://example.com/b.png'],
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.participant_sid, pair.b.sid);
    assert.equal(created.body.outbound_participant_sid, pair.b.sid);
    assert.equal(created.body.inbound_resource_sid, null);
    assert.equal(created.body.outbound_resource_status, 'queued');

    const [sent] = await fake.waitForRequests(1);
    assert.equal(sent!.method, 'POST');
    assert.equal(sent!.path, messagesPath);
    assert.deepEqual(sent!.auth, { username: TWILIO_ACCOUNT_SID, password: TWILIO_AUTH_TOKEN });
    assert.equal(sent!.params.From, pair.b.proxy);
    assert.equal(sent!.params.To, BOB);
    assert.equal(sent!.params.Body, 'Your driver is here');
    assert.deepEqual(sent!.params.MediaUrl, ['https://example.com/a.png', 'https://example.com/b.png']);

    const fetched = await eventually(async () => {
      const row = (await t.api.get(`${path}/${created.body.sid}`)).body;
      assert.equal(row.outbound_resource_sid, sent!.sid);
      return row;
    });
    assert.equal(fetched.outbound_resource_url, `${fake.url}/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Messages/${sent!.sid}.json`);
    assert.equal(fetched.outbound_resource_status, 'queued');

    const report = await webhook(t, '/carriers/twilio/status', {
      AccountSid: TWILIO_ACCOUNT_SID,
      MessageSid: sent!.sid!,
      MessageStatus: 'delivered',
    });
    assert.ok(report.status >= 200 && report.status < 300, report.text);
    assert.equal((await t.api.get(`${path}/${created.body.sid}`)).body.outbound_resource_status, 'delivered');
    const listed = (await t.api.get(path)).body.interactions as Array<Record<string, string>>;
    assert.deepEqual(
      listed.map((i) => [i.sid, i.outbound_resource_status]),
      [[created.body.sid, 'delivered']],
    );
    const logged = (await t.api.get(`${pair.session}/Interactions`)).body.interactions as Array<Record<string, string>>;
    assert.deepEqual(
      logged.map((i) => [i.sid, i.outbound_resource_sid]),
      [[created.body.sid, sent!.sid]],
    );
    assert.equal(fake.requests.length, 1);
  });

  test('the simulator routes do not exist with this carrier', async () => {
    const { t, fake, pair } = carrier;
    expectError(await t.api.get('/simulator/v1/Clock'), 404, 20404);
    expectError(await t.api.post('/simulator/v1/Clock', { Advance: 60 }), 404, 20404);
    expectError(await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.a.proxy, Body: 'hi' }), 404, 20404);
    expectError(await t.api.get('/simulator/v1/Messages'), 404, 20404);
    expectError(await t.api.post('/simulator/v1/Calls', { From: ALICE, To: pair.a.proxy }), 404, 20404);
    expectError(await t.api.get(`/simulator/v1/Calls/${sid('CA')}`), 404, 20404);
    // The webhooks are POST-only.
    expectError(await t.anonymous.get('/carriers/twilio/messages'), 405, 20004);
    assert.deepEqual(fake.requests, []);
  });
});
