// PARLEY_CARRIER=twilio, sending through Twilio's REST API from the outbox (a local fake standing in
// for api.twilio.com): a 4xx answer fails the outbound leg for good; a 500, a 429 or a network error
// is retried and the message sent once; a delivery report that overtakes the create's answer is
// kept; and a send given up on its last attempt marks the leg failed, not queued forever.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually, sleep } from '../helpers/eventually.js';
import type { FakeTwilio } from '../helpers/fake-twilio.js';
import type { Response } from '../helpers/http-client.js';
import { TWILIO_ACCOUNT_SID, ALICE, assertTwiml, webhook, inboundSms, twilioCarrier } from '../helpers/twilio-webhooks.js';

describe('Twilio carrier: sending', () => {
  const carrier = twilioCarrier();
  const { onlyInteraction, sendJobsFor } = carrier;

  test('a 4xx answer from Twilio marks the outbound leg failed and is not retried', async () => {
    const { t, fake, pair } = carrier;
    fake.failNext(400, 1, {
      code: 21211,
      message: "The 'To' number +12125550102 is not a valid phone number.",
      more_info: 'https://www.twilio.com/docs/errors/21211',
      status: 400,
    });
    const response = await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.a.proxy, 'doomed'));
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
    const jobs = await sendJobsFor(failed.sid);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.status, 'failed');
    assert.equal(jobs[0]!.attempts, 1);
    assert.match(jobs[0]!.last_error ?? '', /400/);
    assert.equal((await onlyInteraction()).outbound_resource_status, 'failed');
  });

  test('a 500 answer from Twilio is retried, and the message is sent once', async () => {
    const { t, fake, pair } = carrier;
    fake.failNext(500, 1);
    // The retry comes 1 s later in real time; Twilio's answer to it waits until the test has seen
    // the leg still queued, so that no slow moment of the test lets the retry overtake the check.
    let release = () => {};
    const checked = new Promise<void>((resolve) => (release = resolve));
    fake.beforeAnswer = () => checked;
    await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.a.proxy, 'try again'));
    const [first] = await fake.waitForRequests(1);
    assert.equal(first!.status, 500);
    const row = await onlyInteraction();
    assert.equal(row.outbound_resource_status, 'queued', 'still queued while it is retried');
    assert.equal(row.outbound_resource_sid, null);
    release();

    const [, second] = await fake.waitForRequests(2);
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
        (await sendJobsFor(sent.sid)).map((job) => [job.status, job.attempts]),
        [['done', 2]],
      ),
    );
    await sleep(300);
    assert.equal(fake.messageRequests().filter((r) => r.status === 201).length, 1, 'sent exactly once');
    assert.equal(fake.requests.length, 2);
  });

  test('a 429 answer from Twilio is retried too', async () => {
    const { t, fake, pair } = carrier;
    fake.failNext(429, 1, {
      code: 20429,
      message: 'Too Many Requests',
      more_info: 'https://www.twilio.com/docs/errors/20429',
      status: 429,
    });
    await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.a.proxy, 'slow down'));
    const [first, second] = await fake.waitForRequests(2);
    assert.equal(first!.status, 429);
    assert.equal(second!.status, 201);
    await eventually(async () => assert.equal((await onlyInteraction()).outbound_resource_sid, second!.sid));
  });

  test('a network error reaching Twilio is retried', async () => {
    const { t, fake, pair } = carrier;
    fake.dropNext(1);
    await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.a.proxy, 'anyone there?'));
    const [first, second] = await fake.waitForRequests(2);
    assert.equal(first!.status, 0, 'the first connection was dropped');
    assert.equal(second!.status, 201);
    assert.deepEqual(second!.params, first!.params);
    await eventually(async () => assert.equal((await onlyInteraction()).outbound_resource_sid, second!.sid));
  });

  test('a delivery report that arrives before Twilio’s answer to the create is not lost', async () => {
    const { t, fake, pair } = carrier;
    // Twilio's status callbacks are separate HTTP requests: one can overtake the API's answer.
    let early: Response | undefined;
    fake.beforeAnswer = async (request) => {
      early = await webhook(t, '/carriers/twilio/status', {
        AccountSid: TWILIO_ACCOUNT_SID,
        MessageSid: request.sid!,
        MessageStatus: 'delivered',
      });
    };
    await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.a.proxy, 'quick'));
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
});

describe('Twilio carrier when sending is given up', () => {
  const carrier = twilioCarrier({ PARLEY_CALLBACK_MAX_ATTEMPTS: '1' });
  const { sendJobsFor } = carrier;

  // One attempt per outbox job: the first retryable failure is also the last.
  for (const [name, fail] of [
    ['a 503', (f: FakeTwilio) => f.failNext(503, 1)],
    ['a network error', (f: FakeTwilio) => f.dropNext(1)],
  ] as const) {
    test(`after ${name} on the last attempt the outbound leg is failed, not queued forever`, async () => {
      const { t, fake, pair } = carrier;
      fail(fake);
      await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.a.proxy, 'last chance'));
      await fake.waitForRequests(1);
      const interaction = (await t.api.get(`${pair.session}/Interactions`)).body.interactions[0] as Record<string, any>;
      await eventually(async () =>
        assert.deepEqual(
          (await sendJobsFor(interaction.sid)).map((job) => job.status),
          ['failed'],
        ),
      );
      await sleep(1200);
      assert.equal(fake.requests.length, 1, 'given up: not tried again');
      const row = (await t.api.get(`${pair.session}/Interactions/${interaction.sid}`)).body;
      assert.equal(row.outbound_resource_sid, null);
      assert.equal(row.outbound_resource_status, 'failed', 'the message will never be sent, yet the interaction says it is queued');
    });
  }
});
