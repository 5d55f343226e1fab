// Faults on demand (POST /simulator/v1/Faults): the next N outbound legs to a number fail as a
// real carrier's would. A faulted message's leg is undelivered (or failed) with its carrier error
// code, and the service's callback says so; a faulted call ends busy (no-answer, failed) and the
// callback reports it; Count=2 fails exactly two; another account's traffic is untouched.

import assert from 'node:assert/strict';
import { afterEach, before, describe, test } from 'node:test';
import { addAccount } from '../helpers/accounts.js';
import { appAndReceiver } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { call, handsetLog, interactionOf, maskedPair, text } from '../helpers/factories.js';
import type { MaskedPair } from '../helpers/factories.js';
import type { HttpClient } from '../helpers/http-client.js';
import type { CallbackReceiver } from '../helpers/receiver.js';

type Json = Record<string, any>;
const FAULTS = '/simulator/v1/Faults';

async function fault(api: HttpClient, form: Record<string, string | number>): Promise<Json> {
  const created = await api.post(FAULTS, form);
  assert.equal(created.status, 201, created.text);
  return created.body;
}

describe('Faults on demand', () => {
  const fixture = appAndReceiver();
  let t: TestApp;
  let receiver: CallbackReceiver;
  let pair: MaskedPair;
  before(() => ({ t, receiver } = fixture));
  afterEach(async () => {
    assert.equal((await t.api.delete(FAULTS)).status, 204);
    await t.api.delete(pair.service);
  });

  /** The callbacks the receiver got for this interaction, in order. */
  const callbacksOf = (interaction: string) => receiver.requests.filter((r) => r.params.interactionSid === interaction);

  test('a faulted message: the outbound leg is undelivered with the error code, and the callback says so', async () => {
    pair = await maskedPair(t.api, { service: { CallbackUrl: receiver.url('/faults') } });
    const created = await fault(t.api, { Number: pair.b.identifier, Channel: 'message', Outcome: 'undelivered', ErrorCode: 30005 });
    assert.match(created.sid, /^FA[0-9a-f]{32}$/);
    assert.deepEqual(
      {
        number: created.number,
        channel: created.channel,
        outcome: created.outcome,
        error_code: created.error_code,
        remaining: created.remaining,
      },
      { number: pair.b.identifier, channel: 'message', outcome: 'undelivered', error_code: 30005, remaining: 1 },
    );
    assert.deepEqual((await t.api.get(FAULTS)).body.faults, [created]);

    const sent = await text(t.api, pair.a.identifier, pair.a.proxy, 'will not arrive');
    const interaction = await interactionOf(t.api, pair, sent.interaction_sid);
    assert.equal(interaction.outbound_resource_status, 'undelivered');
    assert.equal(interaction.inbound_resource_status, 'delivered');
    const [leg] = await handsetLog(t.api, { To: pair.b.identifier });
    assert.equal(leg!.sid, interaction.outbound_resource_sid);
    assert.equal(leg!.status, 'undelivered');
    assert.equal(leg!.error_code, 30005);
    await receiver.waitFor(1);
    const [callback] = callbacksOf(sent.interaction_sid);
    assert.equal(callback!.params.outboundResourceStatus, 'undelivered');
    assert.equal(callback!.params.outboundResourceSid, leg!.sid);
    assert.deepEqual((await t.api.get(FAULTS)).body.faults, [], 'used up');

    // The next one is delivered.
    const next = await text(t.api, pair.a.identifier, pair.a.proxy, 'arrives');
    assert.equal((await interactionOf(t.api, pair, next.interaction_sid)).outbound_resource_status, 'delivered');
  });

  test('Count=2 fails exactly two deliveries; failed defaults to error 30003 when none is given', async () => {
    pair = await maskedPair(t.api);
    await fault(t.api, { Number: pair.b.identifier, Channel: 'message', Outcome: 'failed', Count: 2 });
    const statuses: string[] = [];
    for (const body of ['one', 'two', 'three']) {
      const sent = await text(t.api, pair.a.identifier, pair.a.proxy, body);
      statuses.push((await interactionOf(t.api, pair, sent.interaction_sid)).outbound_resource_status);
    }
    assert.deepEqual(statuses, ['failed', 'failed', 'delivered']);
    const log = await handsetLog(t.api, { To: pair.b.identifier });
    assert.deepEqual(
      log.map((m) => [m.body, m.error_code]),
      [
        ['three', null],
        ['two', 30003],
        ['one', 30003],
      ],
    );
    // The other direction was never faulted.
    const back = await text(t.api, pair.b.identifier, pair.b.proxy, 'reply');
    assert.equal((await interactionOf(t.api, pair, back.interaction_sid)).outbound_resource_status, 'delivered');
  });

  test('a faulted call ends busy: the simulated call, the interaction and the callbacks report it', async () => {
    pair = await maskedPair(t.api, { service: { CallbackUrl: receiver.url('/busy') } });
    await fault(t.api, { Number: pair.b.identifier, Channel: 'voice', Outcome: 'busy' });
    const placed = await call(t.api, pair.a.identifier, pair.a.proxy);
    assert.equal(placed.status, 'busy');
    const interaction = await interactionOf(t.api, pair, placed.interaction_sid);
    assert.equal(interaction.outbound_resource_status, 'busy');
    assert.equal(interaction.inbound_resource_status, 'completed');
    // Reported as it started, then as it ended (callbacks may arrive in either order).
    await eventually(() =>
      assert.deepEqual(
        callbacksOf(placed.interaction_sid)
          .map((r) => r.params.outboundResourceStatus)
          .sort(),
        ['busy', 'in-progress'],
      ),
    );
    assert.equal((await t.api.get(FAULTS)).body.faults.length, 0);
    const next = await call(t.api, pair.a.identifier, pair.a.proxy);
    assert.equal(next.status, 'in-progress', 'only the next call was faulted');
  });

  test("one account's fault never touches another's traffic to the same number", async () => {
    const other = await addAccount(t);
    pair = await maskedPair(t.api);
    const theirs = await maskedPair(other.api, { b: pair.b.identifier });
    await fault(other.api, { Number: pair.b.identifier, Channel: 'message', Outcome: 'undelivered' });
    const sent = await text(t.api, pair.a.identifier, pair.a.proxy, 'mine');
    assert.equal((await interactionOf(t.api, pair, sent.interaction_sid)).outbound_resource_status, 'delivered');
    assert.deepEqual((await t.api.get(FAULTS)).body.faults, []);
    assert.equal((await other.api.get(FAULTS)).body.faults.length, 1, 'still pending for its owner');
    const their = await text(other.api, theirs.a.identifier, theirs.a.proxy, 'theirs');
    assert.equal((await interactionOf(other.api, theirs, their.interaction_sid)).outbound_resource_status, 'undelivered');
  });

  test('bad faults are refused naming the parameter', async () => {
    pair = await maskedPair(t.api);
    const cases: Array<[Record<string, string | number>, string]> = [
      [{ Number: pair.b.identifier, Channel: 'voice', Outcome: 'undelivered' }, 'Outcome'],
      [{ Number: pair.b.identifier, Channel: 'message', Outcome: 'busy' }, 'Outcome'],
      [{ Number: pair.b.identifier, Channel: 'voice', Outcome: 'busy', ErrorCode: 30003 }, 'ErrorCode'],
      [{ Number: pair.b.identifier, Channel: 'message', Outcome: 'failed', Count: 0 }, 'Count'],
      [{ Number: 'not a number', Channel: 'message', Outcome: 'failed' }, 'Number'],
      [{ Number: pair.b.identifier, Channel: 'fax', Outcome: 'failed' }, 'Channel'],
    ];
    for (const [form, parameter] of cases) {
      const refused = await t.api.post(FAULTS, form);
      assert.equal(refused.status, 400, `${JSON.stringify(form)}: ${refused.text}`);
      assert.match(refused.body.message, new RegExp(parameter), refused.text);
    }
    assert.deepEqual((await t.api.get(FAULTS)).body.faults, []);
  });
});
