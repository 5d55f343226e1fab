// One tenant's slow receiver cannot delay another's callbacks. Account A has a backlog of callbacks
// to a receiver that hangs (it holds every request open until the test lets go); account B's
// callback, queued behind that backlog, is still delivered at once, and A never has more than the
// per-account cap of deliveries in flight. And the claim itself, on its own: an account at its cap
// is left out however long its backlog, and one below it gets only its free slots. Nothing here
// measures time: the waits only give up, generously, when what they wait for never happens.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { claimDue, enqueue } from '../../src/outbox/outbox.repository.js';
import { addAccount } from '../helpers/accounts.js';
import type { TestAccount } from '../helpers/accounts.js';
import { startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { eventually, GENEROUS_MS } from '../helpers/eventually.js';
import { maskedPair, text } from '../helpers/factories.js';
import { CallbackReceiver } from '../helpers/receiver.js';

const BACKLOG = 200;

/** A's backlog, written straight into the outbox as the router would, then the worker woken. */
async function queueBacklog(t: TestApp, url: string): Promise<void> {
  const db = t.app.parley.database.queries;
  const now = t.app.parley.clock.now(TEST_ACCOUNT_SID);
  for (let n = 0; n < BACKLOG; n++) {
    await enqueue(db, { accountSid: TEST_ACCOUNT_SID, kind: 'callback', payload: { url, params: { n: String(n) } }, now });
  }
  t.app.parley.components.outbox.kick();
}

/** A real routed message in a service of `account` whose callback goes to `url`. */
async function routeMessage(account: TestAccount, url: string): Promise<void> {
  const pair = await maskedPair(account.api, { service: { UniqueName: 'fair', CallbackUrl: url } });
  await text(account.api, pair.a.identifier, pair.a.proxy, 'not stuck behind A');
}

describe('Outbox fairness between accounts', () => {
  let t: TestApp;
  let slow: CallbackReceiver;
  let prompt: CallbackReceiver;
  before(async () => {
    // Deliveries to the hanging receiver must not time out while the test holds them.
    t = await startTestApp({ PARLEY_CALLBACK_TIMEOUT_MS: String(2 * GENEROUS_MS) });
    slow = await CallbackReceiver.start();
    prompt = await CallbackReceiver.start();
  });
  after(async () => {
    await slow.close();
    await prompt.close();
    await t.close();
  });

  test("B's callback is delivered while every one of A's is held by A's receiver", async () => {
    const cap = t.app.parley.config.callbackConcurrencyPerAccount;
    assert.ok(cap < BACKLOG && cap < t.app.parley.config.callbackConcurrency, 'the backlog outnumbers both caps');
    slow.hold();
    await queueBacklog(t, slow.url('/a'));
    await slow.waitFor(cap);

    const b = await addAccount(t);
    await routeMessage(b, prompt.url('/b'));
    const [delivered] = await prompt.waitFor(1);
    assert.equal(delivered!.params.interactionAccountSid, b.sid);
    assert.equal(slow.answered, 0, "A's receiver has answered nothing yet");
    assert.equal(slow.requests.length, cap, 'A has exactly its cap of deliveries under way');

    slow.release();
    await slow.waitFor(BACKLOG);
    assert.ok(slow.maxInFlight <= cap, `A had at most ${cap} deliveries in flight at once (had ${slow.maxInFlight})`);
    const { db } = t.app.parley.database;
    const pending = () => db.selectFrom('outbox').select('sid').where('status', '<>', 'done').execute();
    await eventually(async () => assert.equal((await pending()).length, 0, 'every job recorded as done'));
    assert.equal(slow.requests.length, BACKLOG, 'each of A callbacks was delivered once');
  });
});

describe('Claiming due jobs', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    // Claims are made by hand here.
    await t.app.parley.components.outbox.stop();
  });
  after(() => t.close());

  test('an account at its cap is left out however long its backlog; one below it gets its free slots', async () => {
    const now = t.app.parley.clock.now(TEST_ACCOUNT_SID);
    const other = 'AC' + 'b'.repeat(32);
    // Longer than a claim looks (see claimDue): B's job, the newest, is seen only if A's are left out.
    for (let n = 0; n < 300; n++)
      await enqueue(t.app.parley.database.queries, { accountSid: TEST_ACCOUNT_SID, kind: 'callback', payload: { n }, now: now - 1 });
    await enqueue(t.app.parley.database.queries, { accountSid: other, kind: 'callback', payload: { n: 'b' }, now });
    const claim = (aInFlight: number) =>
      claimDue(t.app.parley.database.queries, {
        now,
        due: { accountSid: null, now },
        lockMs: 60_000,
        limit: 40,
        perAccount: 10,
        inFlight: new Map([[TEST_ACCOUNT_SID, aInFlight]]),
      });

    const atCap = await claim(10);
    assert.deepEqual(
      atCap.jobs.map((job) => job.account_sid),
      [other],
    );
    assert.equal(atCap.jobs[0]!.attempts, 1, 'a claim counts an attempt');
    const belowCap = await claim(7);
    assert.deepEqual(
      belowCap.jobs.map((job) => job.account_sid),
      [TEST_ACCOUNT_SID, TEST_ACCOUNT_SID, TEST_ACCOUNT_SID],
      "A's three free slots; B's job is claimed already",
    );
  });
});
