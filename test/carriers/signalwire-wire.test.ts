// PARLEY_CARRIER=signalwire, what only SignalWire does (the scenarios every carrier passes are
// signalwire.test.ts's): messages created through the Compatibility API of the project's Space
// with ProjectID:APIToken and a StatusCallback on PARLEY_PUBLIC_URL; SignalWire's UUIDs recorded
// in the Proxy API's SID shape, their URLs keeping the UUID; calls answered with cXML; and
// X-SignalWire-Signature checked as SignalWire signs (the Signing Key, repeated fields as sent,
// X-Twilio-Signature as its alias) over PARLEY_PUBLIC_URL alone.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALICE, BOB, carrierHarness } from '../helpers/carrier-harness.js';
import { deliver } from '../helpers/carrier-adapter.js';
import { eventually } from '../helpers/eventually.js';
import { expectError } from '../helpers/http-client.js';
import { signalwireAdapter } from '../helpers/signalwire-adapter.js';
import {
  SIGNALWIRE_API_TOKEN,
  SIGNALWIRE_PROJECT_ID,
  SIGNALWIRE_SIGNER,
  signalwireCall,
  signalwireMessagesPath,
  signalwireSms,
  uuidOf,
} from '../helpers/signalwire-webhooks.js';
import { TWILIO_SIGNER, assertTwiml, isEmptyResponse, parseDial } from '../helpers/twilio-webhooks.js';
import { PUBLIC_URL, signWebhook } from '../helpers/webhook-signing.js';
import type { SignedParams, SigningOptions } from '../helpers/webhook-signing.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('SignalWire carrier: on the wire', () => {
  const h = carrierHarness(signalwireAdapter);
  const post = (path: string, params: SignedParams, options: SigningOptions = {}) =>
    deliver(h.t, signWebhook(SIGNALWIRE_SIGNER, path, params, options));

  test('a message goes out as a Compatibility API create: the Space’s LaML path, ProjectID:APIToken, MediaUrl repeated, StatusCallback on the public URL', async () => {
    const { t, fake, pair } = h;
    const media = ['https://files.signalwire.com/a/b/c.jpg', 'https://example.com/cat.jpg?size=large&x=1'];
    const params = signalwireSms(ALICE, pair.a.proxy, 'Hi Bob', {
      NumMedia: '2',
      MediaUrl0: media[0]!,
      MediaContentType0: 'image/jpeg',
      MediaUrl1: media[1]!,
      MediaContentType1: 'image/jpeg',
    });
    const response = await post('/carriers/signalwire/messages', params);
    assertTwiml(response);
    assert.ok(isEmptyResponse(response.text), `a routed message answers an empty <Response>: ${response.text}`);

    const [sent] = await fake.waitForRequests(1);
    assert.equal(sent!.method, 'POST');
    assert.equal(sent!.path, signalwireMessagesPath);
    assert.deepEqual(
      sent!.auth,
      { username: SIGNALWIRE_PROJECT_ID, password: SIGNALWIRE_API_TOKEN },
      'Basic auth is the project and its API token',
    );
    assert.match(String(sent!.headers['content-type']), /^application\/x-www-form-urlencoded/);
    assert.deepEqual([sent!.params.From, sent!.params.To, sent!.params.Body], [pair.b.proxy, BOB, 'Hi Bob']);
    assert.deepEqual(sent!.params.MediaUrl, media, 'one MediaUrl per medium, in order');
    assert.equal(sent!.params.StatusCallback, `${PUBLIC_URL}/carriers/signalwire/status`, 'delivery reports come back to the public URL');
    assert.equal(sent!.status, 201);
    assert.match(sent!.sid!, UUID);

    // SignalWire's UUIDs in the Proxy API's SID shape (the spec's pattern, checked on every GET), their URLs as SignalWire has them.
    const row = await eventually(async () => {
      const interaction = await h.onlyInteraction();
      assert.notEqual(interaction.outbound_resource_sid, null);
      return interaction;
    });
    assert.equal(row.inbound_resource_sid, 'SM' + params.MessageSid!.replace(/-/g, ''));
    assert.equal(
      row.inbound_resource_url,
      `${fake.url}/api/laml/2010-04-01/Accounts/${SIGNALWIRE_PROJECT_ID}/Messages/${params.MessageSid}.json`,
    );
    assert.equal(row.outbound_resource_sid, 'SM' + sent!.sid!.replace(/-/g, ''));
    assert.equal(uuidOf(row.outbound_resource_sid), sent!.sid);
    assert.equal(row.outbound_resource_url, `${fake.url}${signalwireMessagesPath.replace('.json', '')}/${sent!.sid}.json`);

    // A MessageInteraction goes out the same way.
    const created = await t.api.post(`${pair.session}/Participants/${pair.b.sid}/MessageInteractions`, { Body: 'Your driver is here' });
    assert.equal(created.status, 201, created.text);
    const [, again] = await fake.waitForRequests(2);
    assert.equal(again!.path, signalwireMessagesPath);
    assert.deepEqual(again!.auth, sent!.auth);
    assert.equal(again!.params.StatusCallback, sent!.params.StatusCallback);
  });

  test('a call is answered with cXML: <Dial callerId><Number statusCallback> naming the interaction, no REST call', async () => {
    const { fake, pair } = h;
    const call = signalwireCall(ALICE, pair.a.proxy);
    const response = await post('/carriers/signalwire/voice', call);
    assertTwiml(response);
    const { dial, number, dialled } = parseDial(response.text);
    assert.equal(dial.callerId, pair.b.proxy);
    assert.equal(dialled, BOB);
    const interaction = await h.onlyInteraction();
    assert.equal(interaction.inbound_resource_sid, 'CA' + call.CallSid!.replace(/-/g, ''));
    assert.equal(interaction.outbound_resource_sid, null, 'SignalWire creates the bridged leg later');
    assert.equal(number.statusCallback, `${PUBLIC_URL}/carriers/signalwire/status?Interaction=${interaction.sid}`);

    // The <Number> leg reports to that URL with its own CallSid, a UUID.
    const callback = new URL(number.statusCallback!);
    const child = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
    const report = await post(
      callback.pathname + callback.search,
      { AccountSid: SIGNALWIRE_PROJECT_ID, CallSid: child, ParentCallSid: call.CallSid!, CallStatus: 'completed', CallDuration: '7' },
      { signedUrl: number.statusCallback! },
    );
    assert.equal(report.status, 204, report.text);
    const row = await h.onlyInteraction();
    assert.deepEqual([row.outbound_resource_sid, row.outbound_resource_status], ['CA0f1e2d3c4b5a49688776a5b4c3d2e1f0', 'completed']);
    assert.equal(row.outbound_resource_url, `${fake.url}/api/laml/2010-04-01/Accounts/${SIGNALWIRE_PROJECT_ID}/Calls/${child}.json`);
    assert.equal(fake.requestCount(), 0, 'calls are bridged with cXML, not through the REST API');
  });

  test('the signature is SignalWire’s: the Signing Key, X-Twilio-Signature as an alias, repeated fields as sent, the default port either way', async () => {
    const { fake, pair } = h;
    const path = '/carriers/signalwire/messages';
    // SignalWire's validators take X-Twilio-Signature when X-SignalWire-Signature is absent.
    assertTwiml(await post(path, signalwireSms(ALICE, pair.a.proxy, 'by the alias'), { header: 'x-twilio-signature' }));
    // …but signed with the API token it is refused, in either header.
    for (const header of ['x-signalwire-signature', 'x-twilio-signature']) {
      expectError(await post(path, signalwireSms(ALICE, pair.a.proxy, 'API token'), { header, token: SIGNALWIRE_API_TOKEN }), 403, 80625);
    }
    // A field sent more than once is signed with every value, in the order sent; Twilio's way is not SignalWire's.
    const repeated = { ...signalwireSms(ALICE, pair.a.proxy, 'repeated'), Tag: ['b', 'a', 'b'] };
    const twilioWay = signWebhook(TWILIO_SIGNER, path, repeated, { token: SIGNALWIRE_SIGNER.key });
    expectError(
      await deliver(h.t, {
        ...twilioWay,
        headers: { ...twilioWay.headers, 'x-signalwire-signature': twilioWay.headers['x-twilio-signature']! },
      }),
      403,
      80625,
    );
    assertTwiml(await post(path, repeated));
    // Signed over the public URL with its default port written out.
    assertTwiml(await post(path, signalwireSms(ALICE, pair.a.proxy, 'port'), { signedUrl: `https://parley.example.com:443${path}` }));
    await fake.waitForSends(3);
    assert.deepEqual(
      fake.sends().map((sent) => sent.body),
      ['by the alias', 'repeated', 'port'],
    );
  });

  test('signatures are checked against PARLEY_PUBLIC_URL alone, and JSON bodies (RELAY, SWML) are not taken', async () => {
    const { t, fake, pair } = h;
    const path = '/carriers/signalwire/messages';
    const params = signalwireSms(ALICE, pair.a.proxy, 'through the proxy');
    expectError(await post(path, params, { signedUrl: t.baseUrl + path }), 403, 80625);
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'attacker.example.net' };
    expectError(await post(path, params, { headers: forwarded, signedUrl: `https://attacker.example.net${path}` }), 403, 80625);
    // Parley's webhooks are cXML's form posts; a JSON body is refused before any signature is read.
    const json = JSON.stringify({ event_type: 'messaging.receive', params: { from_number: ALICE, to_number: pair.a.proxy, body: 'hi' } });
    const refused = await t.anonymous.post(
      path,
      {},
      { raw: json, headers: { 'content-type': 'application/json', 'x-signalwire-signature': 'ab'.repeat(20) } },
    );
    assert.equal(refused.status, 415, refused.text);
    assertTwiml(await post(path, params, { headers: forwarded }));
    const [sent] = await fake.waitForSends(1);
    assert.equal(sent!.to, BOB);
  });
});
