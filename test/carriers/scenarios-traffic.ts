// Carrier scenarios, the traffic: a conversation both ways, each message sent on through the
// carrier's API from the recipient's proxy number; nobody outside the session routed; a
// MessageInteraction sent the same way; and no simulator routes with a real carrier.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnsweredCall, CarrierAdapter, FakeCarrierApi } from '../helpers/carrier-adapter.js';
import { wordFor } from '../helpers/carrier-adapter.js';
import { ALICE, BOB, STRANGER, carrierHarness } from '../helpers/carrier-harness.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { expectError } from '../helpers/http-client.js';
import { callIn, report, sentOut, textIn } from './scenario-steps.js';

const MEDIA = ['https://media.example.com/cat.jpg', 'https://example.com/b.png?size=large&x=1'];

export function trafficScenarios<Fake extends FakeCarrierApi, Call extends AnsweredCall>(adapter: CarrierAdapter<Fake, Call>): void {
  describe(`${adapter.name} carrier: a conversation both ways`, () => {
    const h = carrierHarness(adapter);

    test('a message to the proxy number goes on to the partner through the carrier, from the partner’s proxy number', async () => {
      const { fake, pair } = h;
      const body = 'Hi Bob & co — ünïcode ✓ 1+1=2';
      const { webhook } = await textIn(adapter, h, { from: ALICE, to: pair.a.proxy, body, mediaUrls: MEDIA });
      const { sent, interaction } = await sentOut(h, webhook.id);
      assert.deepEqual(
        [sent.from, sent.to, sent.body, sent.mediaUrls],
        [pair.b.proxy, BOB, body, MEDIA],
        'to Bob, from his proxy number, with the text and media',
      );

      assert.equal(interaction.type, 'message');
      assert.deepEqual(JSON.parse(interaction.data as string), { body });
      assert.equal(interaction.inbound_participant_sid, pair.a.sid);
      assert.equal(interaction.outbound_participant_sid, pair.b.sid);
      assert.equal(interaction.inbound_resource_type, 'Message');
      assert.equal(interaction.inbound_resource_status, 'delivered');
      assert.equal(interaction.inbound_resource_url, adapter.resourceUrl(fake, 'Message', webhook.id));
      assert.equal(interaction.outbound_resource_type, 'Message');
      assert.equal(interaction.outbound_resource_status, adapter.acceptedStatus.message, 'the status the carrier answered');
      assert.equal(interaction.outbound_resource_url, adapter.resourceUrl(fake, 'Message', sent.id!));

      // The carrier's delivery reports on the message Parley sent.
      for (const status of ['sent', 'delivered'] as const) {
        await report(h, adapter.messageStatus(sent, wordFor(adapter.statuses.message, status)));
        assert.equal((await h.onlyInteraction()).outbound_resource_status, status);
      }
      const final = await h.onlyInteraction();
      assert.equal(final.outbound_resource_sid, sent.id);
      assert.equal(final.inbound_resource_status, 'delivered');
      assert.equal(fake.sends().length, 1, 'sent exactly once');
      assert.deepEqual(
        (await h.sendJobsFor(final.sid)).map((job) => [job.status, job.attempts]),
        [['done', 1]],
      );
    });

    test('the partner’s reply goes back the other way', async () => {
      const { pair } = h;
      const { webhook } = await textIn(adapter, h, { from: BOB, to: pair.b.proxy, body: 'Hi Alice' });
      const { sent, interaction } = await sentOut(h, webhook.id);
      assert.deepEqual([sent.from, sent.to, sent.body, sent.mediaUrls], [pair.a.proxy, ALICE, 'Hi Alice', []]);
      assert.equal(interaction.inbound_participant_sid, pair.b.sid);
      assert.equal(interaction.outbound_participant_sid, pair.a.sid);
    });

    test('a call or message from someone who is not a participant is not bridged or sent', async () => {
      const { fake, pair } = h;
      assert.equal((await callIn(adapter, h, STRANGER, pair.a.proxy)).bridge, null, 'a stranger’s call is refused');
      // …nor is a participant dialling a number that is in no pool.
      assert.equal((await callIn(adapter, h, ALICE, '+14155550199')).bridge, null, 'a call to a number in no pool is refused');
      await textIn(adapter, h, { from: STRANGER, to: pair.a.proxy, body: 'who is this?' });
      await sleep(200);
      assert.deepEqual(await h.interactions(), []);
      assert.deepEqual(fake.sends(), []);
    });

    // MessageInteractions are one-sided: their inbound_* fields are null ("Always empty for created
    // Message Interactions", Twilio's description), which test/helpers/spec.ts's strict reading of
    // the enum $ref rejects; so these requests go around HttpClient's spec check.
    test('a MessageInteraction goes out through the carrier too', async () => {
      const { t, fake, pair } = h;
      const path = `${pair.session}/Participants/${pair.b.sid}/MessageInteractions`;
      const created = await t.api.post(path, { Body: 'Your driver is here', MediaUrl: MEDIA });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.participant_sid, pair.b.sid);
      assert.equal(created.body.outbound_participant_sid, pair.b.sid);
      assert.equal(created.body.inbound_resource_sid, null);
      assert.equal(created.body.outbound_resource_status, 'queued');

      const [sent] = await fake.waitForSends(1);
      assert.deepEqual([sent!.from, sent!.to, sent!.body, sent!.mediaUrls], [pair.b.proxy, BOB, 'Your driver is here', MEDIA]);
      const fetched = await eventually(async () => {
        const row = (await t.api.get(`${path}/${created.body.sid}`)).body;
        assert.equal(row.outbound_resource_sid, sent!.id);
        return row;
      });
      assert.equal(fetched.outbound_resource_url, adapter.resourceUrl(fake, 'Message', sent!.id!));
      assert.equal(fetched.outbound_resource_status, adapter.acceptedStatus.message);

      await report(h, adapter.messageStatus(sent!, wordFor(adapter.statuses.message, 'delivered')));
      assert.equal((await t.api.get(`${path}/${created.body.sid}`)).body.outbound_resource_status, 'delivered');
      const listed = (await t.api.get(path)).body.interactions as Array<Record<string, string>>;
      assert.deepEqual(
        listed.map((i) => [i.sid, i.outbound_resource_status]),
        [[created.body.sid, 'delivered']],
      );
      const logged = (await t.api.get(`${pair.session}/Interactions`)).body.interactions as Array<Record<string, string>>;
      assert.deepEqual(
        logged.map((i) => [i.sid, i.outbound_resource_sid]),
        [[created.body.sid, sent!.id]],
      );
      assert.equal(fake.sends().length, 1);
    });

    test('the simulator routes do not exist with this carrier, and its webhooks take POST only', async () => {
      const { t, fake, pair } = h;
      expectError(await t.api.get('/simulator/v1/Clock'), 404, 20404);
      expectError(await t.api.post('/simulator/v1/Clock', { Advance: 60 }), 404, 20404);
      expectError(await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.a.proxy, Body: 'hi' }), 404, 20404);
      expectError(await t.api.get('/simulator/v1/Messages'), 404, 20404);
      expectError(await t.api.post('/simulator/v1/Calls', { From: ALICE, To: pair.a.proxy }), 404, 20404);
      expectError(await t.api.get(`/simulator/v1/Calls/CA${'0'.repeat(32)}`), 404, 20404);
      for (const path of adapter.webhookPaths) expectError(await t.anonymous.get(path), 405, 20004);
      assert.equal(fake.requestCount(), 0);
    });
  });
}
