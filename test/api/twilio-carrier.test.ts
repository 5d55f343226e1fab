// PARLEY_CARRIER=twilio: Twilio's signed webhooks in (messages, voice, status callbacks), messages
// out through Twilio's REST API (a local fake standing in for api.twilio.com), retries and
// permanent failures of the outbox, and no simulator routes.

import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import twilio from 'twilio';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { startFakeTwilio } from '../helpers/fake-twilio.js';
import type { FakeTwilio } from '../helpers/fake-twilio.js';
import { expectError } from '../helpers/http-client.js';
import type { Response } from '../helpers/http-client.js';
import {
  TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN,
  OTHER_TWILIO_ACCOUNT_SID,
  PUBLIC_URL,
  ALICE,
  BOB,
  STRANGER,
  sid,
  sleep,
  eventually,
  parseDial,
  assertTwiml,
  isEmptyResponse,
  isReject,
  createPair,
  webhook,
  inboundSms,
  inboundCall,
  messagesPath,
  twilioEnv,
} from '../helpers/twilio-webhooks.js';
import type { Pair, Params } from '../helpers/twilio-webhooks.js';

describe('Twilio carrier', () => {
  let t: TestApp;
  let fake: FakeTwilio;
  let pair: Pair;
  before(async () => {
    fake = await startFakeTwilio();
    t = await startTestApp(twilioEnv(fake));
  });
  after(async () => {
    await t.close();
    await fake.stop();
  });
  beforeEach(async () => {
    fake.reset();
    pair = await createPair(t);
  });
  // Pool numbers are unique per account: each test's service gives its numbers back.
  afterEach(() => t.api.delete(pair.service));

  const interactions = async () =>
    (await t.api.get(`${pair.service}/Sessions/${pair.session}/Interactions`)).body.interactions as Array<Record<string, any>>;
  const onlyInteraction = async () => {
    const all = await interactions();
    assert.equal(all.length, 1, JSON.stringify(all));
    return all[0]!;
  };
  const outboxJobs = () => t.app.parley.database.db.selectFrom('outbox').selectAll().where('kind', '=', 'twilio-message').execute();
  /** The Twilio send jobs of one interaction (the outbox is shared by every test of the app). */
  const jobsFor = async (interactionSid: string) =>
    (await outboxJobs()).filter((job) => JSON.parse(job.payload).interactionSid === interactionSid);
  test('a signed inbound message goes on to the partner through Twilio, from the partner’s proxy number', async () => {
    const media = ['https://api.twilio.com/2010-04-01/Accounts/x/Messages/MM1/Media/ME1', 'https://example.com/cat.jpg?size=large&x=1'];
    const params = inboundSms(ALICE, pair.alice.proxy, 'Hi Bob & co — ünïcode ✓ 1+1=2', {
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
    assert.equal(sent!.params.From, pair.bob.proxy, 'from the partner’s proxy number');
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
    assert.equal(interaction.inbound_participant_sid, pair.alice.sid);
    assert.equal(interaction.outbound_participant_sid, pair.bob.sid);
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
        From: pair.bob.proxy,
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
      (await jobsFor(final.sid)).map((job) => [job.status, job.attempts]),
      [['done', 1]],
    );
  });

  test('the partner’s reply goes back the other way', async () => {
    const response = await webhook(t, '/carriers/twilio/messages', inboundSms(BOB, pair.bob.proxy, 'Hi Alice'));
    assertTwiml(response);
    assert.ok(isEmptyResponse(response.text), response.text);
    const [sent] = await fake.waitForRequests(1);
    assert.equal(sent!.params.From, pair.alice.proxy);
    assert.equal(sent!.params.To, ALICE);
    assert.equal(sent!.params.Body, 'Hi Alice');
    assert.equal(sent!.params.MediaUrl, undefined);
    const interaction = await eventually(async () => {
      const row = await onlyInteraction();
      assert.equal(row.outbound_resource_sid, sent!.sid);
      return row;
    });
    assert.equal(interaction.inbound_participant_sid, pair.bob.sid);
    assert.equal(interaction.outbound_participant_sid, pair.alice.sid);
  });

  test('a missing or wrong signature, or another Twilio account, is 403/80625 and sends nothing', async () => {
    const path = '/carriers/twilio/messages';
    const params = inboundSms(ALICE, pair.alice.proxy, 'let me in');
    const foreign = { ...params, AccountSid: OTHER_TWILIO_ACCOUNT_SID };
    const jobsBefore = (await outboxJobs()).length;
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
      ['voice, no signature', () => webhook(t, '/carriers/twilio/voice', inboundCall(ALICE, pair.alice.proxy), { signature: null })],
      [
        'voice, another Twilio account',
        () => webhook(t, '/carriers/twilio/voice', inboundCall(ALICE, pair.alice.proxy, { AccountSid: OTHER_TWILIO_ACCOUNT_SID })),
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
    assert.equal((await outboxJobs()).length, jobsBefore, 'nothing was queued');
    // The same message, correctly signed, does get through.
    assertTwiml(await webhook(t, path, params));
    await fake.waitForRequests(1);
  });

  test('signatures are checked against PARLEY_PUBLIC_URL alone, whatever the request says', async () => {
    const path = '/carriers/twilio/messages';
    const params = inboundSms(ALICE, pair.alice.proxy, 'through the proxy');
    // Signed for the address the request came to, or for a host it claims: neither is the public URL.
    expectError(await webhook(t, path, params, { signedUrl: t.baseUrl + path }), 403, 80625);
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'attacker.example.net' };
    expectError(await webhook(t, path, params, { headers: forwarded, signedUrl: `https://attacker.example.net${path}` }), 403, 80625);
    assertTwiml(await webhook(t, path, params, { headers: forwarded }));
    const [sent] = await fake.waitForRequests(1);
    assert.equal(sent!.params.To, BOB);
  });

  test('a forged status callback does not change an interaction', async () => {
    await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.alice.proxy, 'hello'));
    const [sent] = await fake.waitForRequests(1);
    await eventually(async () => assert.equal((await onlyInteraction()).outbound_resource_sid, sent!.sid));
    const report = { AccountSid: TWILIO_ACCOUNT_SID, MessageSid: sent!.sid!, MessageStatus: 'failed' };
    expectError(await webhook(t, '/carriers/twilio/status', report, { signature: null }), 403, 80625);
    expectError(await webhook(t, '/carriers/twilio/status', report, { token: 'forger-token-123' }), 403, 80625);
    expectError(await webhook(t, '/carriers/twilio/status', { ...report, AccountSid: OTHER_TWILIO_ACCOUNT_SID }), 403, 80625);
    assert.equal((await onlyInteraction()).outbound_resource_status, 'queued');
  });

  test('the voice webhook bridges the call to the partner from the partner’s proxy number, and its status callbacks update the interaction', async () => {
    const call = inboundCall(ALICE, pair.alice.proxy);
    // Twilio sends its form bodies with a charset.
    const response = await webhook(t, '/carriers/twilio/voice', call, {
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    assertTwiml(response);
    const { dial, number, dialled } = parseDial(response.text);
    assert.equal(dial.callerId, pair.bob.proxy, 'the partner sees their own proxy number');
    assert.equal(dialled, BOB);

    const interaction = await onlyInteraction();
    assert.equal(interaction.type, 'voice');
    assert.equal(interaction.inbound_participant_sid, pair.alice.sid);
    assert.equal(interaction.outbound_participant_sid, pair.bob.sid);
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
      From: pair.bob.proxy,
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
    const call = await webhook(t, '/carriers/twilio/voice', inboundCall(STRANGER, pair.alice.proxy));
    assertTwiml(call);
    assert.ok(isReject(call.text), `expected <Reject/>: ${call.text}`);
    // …nor is a participant dialling a number that is in no pool.
    const crossed = await webhook(t, '/carriers/twilio/voice', inboundCall(ALICE, '+14155550199'));
    assertTwiml(crossed);
    assert.ok(isReject(crossed.text), `expected <Reject/>: ${crossed.text}`);
    const message = await webhook(t, '/carriers/twilio/messages', inboundSms(STRANGER, pair.alice.proxy, 'who is this?'));
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
    const path = `${pair.service}/Sessions/${pair.session}/Participants/${pair.bob.sid}/MessageInteractions`;
    const created = await t.api.post(path, {
      Body: 'Your driver is here',
      MediaUrl: ['https://example.com/a.png', 'https://example.com/b.png'],
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.participant_sid, pair.bob.sid);
    assert.equal(created.body.outbound_participant_sid, pair.bob.sid);
    assert.equal(created.body.inbound_resource_sid, null);
    assert.equal(created.body.outbound_resource_status, 'queued');

    const [sent] = await fake.waitForRequests(1);
    assert.equal(sent!.method, 'POST');
    assert.equal(sent!.path, messagesPath);
    assert.deepEqual(sent!.auth, { username: TWILIO_ACCOUNT_SID, password: TWILIO_AUTH_TOKEN });
    assert.equal(sent!.params.From, pair.bob.proxy);
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
    const logged = (await t.api.get(`${pair.service}/Sessions/${pair.session}/Interactions`)).body.interactions as Array<
      Record<string, string>
    >;
    assert.deepEqual(
      logged.map((i) => [i.sid, i.outbound_resource_sid]),
      [[created.body.sid, sent!.sid]],
    );
    assert.equal(fake.requests.length, 1);
  });

  test('a 4xx answer from Twilio marks the outbound leg failed and is not retried', async () => {
    fake.failNext(400, 1, {
      code: 21211,
      message: "The 'To' number +12125550102 is not a valid phone number.",
      more_info: 'https://www.twilio.com/docs/errors/21211',
      status: 400,
    });
    const response = await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.alice.proxy, 'doomed'));
    assertTwiml(response);
    const [refused] = await fake.waitForRequests(1);
    assert.equal(refused!.status, 400);
    const failed = await eventually(async () => {
      const row = await onlyInteraction();
      assert.equal(row.outbound_resource_status, 'failed');
      return row;
    });
    assert.equal(failed.outbound_resource_sid, null);
    assert.equal(failed.outbound_resource_url, null);
    assert.equal(failed.inbound_resource_status, 'delivered');
    // Well past the first retry's 1 s backoff.
    await sleep(1600);
    assert.equal(fake.requests.length, 1, 'a 4xx is not retried');
    const jobs = await jobsFor(failed.sid);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.status, 'failed');
    assert.equal(jobs[0]!.attempts, 1);
    assert.match(jobs[0]!.last_error ?? '', /400/);
    assert.equal((await onlyInteraction()).outbound_resource_status, 'failed');
  });

  test('a 500 answer from Twilio is retried, and the message is sent once', async () => {
    fake.failNext(500, 1);
    await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.alice.proxy, 'try again'));
    const [first] = await fake.waitForRequests(1);
    assert.equal(first!.status, 500);
    const row = await onlyInteraction();
    assert.equal(row.outbound_resource_status, 'queued', 'still queued while it is retried');
    assert.equal(row.outbound_resource_sid, null);

    const [, second] = await fake.waitForRequests(2, 5000);
    assert.equal(second!.status, 201);
    assert.deepEqual(second!.params, first!.params, 'the retry sends the same message');
    assert.deepEqual(second!.auth, first!.auth);
    const sent = await eventually(async () => {
      const current = await onlyInteraction();
      assert.equal(current.outbound_resource_sid, second!.sid);
      return current;
    });
    assert.equal(sent.outbound_resource_status, 'queued');
    await eventually(async () =>
      assert.deepEqual(
        (await jobsFor(sent.sid)).map((job) => [job.status, job.attempts]),
        [['done', 2]],
      ),
    );
    await sleep(300);
    assert.equal(fake.messageRequests().filter((r) => r.status === 201).length, 1, 'sent exactly once');
    assert.equal(fake.requests.length, 2);
  });

  test('a 429 answer from Twilio is retried too', async () => {
    fake.failNext(429, 1, {
      code: 20429,
      message: 'Too Many Requests',
      more_info: 'https://www.twilio.com/docs/errors/20429',
      status: 429,
    });
    await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.alice.proxy, 'slow down'));
    const [first, second] = await fake.waitForRequests(2, 5000);
    assert.equal(first!.status, 429);
    assert.equal(second!.status, 201);
    await eventually(async () => assert.equal((await onlyInteraction()).outbound_resource_sid, second!.sid));
  });

  test('a network error reaching Twilio is retried', async () => {
    fake.dropNext(1);
    await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.alice.proxy, 'anyone there?'));
    const [first, second] = await fake.waitForRequests(2, 5000);
    assert.equal(first!.status, 0, 'the first connection was dropped');
    assert.equal(second!.status, 201);
    assert.deepEqual(second!.params, first!.params);
    await eventually(async () => assert.equal((await onlyInteraction()).outbound_resource_sid, second!.sid));
  });

  test('a delivery report that arrives before Twilio’s answer to the create is not lost', async () => {
    // Twilio's status callbacks are separate HTTP requests: one can overtake the API's answer.
    let early: Response | undefined;
    fake.beforeAnswer = async (request) => {
      early = await webhook(t, '/carriers/twilio/status', {
        AccountSid: TWILIO_ACCOUNT_SID,
        MessageSid: request.sid!,
        MessageStatus: 'delivered',
      });
    };
    await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.alice.proxy, 'quick'));
    const [sent] = await fake.waitForRequests(1);
    const row = await eventually(async () => {
      const current = await onlyInteraction();
      assert.equal(current.outbound_resource_sid, sent!.sid);
      return current;
    });
    assert.ok(
      early !== undefined && early.status >= 200 && early.status < 300,
      `the early report was answered ${early?.status}: ${early?.text}`,
    );
    await sleep(100);
    assert.equal(
      (await onlyInteraction()).outbound_resource_status,
      'delivered',
      `Twilio reported "delivered"; the interaction still says "${row.outbound_resource_status}" from the create's answer`,
    );
  });

  test('the simulator routes do not exist with this carrier', async () => {
    expectError(await t.api.get('/simulator/v1/Clock'), 404, 20404);
    expectError(await t.api.post('/simulator/v1/Clock', { Advance: 60 }), 404, 20404);
    expectError(await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.alice.proxy, Body: 'hi' }), 404, 20404);
    expectError(await t.api.get('/simulator/v1/Messages'), 404, 20404);
    expectError(await t.api.post('/simulator/v1/Calls', { From: ALICE, To: pair.alice.proxy }), 404, 20404);
    expectError(await t.api.get(`/simulator/v1/Calls/${sid('CA')}`), 404, 20404);
    // The webhooks are POST-only.
    expectError(await t.anonymous.get('/carriers/twilio/messages'), 405, 20004);
    assert.deepEqual(fake.requests, []);
  });
});

