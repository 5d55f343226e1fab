// PARLEY_CARRIER=twilio, who may call the webhooks: a request must carry Twilio's X-Twilio-Signature
// over PARLEY_PUBLIC_URL (whatever the request itself says about its host) and come from the
// configured Twilio account, or it is 403/80625 and nothing is sent, recorded or changed; the
// messages Parley sends and the legs it bridges ask for their status callbacks on the public URL.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import twilio from 'twilio';
import { eventually, sleep } from '../helpers/eventually.js';
import { expectError } from '../helpers/http-client.js';
import type { Response } from '../helpers/http-client.js';
import {
  TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN,
  OTHER_TWILIO_ACCOUNT_SID,
  PUBLIC_URL,
  ALICE,
  BOB,
  parseDial,
  sid,
  assertTwiml,
  isEmptyResponse,
  webhook,
  inboundSms,
  inboundCall,
  twilioCarrier,
} from '../helpers/twilio-webhooks.js';

describe('Twilio carrier: webhook signatures', () => {
  const carrier = twilioCarrier();
  const { interactions, onlyInteraction, sendJobs } = carrier;

  test('a missing or wrong signature, or another Twilio account, is 403/80625 and sends nothing', async () => {
    const { t, fake, pair } = carrier;
    const path = '/carriers/twilio/messages';
    const params = inboundSms(ALICE, pair.a.proxy, 'let me in');
    const foreign = { ...params, AccountSid: OTHER_TWILIO_ACCOUNT_SID };
    const jobsBefore = (await sendJobs()).length;
    const cases: Array<[string, () => Promise<Response>]> = [
      ['no signature', () => webhook(t, path, params, { signature: null })],
      ['empty signature', () => webhook(t, path, params, { signature: '' })],
      ['garbage signature', () => webhook(t, path, params, { signature: 'not-a-signature' })],
      ['signed with another auth token', () => webhook(t, path, params, { token: 'some-other-auth-token' })],
      ['signed for another URL', () => webhook(t, path, params, { signedUrl: 'https://elsewhere.example.com/carriers/twilio/messages' })],
      ['signed for another path', () => webhook(t, path, params, { signedUrl: `${PUBLIC_URL}/carriers/twilio/voice` })],
      [
        'params changed after signing',
        () =>
          webhook(t, path, params, {
            signature: twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, PUBLIC_URL + path, { ...params, Body: 'something else' }),
          }),
      ],
      ['another Twilio account, correctly signed', () => webhook(t, path, foreign)],
      ['voice, no signature', () => webhook(t, '/carriers/twilio/voice', inboundCall(ALICE, pair.a.proxy), { signature: null })],
      [
        'voice, another Twilio account',
        () => webhook(t, '/carriers/twilio/voice', inboundCall(ALICE, pair.a.proxy, { AccountSid: OTHER_TWILIO_ACCOUNT_SID })),
      ],
      [
        'status, wrong token',
        () =>
          webhook(
            t,
            '/carriers/twilio/status',
            { AccountSid: TWILIO_ACCOUNT_SID, MessageSid: sid('SM'), MessageStatus: 'delivered' },
            { token: 'nope-nope-nope' },
          ),
      ],
    ];
    for (const [name, send] of cases) {
      const response = await send();
      assert.equal(response.status, 403, `${name}: ${response.status} ${response.text}`);
      expectError(response, 403, 80625);
    }
    await sleep(300);
    assert.deepEqual(fake.requests, [], 'nothing was sent through Twilio');
    assert.deepEqual(await interactions(), [], 'nothing was recorded');
    assert.equal((await sendJobs()).length, jobsBefore, 'nothing was queued');
    // The same message, correctly signed, does get through.
    assertTwiml(await webhook(t, path, params));
    await fake.waitForRequests(1);
  });

  test('signatures are checked against PARLEY_PUBLIC_URL alone, whatever the request says', async () => {
    const { t, fake, pair } = carrier;
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

  test('a forged status callback does not change an interaction', async () => {
    const { t, fake, pair } = carrier;
    await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.a.proxy, 'hello'));
    const [sent] = await fake.waitForRequests(1);
    await eventually(async () => assert.equal((await onlyInteraction()).outbound_resource_sid, sent!.sid));
    const report = { AccountSid: TWILIO_ACCOUNT_SID, MessageSid: sent!.sid!, MessageStatus: 'failed' };
    expectError(await webhook(t, '/carriers/twilio/status', report, { signature: null }), 403, 80625);
    expectError(await webhook(t, '/carriers/twilio/status', report, { token: 'forger-token-123' }), 403, 80625);
    expectError(await webhook(t, '/carriers/twilio/status', { ...report, AccountSid: OTHER_TWILIO_ACCOUNT_SID }), 403, 80625);
    assert.equal((await onlyInteraction()).outbound_resource_status, 'queued');
  });
});

describe('Twilio carrier with PARLEY_PUBLIC_URL', () => {
  const carrier = twilioCarrier();

  test('webhooks are signed over the public URL, and sent messages ask for status callbacks there', async () => {
    const { t, fake, pair } = carrier;
    const path = '/carriers/twilio/messages';
    const params = inboundSms(ALICE, pair.a.proxy, 'via the public URL');
    expectError(await webhook(t, path, params, { signedUrl: t.baseUrl + path }), 403, 80625);
    const response = await webhook(t, path, params);
    assertTwiml(response);
    assert.ok(isEmptyResponse(response.text), response.text);
    const [sent] = await fake.waitForRequests(1);
    assert.equal(sent!.params.StatusCallback, `${PUBLIC_URL}/carriers/twilio/status`);
    assert.equal(sent!.params.To, BOB);
  });

  test('the bridged leg’s statusCallback is on the public URL', async () => {
    const { t, pair } = carrier;
    const path = '/carriers/twilio/voice';
    const response = await webhook(t, path, inboundCall(ALICE, pair.a.proxy), { signedUrl: PUBLIC_URL + path });
    assertTwiml(response);
    const { dial, number, dialled } = parseDial(response.text);
    assert.equal(dial.callerId, pair.b.proxy);
    assert.equal(dialled, BOB);
    const interaction = (await t.api.get(`${pair.session}/Interactions`)).body.interactions[0];
    assert.equal(number.statusCallback, `${PUBLIC_URL}/carriers/twilio/status?Interaction=${interaction.sid}`);
    const callback = new URL(number.statusCallback!);
    const report = await webhook(
      t,
      callback.pathname + callback.search,
      { AccountSid: TWILIO_ACCOUNT_SID, CallSid: sid('CA'), CallStatus: 'completed', CallDuration: '7' },
      { signedUrl: number.statusCallback! },
    );
    assert.ok(report.status >= 200 && report.status < 300, report.text);
    const row = (await t.api.get(`${pair.session}/Interactions/${interaction.sid}`)).body;
    assert.equal(row.outbound_resource_status, 'completed');
  });
});
