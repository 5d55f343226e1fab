// The outbox as GET /metrics shows it while callbacks back up and recover: a receiver that hangs
// leaves a job pending whose due age grows with server time; a 500 is counted as retried, the
// retry that succeeds as delivered, and a job out of attempts as failed. Server time moves only
// when the test moves it (the real-time clock by hand, account clocks with the clock endpoint).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { frozenClock, startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { advanceClock, maskedPair, text } from '../helpers/factories.js';
import type { MaskedPair } from '../helpers/factories.js';
import { FRESH, METRICS_ON, scrape } from '../helpers/metrics.js';
import { attempt, settled } from '../helpers/outbox.js';
import { CallbackReceiver } from '../helpers/receiver.js';

describe('outbox metrics', () => {
  const clock = frozenClock();
  let t: TestApp;
  let receiver: CallbackReceiver;
  let pair: MaskedPair;
  before(async () => {
    // A held callback must not time out in real time meanwhile (the attempt would end on its own).
    t = await startTestApp({ ...METRICS_ON, PARLEY_CALLBACK_MAX_ATTEMPTS: '2', PARLEY_CALLBACK_TIMEOUT_MS: '120000' }, { ...FRESH, clock });
    receiver = await CallbackReceiver.start();
    pair = await maskedPair(t.api, { service: { CallbackUrl: receiver.url('/callbacks') } });
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  const outbox = async () => {
    const exposition = await scrape(t);
    const deliveries = (outcome: string) => exposition.value('parley_outbox_deliveries_total', { kind: 'callback', outcome }) ?? 0;
    return {
      pending: exposition.value('parley_outbox_jobs_pending'),
      age: exposition.value('parley_outbox_oldest_pending_age_seconds'),
      delivered: deliveries('delivered'),
      retried: deliveries('retried'),
      failed: deliveries('failed'),
    };
  };

  test('a hanging receiver: one job pending, due for as long as server time moved', async () => {
    receiver.respondInTurn({ status: 500 }, { status: 200 });
    receiver.hold();
    const sent = await text(t.api, pair.a.identifier, pair.a.proxy, 'are you there?');
    await receiver.waitFor(1);
    assert.deepEqual(await outbox(), { pending: 1, age: 0, delivered: 0, retried: 0, failed: 0 });
    clock.advance(30);
    assert.deepEqual(await outbox(), { pending: 1, age: 30, delivered: 0, retried: 0, failed: 0 });

    // It answers 500: a retry, due a second later (not late yet); then 200.
    receiver.release();
    await settled(t, sent.interaction_sid, attempt(1));
    assert.deepEqual(await outbox(), { pending: 1, age: 0, delivered: 0, retried: 1, failed: 0 });
    await advanceClock(t.api, 1);
    await settled(t, sent.interaction_sid, (job) => job.status === 'done');
    assert.deepEqual(await outbox(), { pending: 0, age: 0, delivered: 1, retried: 1, failed: 0 });
  });

  test('a job out of attempts is failed', async () => {
    receiver.respond({ status: 500 });
    const sent = await text(t.api, pair.a.identifier, pair.a.proxy, 'anyone?');
    await settled(t, sent.interaction_sid, attempt(1));
    await advanceClock(t.api, 1);
    await settled(t, sent.interaction_sid, (job) => job.status !== 'pending');
    assert.deepEqual(await outbox(), { pending: 0, age: 0, delivered: 1, retried: 2, failed: 1 });
  });
});
