// A clock per account: two test suites on one server, one account each, never move each other's
// time. Moving one account's clock closes its sessions and delivers its due retries, and leaves
// the other account's sessions open, its retries waiting and its clock where it was; the offsets
// survive a restart on the same database. Also: Set (to a date), and what the clock refuses.
// Real time stands still (frozenClock), so only the moves count.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accountOverHttp, ADMIN_TOKEN } from '../helpers/accounts.js';
import type { TestAccount } from '../helpers/accounts.js';
import { frozenClock, startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { createDurableDatabase } from '../helpers/database.js';
import { advanceClock, maskedPair, text } from '../helpers/factories.js';
import type { MaskedPair } from '../helpers/factories.js';
import { expectError, HttpClient } from '../helpers/http-client.js';
import { attempt, settled } from '../helpers/outbox.js';
import { CallbackReceiver } from '../helpers/receiver.js';

const HOURS_2 = 7200;

async function clockOf(api: HttpClient): Promise<{ account_sid: string; now: string; now_ms: number; offset_seconds: number }> {
  const read = await api.get('/simulator/v1/Clock');
  assert.equal(read.status, 200, read.text);
  return read.body;
}

async function statusOf(api: HttpClient, session: string): Promise<string> {
  const read = await api.get(session);
  assert.equal(read.status, 200, read.text);
  return read.body.status;
}

/** A session with a one-hour TTL whose service's callbacks go to `receiver`, which refuses them; one routed message. */
async function suite(api: HttpClient, receiver: CallbackReceiver): Promise<{ pair: MaskedPair; interaction: string }> {
  const pair = await maskedPair(api, { service: { CallbackUrl: receiver.url('/callbacks') }, session: { Ttl: 3600 } });
  const sent = await text(api, pair.a.identifier, pair.a.proxy, 'hello');
  return { pair, interaction: sent.interaction_sid };
}

describe('Two accounts, two clocks', () => {
  let t: TestApp;
  let b: TestAccount;
  let receiverA: CallbackReceiver;
  let receiverB: CallbackReceiver;
  before(async () => {
    t = await startTestApp({ PARLEY_ADMIN_TOKEN: ADMIN_TOKEN }, { clock: frozenClock() });
    b = await accountOverHttp(t, 'suite B');
    [receiverA, receiverB] = await Promise.all([CallbackReceiver.start(), CallbackReceiver.start()]);
    receiverA.respond({ status: 500 });
    receiverB.respond({ status: 500 });
  });
  after(async () => {
    await receiverA.close();
    await receiverB.close();
    await t.close();
  });

  test('advancing A by 7200 s closes A’s sessions and retries A’s callbacks; B’s sessions, retries and clock stay', async () => {
    const [a, inB] = await Promise.all([suite(t.api, receiverA), suite(b.api, receiverB)]);
    // The first attempts failed; each retry is due a second later, by its account's clock.
    await Promise.all([receiverA.waitFor(1), receiverB.waitFor(1)]);
    await settled(t, a.interaction, attempt(1));
    await settled(t, inB.interaction, attempt(1));
    const bBefore = await clockOf(b.api);

    await advanceClock(t.api, HOURS_2);

    assert.equal((await clockOf(t.api)).offset_seconds, HOURS_2);
    assert.equal(await statusOf(t.api, a.pair.session), 'closed', 'A’s one-hour session expired');
    await receiverA.waitFor(2);
    assert.equal((await settled(t, a.interaction, attempt(2))).status, 'pending', 'A’s retry ran (and failed again)');

    assert.deepEqual(await clockOf(b.api), bBefore, 'B’s clock did not move');
    assert.equal(bBefore.offset_seconds, 0);
    assert.equal(await statusOf(b.api, inB.pair.session), 'in-progress', 'B’s session is still active');
    await receiverB.expectNoMoreThan(1);
    const [row] = await t.app.parley.database.db.selectFrom('sessions').select('status').where('sid', '=', inB.pair.sessionSid).execute();
    assert.equal(row!.status, 'in-progress', 'the sweep left B’s session active in the database too');
    assert.equal((await settled(t, inB.interaction, attempt(1))).attempts, 1, 'B’s callback was not retried early');
  });

  test('each account’s GET shows its own clock', async () => {
    const [a, inB] = [await clockOf(t.api), await clockOf(b.api)];
    assert.equal(a.account_sid, t.app.parley.account.sid);
    assert.equal(inB.account_sid, b.sid);
    assert.equal(a.now_ms - inB.now_ms, a.offset_seconds * 1000 - inB.offset_seconds * 1000);
  });
});

describe('Moving a clock with Set', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({}, { clock: frozenClock() });
  });
  after(() => t.close());

  test('Set jumps forward to the date; the same date again is no move', async () => {
    const start = await clockOf(t.api);
    const target = new Date(start.now_ms + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const moved = await t.api.post('/simulator/v1/Clock', { Set: target });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.now, target);
    assert.equal((await clockOf(t.api)).now, target);
    const again = await t.api.post('/simulator/v1/Clock', { Set: target });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.now, target);
  });

  test('a Set in the past, Advance with Set, a malformed Set, and neither: 400s naming the problem', async () => {
    const now = (await clockOf(t.api)).now_ms;
    const past = new Date(now - 1000).toISOString();
    assert.match(expectError(await t.api.post('/simulator/v1/Clock', { Set: past }), 400, 80701), /Set.*never moves backwards/);
    assert.match(expectError(await t.api.post('/simulator/v1/Clock', { Set: past, Advance: 5 }), 400, 80701), /Advance or Set, not both/);
    assert.match(expectError(await t.api.post('/simulator/v1/Clock', { Set: 'next tuesday' }), 400, 80701), /Set/);
    assert.match(expectError(await t.api.post('/simulator/v1/Clock', {}), 400, 20001), /Advance or Set/);
    assert.equal((await clockOf(t.api)).now_ms, now, 'nothing moved');
  });
});

describe('Clocks across a restart', () => {
  test('each account’s offset is kept in the database', async () => {
    const database = await createDurableDatabase();
    let first: TestApp | undefined;
    let second: TestApp | undefined;
    try {
      first = await startTestApp({ DATABASE_URL: database.url, PARLEY_ADMIN_TOKEN: ADMIN_TOKEN }, { clock: frozenClock() });
      const b = await accountOverHttp(first, 'suite B');
      await advanceClock(first.api, HOURS_2);
      await advanceClock(b.api, 60);
      await first.close();
      first = undefined;

      second = await startTestApp({ DATABASE_URL: database.url }, { clock: frozenClock() });
      assert.equal((await clockOf(second.api)).offset_seconds, HOURS_2);
      const bAgain = new HttpClient(second.baseUrl, b.auth);
      assert.equal((await clockOf(bAgain)).offset_seconds, 60);
    } finally {
      await first?.close();
      await second?.close();
      await database.drop();
    }
  });
});