describe('Twilio carrier with PARLEY_PUBLIC_URL', () => {
  let t: TestApp;
  let fake: FakeTwilio;
  let pair: Pair;
  before(async () => {
    fake = await startFakeTwilio();
    t = await startTestApp(twilioEnv(fake));
  });
  after(async () => {
    await t.close();
    await fake.stop();
  });
  beforeEach(async () => {
    fake.reset();
    pair = await createPair(t);
  });
  afterEach(() => t.api.delete(pair.service));

  test('webhooks are signed over the public URL, and sent messages ask for status callbacks there', async () => {
    const path = '/carriers/twilio/messages';
    const params = inboundSms(ALICE, pair.alice.proxy, 'via the public URL');
    expectError(await webhook(t, path, params, { signedUrl: t.baseUrl + path }), 403, 80625);
    const response = await webhook(t, path, params);
    assertTwiml(response);
    assert.ok(isEmptyResponse(response.text), response.text);
    const [sent] = await fake.waitForRequests(1);
    assert.equal(sent!.params.StatusCallback, `${PUBLIC_URL}/carriers/twilio/status`);
    assert.equal(sent!.params.To, BOB);
  });

  test('the bridged leg’s statusCallback is on the public URL', async () => {
    const path = '/carriers/twilio/voice';
    const response = await webhook(t, path, inboundCall(ALICE, pair.alice.proxy), { signedUrl: PUBLIC_URL + path });
    assertTwiml(response);
    const { dial, number, dialled } = parseDial(response.text);
    assert.equal(dial.callerId, pair.bob.proxy);
    assert.equal(dialled, BOB);
    const interaction = (await t.api.get(`${pair.service}/Sessions/${pair.session}/Interactions`)).body.interactions[0];
    assert.equal(number.statusCallback, `${PUBLIC_URL}/carriers/twilio/status?Interaction=${interaction.sid}`);
    const callback = new URL(number.statusCallback!);
    const report = await webhook(
      t,
      callback.pathname + callback.search,
      { AccountSid: TWILIO_ACCOUNT_SID, CallSid: sid('CA'), CallStatus: 'completed', CallDuration: '7' },
      { signedUrl: number.statusCallback! },
    );
    assert.ok(report.status >= 200 && report.status < 300, report.text);
    const row = (await t.api.get(`${pair.service}/Sessions/${pair.session}/Interactions/${interaction.sid}`)).body;
    assert.equal(row.outbound_resource_status, 'completed');
  });
});

