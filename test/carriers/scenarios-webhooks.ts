// Carrier scenarios, who may call the webhooks and how often: a webhook unsigned, wrongly signed,
// changed after signing or for another carrier account is 403/80625 and nothing is sent, recorded
// or changed; a webhook the carrier retries (the same message or call again, one after the other
// or at once) is routed once and answered the same. Retries on two nodes, of an out-of-session
// answer and of status reports are test/security/webhook-retries.test.ts's.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnsweredCall, CarrierAdapter, CarrierWebhook, FakeCarrierApi } from '../helpers/carrier-adapter.js';
import { wordFor } from '../helpers/carrier-adapter.js';
import { ALICE, carrierHarness } from '../helpers/carrier-harness.js';
import type { CarrierHarness } from '../helpers/carrier-harness.js';
import { sleep } from '../helpers/eventually.js';
import { expectError } from '../helpers/http-client.js';
import { callIn, interactionOf, sentOut, textIn } from './scenario-steps.js';

/** Every forgery of `webhook` is refused with 403/80625. */
async function refusesForgeries(adapter: CarrierAdapter<any, any>, h: CarrierHarness<any>, what: string, webhook: CarrierWebhook) {
  const forgeries = adapter.forgeries(webhook);
  assert.ok(forgeries.length > 0, 'the adapter forges something');
  for (const { name, webhook: forged } of forgeries) {
    const response = await h.deliver(forged);
    assert.equal(response.status, 403, `${what}, ${name}: ${response.status} ${response.text}`);
    expectError(response, 403, 80625);
  }
}

export function refusalScenarios<Fake extends FakeCarrierApi, Call extends AnsweredCall>(adapter: CarrierAdapter<Fake, Call>): void {
  describe(`${adapter.name} carrier: unsigned or wrongly signed webhooks`, () => {
    const h = carrierHarness(adapter);

    test('a message, call or status webhook without its carrier’s valid signature is 403/80625 and changes nothing', async () => {
      const { fake, pair } = h;
      const message = adapter.inboundMessage({ from: ALICE, to: pair.a.proxy, body: 'let me in' });
      // A report on a message that was never sent: it is refused before anything looks it up.
      const sent = { from: pair.b.proxy, to: ALICE, body: '', mediaUrls: [], id: 'never-sent', answered: 201 };
      const jobsBefore = (await h.sendJobs()).length;
      await refusesForgeries(adapter, h, 'message', message);
      await refusesForgeries(adapter, h, 'call', adapter.inboundCall({ from: ALICE, to: pair.a.proxy }));
      await refusesForgeries(adapter, h, 'status', adapter.messageStatus(sent, wordFor(adapter.statuses.message, 'delivered')));
      await sleep(300);
      assert.equal(fake.requestCount(), 0, 'nothing was sent through the carrier');
      assert.deepEqual(await h.interactions(), [], 'nothing was recorded');
      assert.equal((await h.sendJobs()).length, jobsBefore, 'nothing was queued');
      // The same message, correctly signed, does get through.
      adapter.assertMessageTaken(await h.deliver(message));
      await fake.waitForSends(1);
    });

    test('a forged status report does not change an interaction', async () => {
      const { webhook } = await textIn(adapter, h, { from: ALICE, to: h.pair.a.proxy, body: 'hello' });
      const { sent } = await sentOut(h, webhook.id);
      await refusesForgeries(adapter, h, 'message status', adapter.messageStatus(sent, wordFor(adapter.statuses.message, 'failed')));
      assert.equal((await interactionOf(h, webhook.id)).outbound_resource_status, adapter.acceptedStatus.message);
      const call = await callIn(adapter, h, ALICE, h.pair.a.proxy);
      for (const leg of ['inbound', 'outbound'] as const) {
        await refusesForgeries(adapter, h, `${leg} call leg`, adapter.callStatus(call, leg, wordFor(adapter.statuses.call, 'failed')));
      }
      const row = await interactionOf(h, call.callId);
      assert.deepEqual([row.inbound_resource_status, row.outbound_resource_status], ['in-progress', adapter.acceptedStatus.call]);
    });
  });
}

export function retryScenarios<Fake extends FakeCarrierApi, Call extends AnsweredCall>(adapter: CarrierAdapter<Fake, Call>): void {
  describe(`${adapter.name} carrier: a retried webhook`, () => {
    const h = carrierHarness(adapter);
    const interactionsOf = (resourceSid: string) =>
      h.t.app.parley.database.db.selectFrom('interactions').select('sid').where('inbound_resource_sid', '=', resourceSid).execute();
    const sendsAfterDrain = async () => {
      await h.t.app.parley.components.outbox.drain();
      return h.fake.sends().length;
    };

    test('a message webhook sent again routes once and gets the same answer', async () => {
      const message = adapter.inboundMessage({ from: ALICE, to: h.pair.a.proxy, body: 'are you there?' });
      const first = await h.deliver(message);
      const again = await h.deliver(adapter.redelivery(message));
      adapter.assertMessageTaken(first);
      adapter.assertMessageTaken(again);
      assert.equal(again.text, first.text);
      assert.equal((await interactionsOf(message.id)).length, 1);
      assert.equal(await sendsAfterDrain(), 1, 'one message to the partner');
    });

    test('two copies at once route once, and both get the answer', async () => {
      const message = adapter.inboundMessage({ from: ALICE, to: h.pair.a.proxy, body: 'twice at once' });
      const copies = await Promise.all([h.deliver(message), h.deliver(adapter.redelivery(message))]);
      for (const copy of copies) adapter.assertMessageTaken(copy);
      assert.equal(copies[1]!.text, copies[0]!.text);
      assert.equal((await interactionsOf(message.id)).length, 1);
      assert.equal(await sendsAfterDrain(), 1);
    });

    test('a call webhook sent again bridges once: the same answer, the same bridge', async () => {
      const call = adapter.inboundCall({ from: ALICE, to: h.pair.a.proxy });
      const first = await adapter.answeredCall(h.fake, call, await h.deliver(call));
      const again = await adapter.answeredCall(h.fake, call, await h.deliver(adapter.redelivery(call)));
      assert.equal(again.response.text, first.response.text);
      assert.deepEqual(again.bridge, first.bridge);
      assert.deepEqual(first.bridge, { callerId: h.pair.b.proxy, to: h.pair.b.identifier });
      assert.equal((await interactionsOf(call.id)).length, 1, 'one call leg to the partner');
    });
  });
}
