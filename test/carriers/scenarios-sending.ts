// Carrier scenarios, sending from the outbox through the carrier's API: a refusal fails the
// outbound leg for good; a server error, a throttle or a network error is retried until the
// message is sent, once; a send given up on its last attempt marks the leg failed, not queued forever.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnsweredCall, CarrierAdapter, FakeCarrierApi, SendFailure } from '../helpers/carrier-adapter.js';
import { ALICE, carrierHarness } from '../helpers/carrier-harness.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { interactionOf, sentOut, textIn } from './scenario-steps.js';

export function sendingScenarios<Fake extends FakeCarrierApi, Call extends AnsweredCall>(adapter: CarrierAdapter<Fake, Call>): void {
  describe(`${adapter.name} carrier: sending through its API`, () => {
    const h = carrierHarness(adapter);

    test('a send the carrier refuses marks the outbound leg failed and is not retried', async () => {
      const { fake, pair } = h;
      fake.failSends('refused');
      const { webhook } = await textIn(adapter, h, { from: ALICE, to: pair.a.proxy, body: 'doomed' });
      const [refused] = await fake.waitForSends(1);
      assert.ok(refused!.answered >= 400 && refused!.answered < 500 && refused!.answered !== 429, `refused with ${refused!.answered}`);
      const failed = await eventually(async () => {
        const row = await interactionOf(h, webhook.id);
        assert.equal(row.outbound_resource_status, 'failed');
        return row;
      });
      assert.equal(failed.outbound_resource_sid, null);
      assert.equal(failed.outbound_resource_url, null);
      assert.equal(failed.inbound_resource_status, 'delivered');
      // Well past the first retry's 1 s backoff.
      await sleep(1600);
      assert.equal(fake.sends().length, 1, 'a refusal is not retried');
      const jobs = await h.sendJobsFor(failed.sid);
      assert.deepEqual(
        jobs.map((job) => [job.status, job.attempts]),
        [['failed', 1]],
      );
      assert.match(jobs[0]!.last_error ?? '', new RegExp(String(refused!.answered)), 'the job says what the carrier answered');
      assert.equal((await h.onlyInteraction()).outbound_resource_status, 'failed');
    });

    test('a send that fails twice with a server error is retried, and the message is sent once', async () => {
      const { fake, pair } = h;
      fake.failSends('server-error', 2);
      // The retries come 1 s and 2 s later in real time; the carrier's answer to the one that
      // succeeds waits until the test has seen the leg still queued, so that no slow moment of
      // the test lets the retry overtake the check.
      let release = () => {};
      const checked = new Promise<void>((resolve) => (release = resolve));
      fake.onSendAccepted(() => checked);
      const { webhook } = await textIn(adapter, h, { from: ALICE, to: pair.a.proxy, body: 'try again' });
      const [first] = await fake.waitForSends(1);
      assert.equal(first!.answered, 500);
      const row = await interactionOf(h, webhook.id);
      assert.equal(row.outbound_resource_status, 'queued', 'still queued while it is retried');
      assert.equal(row.outbound_resource_sid, null);
      release();

      const [, second, third] = await fake.waitForSends(3);
      assert.equal(second!.answered, 500);
      assert.deepEqual({ ...third, id: null, answered: 0 }, { ...first, id: null, answered: 0 }, 'the retry sends the same message');
      const { interaction } = await sentOut(h, webhook.id, 3);
      assert.equal(interaction.outbound_resource_status, adapter.acceptedStatus.message);
      await eventually(async () =>
        assert.deepEqual(
          (await h.sendJobsFor(interaction.sid)).map((job) => [job.status, job.attempts]),
          [['done', 3]],
        ),
      );
      await sleep(300);
      assert.equal(fake.sends().filter((sent) => sent.id !== null).length, 1, 'sent exactly once');
      assert.equal(fake.sends().length, 3);
    });

    for (const [name, failure] of [
      ['a throttled send', 'throttled'],
      ['a network error reaching the carrier', 'dropped'],
    ] as const) {
      test(`${name} is retried`, async () => {
        const { fake, pair } = h;
        fake.failSends(failure);
        const { webhook } = await textIn(adapter, h, { from: ALICE, to: pair.a.proxy, body: `after ${failure}` });
        const [first, second] = await fake.waitForSends(2);
        assert.equal(first!.answered, failure === 'dropped' ? 0 : 429);
        assert.equal(first!.id, null);
        assert.deepEqual([second!.from, second!.to, second!.body], [first!.from, first!.to, first!.body]);
        await sentOut(h, webhook.id, 2);
      });
    }
  });
}

export function givenUpScenarios<Fake extends FakeCarrierApi, Call extends AnsweredCall>(adapter: CarrierAdapter<Fake, Call>): void {
  describe(`${adapter.name} carrier when sending is given up`, () => {
    const h = carrierHarness(adapter, { PARLEY_CALLBACK_MAX_ATTEMPTS: '1' });

    // One attempt per outbox job: the first retryable failure is also the last.
    for (const [name, failure] of [
      ['a 503', 'unavailable'],
      ['a network error', 'dropped'],
    ] as ReadonlyArray<[string, SendFailure]>) {
      test(`after ${name} on the last attempt the outbound leg is failed, not queued forever`, async () => {
        const { fake, pair } = h;
        fake.failSends(failure);
        const { webhook } = await textIn(adapter, h, { from: ALICE, to: pair.a.proxy, body: 'last chance' });
        await fake.waitForSends(1);
        const interaction = await interactionOf(h, webhook.id);
        await eventually(async () =>
          assert.deepEqual(
            (await h.sendJobsFor(interaction.sid)).map((job) => job.status),
            ['failed'],
          ),
        );
        await sleep(1200);
        assert.equal(fake.requestCount(), 1, 'given up: not tried again');
        const row = await interactionOf(h, webhook.id);
        assert.equal(row.outbound_resource_sid, null);
        assert.equal(row.outbound_resource_status, 'failed', 'the message will never be sent, yet the interaction says it is queued');
      });
    }
  });
}