describe('Twilio carrier when sending is given up', () => {
  let t: TestApp;
  let fake: FakeTwilio;
  let pair: Pair;
  before(async () => {
    fake = await startFakeTwilio();
    // One attempt per outbox job: the first retryable failure is also the last.
    t = await startTestApp(twilioEnv(fake, { PARLEY_CALLBACK_MAX_ATTEMPTS: '1' }));
  });
  after(async () => {
    await t.close();
    await fake.stop();
  });
  beforeEach(async () => {
    fake.reset();
    pair = await createPair(t);
  });
  afterEach(() => t.api.delete(pair.service));

  const jobsFor = async (interactionSid: string) =>
    (await t.app.parley.database.db.selectFrom('outbox').selectAll().where('kind', '=', 'twilio-message').execute()).filter(
      (job) => JSON.parse(job.payload).interactionSid === interactionSid,
    );

  for (const [name, fail] of [
    ['a 503', (f: FakeTwilio) => f.failNext(503, 1)],
    ['a network error', (f: FakeTwilio) => f.dropNext(1)],
  ] as const) {
    test(`after ${name} on the last attempt the outbound leg is failed, not queued forever`, async () => {
      fail(fake);
      await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.alice.proxy, 'last chance'));
      await fake.waitForRequests(1);
      const interaction = (await t.api.get(`${pair.service}/Sessions/${pair.session}/Interactions`)).body.interactions[0] as Record<
        string,
        any
      >;
      await eventually(async () =>
        assert.deepEqual(
          (await jobsFor(interaction.sid)).map((job) => job.status),
          ['failed'],
        ),
      );
      await sleep(1200);
      assert.equal(fake.requests.length, 1, 'given up: not tried again');
      const row = (await t.api.get(`${pair.service}/Sessions/${pair.session}/Interactions/${interaction.sid}`)).body;
      assert.equal(row.outbound_resource_sid, null);
      assert.equal(row.outbound_resource_status, 'failed', 'the message will never be sent, yet the interaction says it is queued');
    });
  }
});
