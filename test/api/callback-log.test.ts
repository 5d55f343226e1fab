// The callback log (GET /parley/v1/Callbacks, docs/callback-log.md): every status callback from
// the outbox and every intercept and out-of-session call the router made, newest first, paged like
// Twilio's lists, scoped to the calling account, URL credentials redacted; a status callback can be
// redelivered, the synchronous calls cannot; and the records follow PARLEY_RETENTION_DAYS.

import assert from 'node:assert/strict';
import { afterEach, before, describe, test } from 'node:test';
import { addAccount } from '../helpers/accounts.js';
import { appAndReceiver, frozenClock, startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { advanceClock, handset, maskedPair, pathOf, pooledService, poolNumber, text } from '../helpers/factories.js';
import type { ServiceFixture } from '../helpers/factories.js';
import { eventually } from '../helpers/eventually.js';
import type { HttpClient } from '../helpers/http-client.js';
import { CallbackReceiver } from '../helpers/receiver.js';

type Json = Record<string, any>;

const CALLBACKS = '/parley/v1/Callbacks';
const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

async function list(api: HttpClient, query: Record<string, string | number> = {}): Promise<Json> {
  const listed = await api.get(CALLBACKS, query);
  assert.equal(listed.status, 200, listed.text);
  return listed.body;
}

/** The account's records that name this interaction (or, for out-of-session calls, this sender). */
async function recordsOf(api: HttpClient, needle: string): Promise<Json[]> {
  return (await list(api, { PageSize: 1000 })).callbacks.filter((record: Json) => JSON.stringify(record.payload).includes(needle));
}

/** Waits until the status callback naming `needle` has this status. */
function statusCallback(api: HttpClient, needle: string, status: string): Promise<Json> {
  return eventually(async () => {
    const record = (await recordsOf(api, needle)).find((r) => r.kind === 'status_callback');
    assert.equal(record?.status, status, JSON.stringify(record));
    return record!;
  });
}

describe('Callback log', () => {
  // One attempt: a failed callback is given up at once, for the redelivery tests.
  const fixture = appAndReceiver({ PARLEY_CALLBACK_MAX_ATTEMPTS: '1', PARLEY_CALLBACK_TIMEOUT_MS: '60000' }, { clock: frozenClock() });
  let t: TestApp;
  let receiver: CallbackReceiver;
  let service: ServiceFixture | undefined;
  before(() => ({ t, receiver } = fixture));
  afterEach(async () => {
    receiver.respond({});
    if (service !== undefined) await t.api.delete(service.service);
    service = undefined;
  });

  test('a routed message: its intercept call and its status callback, newest first, credentials redacted', async () => {
    const port = receiver.port;
    const pair = await maskedPair(t.api, {
      service: {
        CallbackUrl: `http://user:s3cret@127.0.0.1:${port}/status?x=1`,
        InterceptCallbackUrl: `http://127.0.0.1:${port}/intercept`,
      },
    });
    service = pair;
    const sent = await text(t.api, pair.a.identifier, pair.a.proxy, 'hello log');
    const interaction = sent.interaction_sid as string;
    const delivered = await statusCallback(t.api, interaction, 'delivered');
    // Made at the same server time (the clock stands still): their order is the SIDs'.
    const records = await recordsOf(t.api, interaction);
    assert.deepEqual(records.map((r) => r.kind).sort(), ['intercept', 'status_callback']);
    const intercept = records.find((r) => r.kind === 'intercept')!;

    assert.match(delivered.sid, /^OB[0-9a-f]{32}$/);
    assert.equal(delivered.account_sid, TEST_ACCOUNT_SID);
    assert.equal(delivered.url, `http://***@127.0.0.1:${port}/status?x=1`);
    assert.doesNotMatch(JSON.stringify(delivered), /s3cret/);
    assert.equal(delivered.attempts, 1);
    assert.equal(delivered.response_status, 200);
    assert.equal(delivered.error, null);
    assert.equal(delivered.outcome, null);
    assert.equal(delivered.next_attempt_at, null);
    assert.equal(delivered.replayable, true);
    assert.match(delivered.date_created, DATE);
    assert.match(delivered.date_updated, DATE);
    assert.equal(delivered.payload.interactionSid, interaction);
    assert.equal(delivered.payload.outboundResourceStatus, 'delivered');
    assert.equal(delivered.payload.interactionData, JSON.stringify({ body: 'hello log' }));

    assert.equal(intercept.url, `http://127.0.0.1:${port}/intercept`);
    assert.equal(intercept.status, 'delivered');
    assert.equal(intercept.outcome, 'allowed');
    assert.equal(intercept.response_status, 200);
    assert.equal(intercept.attempts, 1);
    assert.equal(intercept.replayable, false);
    assert.equal(intercept.payload.interactionSid, interaction);
    assert.equal(intercept.payload.outboundResourceSid, undefined, 'the intercept callback carries the inbound leg only');

    const fetched = await t.api.get(`${CALLBACKS}/${delivered.sid}`);
    assert.equal(fetched.status, 200, fetched.text);
    assert.deepEqual(fetched.body, delivered);
  });

  test('a blocked intercept and a failed out-of-session call are recorded with their outcome', async () => {
    receiver.respond((request) => (request.url === '/intercept' ? { status: 403 } : { status: 500 }));
    const pool = [poolNumber()];
    service = await pooledService(t.api, pool, {
      InterceptCallbackUrl: receiver.url('/intercept'),
      OutOfSessionCallbackUrl: receiver.url('/oos'),
    });
    const pair = await maskedPair(t.api, { in: service });
    const blocked = await text(t.api, pair.a.identifier, pair.a.proxy, 'block me');
    const [intercept] = await recordsOf(t.api, blocked.interaction_sid);
    assert.equal(intercept!.outcome, 'blocked');
    assert.equal(intercept!.response_status, 403);
    assert.equal(intercept!.status, 'delivered');

    const stranger = handset();
    await text(t.api, stranger, pool[0]!, 'who is this?');
    const [outOfSession, ...more] = await recordsOf(t.api, stranger);
    assert.deepEqual(more, []);
    assert.equal(outOfSession!.kind, 'out_of_session');
    assert.equal(outOfSession!.status, 'failed');
    assert.equal(outOfSession!.outcome, 'dropped');
    assert.equal(outOfSession!.response_status, 500);
    assert.equal(outOfSession!.error, 'HTTP 500');
    assert.equal(outOfSession!.payload.From, stranger);
    assert.equal(outOfSession!.payload.Body, 'who is this?');

    const refused = await t.api.post(`${CALLBACKS}/${outOfSession!.sid}/Redeliver`);
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.code, 70002);
    assert.match(refused.body.message, /cannot be redelivered/);
    const alsoRefused = await t.api.post(`${CALLBACKS}/${intercept!.sid}/Redeliver`);
    assert.equal(alsoRefused.status, 400, alsoRefused.text);
  });

  test('a failed status callback is redelivered on demand, now, and then delivered', async () => {
    receiver.respond({ status: 503 });
    const pair = await maskedPair(t.api, { service: { CallbackUrl: receiver.url('/flaky') } });
    service = pair;
    const sent = await text(t.api, pair.a.identifier, pair.a.proxy, 'try again');
    const failed = await statusCallback(t.api, sent.interaction_sid, 'failed');
    assert.equal(failed.response_status, 503);
    assert.match(failed.error, /80908 .*HTTP 503/);
    const before = receiver.requests.filter((r) => r.url === '/flaky').length;

    receiver.respond({ status: 204 });
    const requeued = await t.api.post(`${CALLBACKS}/${failed.sid}/Redeliver`);
    assert.equal(requeued.status, 200, requeued.text);
    assert.equal(requeued.body.sid, failed.sid);
    const delivered = await statusCallback(t.api, sent.interaction_sid, 'delivered');
    assert.equal(delivered.sid, failed.sid, 'the same record, delivered again');
    assert.equal(delivered.response_status, 204);
    assert.equal(delivered.error, null);
    assert.equal(receiver.requests.filter((r) => r.url === '/flaky').length, before + 1);
  });

  test('paged like Twilio lists, newest first, with filters kept in the links', async () => {
    // An account of its own: the list holds only this test's records.
    const { api } = await addAccount(t);
    const pair = await maskedPair(api, { service: { CallbackUrl: receiver.url('/paged') } });
    for (const body of ['one', 'two', 'three']) {
      const sent = await text(api, pair.a.identifier, pair.a.proxy, body);
      await statusCallback(api, sent.interaction_sid, 'delivered');
      await advanceClock(api, 1); // its own clock: the records are a second apart in its time
    }
    const bodyOf = (record: Json) => JSON.parse(record.payload.interactionData).body;
    const first = await list(api, { PageSize: 2, Kind: 'status_callback' });
    assert.equal(first.meta.key, 'callbacks');
    assert.equal(first.meta.page, 0);
    assert.equal(first.meta.page_size, 2);
    assert.equal(first.meta.previous_page_url, null);
    assert.equal(first.meta.url, `${t.baseUrl}${CALLBACKS}?Kind=status_callback&PageSize=2&Page=0`);
    assert.equal(first.meta.first_page_url, first.meta.url);
    assert.deepEqual(first.callbacks.map(bodyOf), ['three', 'two']);
    assert.match(pathOf(first.meta.next_page_url), /Kind=status_callback/);
    const second = await list(api, Object.fromEntries(new URL(first.meta.next_page_url).searchParams));
    assert.deepEqual(second.callbacks.map(bodyOf), ['one']);
    assert.equal(second.meta.next_page_url, null);
    assert.ok(second.meta.previous_page_url !== null);
    const back = await list(api, Object.fromEntries(new URL(second.meta.previous_page_url).searchParams));
    assert.deepEqual(back.callbacks.map(bodyOf), ['three', 'two']);

    assert.equal((await list(api, { Status: 'delivered' })).callbacks.length, 3);
    assert.deepEqual((await list(api, { Status: 'failed' })).callbacks, []);
    assert.deepEqual((await list(api, { Kind: 'intercept' })).callbacks, []);
    const bad = await api.get(CALLBACKS, { Kind: 'carrier' });
    assert.equal(bad.status, 400, bad.text);
  });

  test('another account sees none of them: 404 (20404) for the SID, an empty list, no redelivery', async () => {
    const pair = await maskedPair(t.api, { service: { CallbackUrl: receiver.url('/mine') } });
    service = pair;
    const sent = await text(t.api, pair.a.identifier, pair.a.proxy, 'mine only');
    const mine = await statusCallback(t.api, sent.interaction_sid, 'delivered');
    const other = await addAccount(t);
    for (const response of [await other.api.get(`${CALLBACKS}/${mine.sid}`), await other.api.post(`${CALLBACKS}/${mine.sid}/Redeliver`)]) {
      assert.equal(response.status, 404, response.text);
      assert.equal(response.body.code, 20404);
    }
    const listed = await other.api.get(CALLBACKS);
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.body.callbacks, []);
    const anonymous = await t.anonymous.get(CALLBACKS);
    assert.equal(anonymous.status, 401);
    assert.equal((await t.api.get(`${CALLBACKS}/OB${'0'.repeat(32)}`)).status, 404);
  });
});

describe('Callback log retention (PARLEY_RETENTION_DAYS)', () => {
  let t: TestApp;
  let receiver: CallbackReceiver;
  before(async () => {
    t = await startTestApp({ PARLEY_RETENTION_DAYS: '1' }, { clock: frozenClock() });
    receiver = await CallbackReceiver.start();
  });
  afterEach(async () => {
    await receiver.close();
    await t.close();
  });

  test('settled records older than the retention go with the rest', async () => {
    const pair = await maskedPair(t.api, {
      service: { CallbackUrl: receiver.url('/old'), InterceptCallbackUrl: receiver.url('/old-intercept') },
    });
    const sent = await text(t.api, pair.a.identifier, pair.a.proxy, 'soon forgotten');
    await statusCallback(t.api, sent.interaction_sid, 'delivered');
    assert.equal((await recordsOf(t.api, sent.interaction_sid)).length, 2);
    await advanceClock(t.api, 2 * 86_400);
    assert.deepEqual(await recordsOf(t.api, sent.interaction_sid), []);
  });
});
