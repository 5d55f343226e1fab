// Steps the carrier scenarios share: a message sent in and its way out through the fake API, a
// call answered. Each step speaks through the adapter only.

import assert from 'node:assert/strict';
import type {
  AnsweredCall,
  CarrierAdapter,
  CarrierWebhook,
  FakeCarrierApi,
  InboundWebhook,
  SentMessage,
} from '../helpers/carrier-adapter.js';
import type { CarrierHarness } from '../helpers/carrier-harness.js';
import { eventually } from '../helpers/eventually.js';
import type { Response } from '../helpers/http-client.js';

type Row = Record<string, any>;

/** A handset texts a proxy number through the carrier: the webhook and Parley's answer, which must take it. */
export async function textIn<Fake extends FakeCarrierApi>(
  adapter: CarrierAdapter<Fake, any>,
  h: CarrierHarness<Fake>,
  message: { from: string; to: string; body: string; mediaUrls?: string[] },
): Promise<{ webhook: InboundWebhook; response: Response }> {
  const webhook = adapter.inboundMessage(message);
  const response = await h.deliver(webhook);
  adapter.assertMessageTaken(response);
  return { webhook, response };
}

/** The interaction the inbound message or call `inboundId` made, once its outbound leg names `outboundId` (if given). */
export async function interactionOf(h: CarrierHarness<any>, inboundId: string, outboundId?: string | null): Promise<Row> {
  return eventually(async () => {
    const row = (await h.interactions()).find((interaction) => interaction.inbound_resource_sid === inboundId);
    assert.ok(row !== undefined, `no interaction for ${inboundId}`);
    if (outboundId !== undefined) assert.equal(row.outbound_resource_sid, outboundId);
    return row;
  });
}

/** The `n`th send (1-based) once the fake has it, and its interaction once it has recorded the sent leg. */
export async function sentOut(h: CarrierHarness<any>, inboundId: string, n = 1): Promise<{ sent: SentMessage; interaction: Row }> {
  const sent = (await h.fake.waitForSends(n))[n - 1]!;
  assert.ok(sent.id !== null, `the fake did not accept send ${n}: ${sent.answered}`);
  return { sent, interaction: await interactionOf(h, inboundId, sent.id) };
}

/** A handset calls a proxy number through the carrier: how the carrier was told to answer. */
export async function callIn<Fake extends FakeCarrierApi, Call extends AnsweredCall>(
  adapter: CarrierAdapter<Fake, Call>,
  h: CarrierHarness<Fake>,
  from: string,
  to: string,
): Promise<Call> {
  const webhook = adapter.inboundCall({ from, to });
  return adapter.answeredCall(h.fake, webhook, await h.deliver(webhook));
}

/** Posts a status report; the carrier must hear a 2xx. */
export async function report(h: CarrierHarness<any>, webhook: CarrierWebhook): Promise<void> {
  const answer = await h.deliver(webhook);
  assert.ok(answer.status >= 200 && answer.status < 300, `a status report answered ${answer.status}: ${answer.text}`);
}
