// PARLEY_CARRIER=twilio, what only Twilio does (the scenarios every carrier passes are
// twilio.test.ts's): messages created through its Messages API with the account's Basic
// credentials and a StatusCallback on PARLEY_PUBLIC_URL; calls answered with TwiML, the bridged
// <Number> leg reporting to a status URL that names the interaction; and X-Twilio-Signature
// checked over PARLEY_PUBLIC_URL alone, whatever the request says about its host.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALICE, BOB, carrierHarness } from '../helpers/carrier-harness.js';
import { eventually } from '../helpers/eventually.js';
import { expectError } from '../helpers/http-client.js';
import { twilioAdapter } from '../helpers/twilio-adapter.js';
import {
  PUBLIC_URL,
  TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN,
  assertTwiml,
  inboundCall,
  inboundSms,
  isEmptyResponse,
  messagesPath,
  parseDial,
  sid,
  webhook,
} from '../helpers/twilio-webhooks.js';

describe('Twilio carrier: on the wire', () => {
  const h = carrierHarness(twilioAdapter);

  test('a message goes out as a Messages API create: the account’s Basic credentials, a form, MediaUrl repeated, StatusCallback on the public URL', async () => {
    const { t, fake, pair } = h;
    const media = ['https://api.twilio.com/2010-04-01/Accounts/x/Messages/MM1/Media/ME1', 'https://example.com/cat.jpg?size=large&x=1'];
    const params = inboundSms(ALICE, pair.a.proxy, 'Hi Bob', {
      NumMedia: '2',
      MediaUrl0: media[0]!,
      MediaContentType0: 'image/jpeg',
      MediaUrl1: media[1]!,
      MediaContentType1: 'image/jpeg',
    });
    // Signed over the address the request came to, not the public URL: refused.
    expectError(await webhook(t, '/carriers/twilio/messages', params, { signedUrl: t.baseUrl + '/carriers/twilio/messages' }), 403, 80625);
    const response = await webhook(t, '/carriers/twilio/messages', params);
    assertTwiml(response);
    assert.ok(isEmptyResponse(response.text), `a routed message answers an empty <Response>: ${response.text}`);

    const [sent] = await fake.waitForRequests(1);
    assert.equal(sent!.method, 'POST');
    assert.equal(sent!.path, messagesPath);
    assert.deepEqual(sent!.auth, { username: TWILIO_ACCOUNT_SID, password: TWILIO_AUTH_TOKEN }, 'Basic auth is the Twilio account');
    assert.match(String(sent!.headers['content-type']), /^application\/x-www-form-urlencoded/);
    assert.deepEqual(sent!.params.MediaUrl, media, 'one MediaUrl per medium, in order');
    assert.equal(sent!.params.StatusCallback, `${PUBLIC_URL}/carriers/twilio/status`, 'delivery reports come back to the public URL');
    assert.equal(sent!.status, 201);
    await eventually(async () => assert.equal((await h.onlyInteraction()).outbound_resource_sid, sent!.sid));

    // A MessageInteraction goes out the same way.
    const created = await t.api.post(`${pair.session}/Participants/${pair.b.sid}/MessageInteractions`, { Body: 'Your driver is here' });
    assert.equal(created.status, 201, created.text);
    const [, again] = await fake.waitForRequests(2);
    assert.equal(again!.path, messagesPath);
    assert.deepEqual(again!.auth, sent!.auth);
    assert.equal(again!.params.StatusCallback, sent!.params.StatusCallback);
    assert.equal(again!.params.MediaUrl, undefined);
  });

  test('a call is answered with TwiML: <Dial callerId><Number statusCallback> naming the interaction, no REST call', async () => {
    const { t, fake, pair } = h;
    const call = inboundCall(ALICE, pair.a.proxy);
    const response = await webhook(t, '/carriers/twilio/voice', call);
    assertTwiml(response);
    const { dial, number, dialled } = parseDial(response.text);
    assert.equal(dial.callerId, pair.b.proxy);
    assert.equal(dialled, BOB);
    const interaction = await h.onlyInteraction();
    assert.equal(interaction.outbound_resource_sid, null, 'Twilio creates the bridged leg later');
    assert.equal(number.statusCallback, `${PUBLIC_URL}/carriers/twilio/status?Interaction=${interaction.sid}`);
    assert.match(number.statusCallbackEvent ?? '', /\bcompleted\b/);

    // A report to that URL names the leg by its own CallSid (no ParentCallSid needed).
    const callback = new URL(number.statusCallback!);
    const child = sid('CA');
    const report = await webhook(
      t,
      callback.pathname + callback.search,
      { AccountSid: TWILIO_ACCOUNT_SID, CallSid: child, CallStatus: 'completed', CallDuration: '7' },
      { signedUrl: number.statusCallback! },
    );
    assert.equal(report.status, 204, report.text);
    const row = await h.onlyInteraction();
    assert.deepEqual([row.outbound_resource_sid, row.outbound_resource_status], [child, 'completed']);
    assert.equal(fake.requestCount(), 0, 'calls are bridged with TwiML, not through the REST API');
  });

  test('signatures are checked against PARLEY_PUBLIC_URL alone, whatever the request says', async () => {
    const { t, fake, pair } = h;
    const path = '/carriers/twilio/messages';
    const params = inboundSms(ALICE, pair.a.proxy, 'through the proxy');
    // Signed for the address the request came to, or for a host it claims: neither is the public URL.
    expectError(await webhook(t, path, params, { signedUrl: t.baseUrl + path }), 403, 80625);
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'attacker.example.net' };
    expectError(await webhook(t, path, params, { headers: forwarded, signedUrl: `https://attacker.example.net${path}` }), 403, 80625);
    assertTwiml(await webhook(t, path, params, { headers: forwarded }));
    const [sent] = await fake.waitForRequests(1);
    assert.equal(sent!.params.To, BOB);
  });
});
