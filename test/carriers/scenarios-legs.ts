// Carrier scenarios, the legs: a call bridged to the partner with the partner's proxy number as
// caller ID, its legs' reports recorded; statuses that never move back (a late report, or one
// that overtook the send's answer); and every status word of the carrier recorded as its status.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnsweredCall, CarrierAdapter, FakeCarrierApi } from '../helpers/carrier-adapter.js';
import { wordFor } from '../helpers/carrier-adapter.js';
import { ALICE, BOB, carrierHarness } from '../helpers/carrier-harness.js';
import { sleep } from '../helpers/eventually.js';
import type { Response } from '../helpers/http-client.js';
import { callIn, interactionOf, report, sentOut, textIn } from './scenario-steps.js';

export function callScenarios<Fake extends FakeCarrierApi, Call extends AnsweredCall>(adapter: CarrierAdapter<Fake, Call>): void {
  describe(`${adapter.name} carrier: a call bridged`, () => {
    const h = carrierHarness(adapter);
    const word = (status: Parameters<typeof wordFor>[1]) => wordFor(adapter.statuses.call, status);

    test('a call to the proxy number is bridged to the partner from the partner’s proxy number, and its legs’ reports update the interaction', async () => {
      const { fake, pair } = h;
      const call = await callIn(adapter, h, ALICE, pair.a.proxy);
      assert.deepEqual(call.bridge, { callerId: pair.b.proxy, to: BOB }, 'Bob sees his own proxy number calling');

      const interaction = await h.onlyInteraction();
      assert.equal(interaction.type, 'voice');
      assert.equal(interaction.inbound_participant_sid, pair.a.sid);
      assert.equal(interaction.outbound_participant_sid, pair.b.sid);
      assert.equal(interaction.inbound_resource_sid, call.callId);
      assert.equal(interaction.inbound_resource_type, 'Call');
      assert.equal(interaction.inbound_resource_status, 'in-progress');
      assert.equal(interaction.inbound_resource_url, adapter.resourceUrl(fake, 'Call', call.callId));
      assert.equal(interaction.outbound_resource_type, 'Call');
      assert.equal(interaction.outbound_resource_status, adapter.acceptedStatus.call);

      for (const status of ['initiated', 'ringing', 'in-progress'] as const) {
        await report(h, adapter.callStatus(call, 'outbound', word(status)));
        const row = await h.onlyInteraction();
        assert.deepEqual([row.outbound_resource_sid, row.outbound_resource_status], [call.outboundLegId, status]);
      }
      await report(h, adapter.callStatus(call, 'outbound', word('completed'), 42));
      let row = await h.onlyInteraction();
      assert.equal(row.outbound_resource_sid, call.outboundLegId);
      assert.equal(row.outbound_resource_status, 'completed');
      assert.equal(row.outbound_resource_url, adapter.resourceUrl(fake, 'Call', call.outboundLegId!));
      // Twilio's own form: `{"duration": "5"}` (the Interaction's `data`, as documented).
      assert.deepEqual(JSON.parse(row.data as string), { duration: '42' });

      // The caller's own leg ends too.
      await report(h, adapter.callStatus(call, 'inbound', word('completed'), 45));
      row = await h.onlyInteraction();
      assert.equal(row.inbound_resource_status, 'completed');
      assert.equal(row.outbound_resource_status, 'completed');
      assert.equal(row.outbound_resource_sid, call.outboundLegId);
    });
  });
}

export function statusScenarios<Fake extends FakeCarrierApi, Call extends AnsweredCall>(adapter: CarrierAdapter<Fake, Call>): void {
  describe(`${adapter.name} carrier: statuses never move back`, () => {
    const h = carrierHarness(adapter);
    const { message: messageWords, call: callWords } = adapter.statuses;

    test('a message delivered stays delivered when a late "sent" arrives', async () => {
      const { webhook } = await textIn(adapter, h, { from: ALICE, to: h.pair.a.proxy, body: 'in order?' });
      const { sent } = await sentOut(h, webhook.id);
      await report(h, adapter.messageStatus(sent, wordFor(messageWords, 'delivered')));
      for (const late of ['sent', 'sending'] as const) {
        await report(h, adapter.messageStatus(sent, wordFor(messageWords, late)));
        assert.equal((await h.onlyInteraction()).outbound_resource_status, 'delivered', `after a late "${late}"`);
      }
    });

    test('a call leg completed stays completed when a late "ringing" arrives', async () => {
      const call = await callIn(adapter, h, ALICE, h.pair.a.proxy);
      await report(h, adapter.callStatus(call, 'outbound', wordFor(callWords, 'completed'), 7));
      await report(h, adapter.callStatus(call, 'outbound', wordFor(callWords, 'ringing')));
      await report(h, adapter.callStatus(call, 'inbound', wordFor(callWords, 'completed'), 8));
      await report(h, adapter.callStatus(call, 'inbound', wordFor(callWords, 'in-progress')));
      const row = await h.onlyInteraction();
      assert.deepEqual([row.outbound_resource_status, row.inbound_resource_status], ['completed', 'completed']);
    });

    test('a delivery report that arrives before the carrier’s answer to the send is not lost', async () => {
      const { fake, pair } = h;
      // Status webhooks are separate HTTP requests: one can overtake the API's answer.
      let early: Response | undefined;
      fake.onSendAccepted(async (sent) => {
        early = await h.deliver(adapter.messageStatus(sent, wordFor(messageWords, 'delivered')));
      });
      const { webhook } = await textIn(adapter, h, { from: ALICE, to: pair.a.proxy, body: 'quick' });
      const { interaction } = await sentOut(h, webhook.id);
      assert.ok(
        early !== undefined && early.status >= 200 && early.status < 300,
        `the early report was answered ${early?.status}: ${early?.text}`,
      );
      await sleep(100);
      assert.equal(
        (await h.onlyInteraction()).outbound_resource_status,
        'delivered',
        `the carrier reported "delivered"; the interaction still says "${interaction.outbound_resource_status}" from the send's answer`,
      );
    });

    test('every status word of the carrier is recorded as its interaction status', async () => {
      const { fake, pair } = h;
      const messages = Object.entries(messageWords);
      for (const [i, [carrierWord, status]] of messages.entries()) {
        const { webhook } = await textIn(adapter, h, { from: ALICE, to: pair.a.proxy, body: `word ${carrierWord}` });
        const { sent } = await sentOut(h, webhook.id, i + 1);
        await report(h, adapter.messageStatus(sent, carrierWord));
        assert.equal((await interactionOf(h, webhook.id)).outbound_resource_status, status, `message "${carrierWord}"`);
      }
      for (const [carrierWord, status] of Object.entries(callWords)) {
        const call = await callIn(adapter, h, ALICE, pair.a.proxy);
        await report(h, adapter.callStatus(call, 'outbound', carrierWord));
        assert.equal((await interactionOf(h, call.callId)).outbound_resource_status, status, `call "${carrierWord}"`);
      }
      assert.equal(fake.sends().length, messages.length);
    });
  });
}
