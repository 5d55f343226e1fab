// Service callbacks go through the durable outbox: a failed delivery (an error status, or no answer
// within PARLEY_CALLBACK_TIMEOUT_MS) is retried with backoff on the server's clock and delivered
// exactly once, given up after PARLEY_CALLBACK_MAX_ATTEMPTS, and delivered by the next server on the
// same database after a restart. Prompt answers are awaited with a timeout no busy machine reaches;
// the timeout test uses a receiver that never answers.

import assert from 'node:assert/strict';
import { afterEach, before, describe, test } from 'node:test';
import { appAndReceiver, frozenClock, startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { ALICE, assertSigned, callbackPair } from '../helpers/callbacks.js';
import { createDurableDatabase } from '../helpers/database.js';
import { advanceClock } from '../helpers/factories.js';
import type { MaskedPair } from '../helpers/factories.js';
import { attempt, settled } from '../helpers/outbox.js';
import { CallbackReceiver } from '../helpers/receiver.js';

describe('Callback delivery through the outbox', () => {
  // Three attempts in all: the retry test below uses every one of them. The timeout is so long
  // that no machine is too busy for a prompt answer; the timeout test has an app of its own.
  // Server time moves only with the clock endpoint: no retry comes due in real time meanwhile.
  const fixture = appAndReceiver({ PARLEY_CALLBACK_MAX_ATTEMPTS: '3', PARLEY_CALLBACK_TIMEOUT_MS: '60000' }, { clock: frozenClock() });
  let t: TestApp;
  let receiver: CallbackReceiver;
  let pair: MaskedPair;
  before(() => ({ t, receiver } = fixture));
  afterEach(() => t.api.delete(pair.service));

  test('500, 500, then 200: retried after 1 s and 2 s of server time, delivered exactly once', async () => {
    receiver.requests.length = 0;
    receiver.respondInTurn({ status: 500, body: 'down' }, { status: 500, body: 'still down' }, { status: 200 });
    pair = await callbackPair(t, { CallbackUrl: receiver.url('/retry') });
    const sent = await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.a.proxy, Body: 'retry me' });
    assert.equal(sent.status, 201, sent.text);
    const sid = sent.body.interaction_sid as string;

    await receiver.waitFor(1);
    let job = await settled(t, sid, attempt(1));
    assert.equal(job.status, 'pending');
    assert.match(job.last_error ?? '', /HTTP 500/);
    await advanceClock(t.api, 1); // the first retry is due 1 s later
    assert.equal(receiver.requests.length, 2, 'the clock endpoint ran the due retry before answering');
    job = await settled(t, sid, attempt(2));
    assert.equal(job.status, 'pending');
    await advanceClock(t.api, 1); // the second waits 2 s
    assert.equal(receiver.requests.length, 2, 'not due yet after 1 s');
    await advanceClock(t.api, 1);
    assert.equal(receiver.requests.length, 3);
    job = await settled(t, sid, attempt(3));
    assert.equal(job.status, 'done');

    await advanceClock(t.api, 3600);
    await receiver.expectNoMoreThan(3);
    for (const request of receiver.requests) {
      assertSigned(receiver, request);
      assert.deepEqual(request.params, receiver.requests[0]!.params, 'every attempt carries the same callback');
    }
    assert.equal(receiver.requests[0]!.params.interactionSid, sent.body.interaction_sid);
  });

  test('no answer within PARLEY_CALLBACK_TIMEOUT_MS is a failed attempt, retried', async () => {
    // The first attempt is never answered: the timeout is the only way it can end.
    const quick = await startTestApp({ PARLEY_CALLBACK_TIMEOUT_MS: '300' }, { clock: frozenClock() });
    const slow = await CallbackReceiver.start();
    try {
      slow.respondInTurn({ status: 200, delayMs: 3_600_000 }, { status: 200 });
      const held = await callbackPair(quick, { CallbackUrl: slow.url('/slow') });
      const sid = (await quick.api.post('/simulator/v1/Messages', { From: ALICE, To: held.a.proxy, Body: 'slow' })).body
        .interaction_sid as string;
      await slow.waitFor(1);
      const job = await settled(quick, sid, attempt(1));
      assert.equal(job.status, 'pending');
      assert.match(job.last_error ?? '', /no answer within 300 ms/);
      await advanceClock(quick.api, 1);
      assert.equal(slow.requests.length, 2);
      assert.equal((await settled(quick, sid, attempt(2))).status, 'done');
      assert.deepEqual(slow.requests[1]!.params, slow.requests[0]!.params);
    } finally {
      await slow.close();
      await quick.close();
    }
  });

  test('gives up after PARLEY_CALLBACK_MAX_ATTEMPTS', async () => {
    receiver.requests.length = 0;
    receiver.respond({ status: 503 });
    pair = await callbackPair(t, { CallbackUrl: receiver.url('/never') });
    const sid = (await t.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.a.proxy, Body: 'lost' })).body
      .interaction_sid as string;
    await receiver.waitFor(1);
    await settled(t, sid, attempt(1));
    await advanceClock(t.api, 1);
    await settled(t, sid, attempt(2));
    await advanceClock(t.api, 2);
    const job = await settled(t, sid, attempt(3));
    assert.equal(receiver.requests.length, 3);
    assert.equal(job.status, 'failed');
    assert.match(job.last_error ?? '', /HTTP 503/);
    await advanceClock(t.api, 24 * 3600);
    await receiver.expectNoMoreThan(3);
    receiver.respond({});
  });
});

describe('Callback delivery across a restart', () => {
  test('a callback the receiver could not take is delivered by the next server on the same database', async () => {
    const database = await createDurableDatabase();
    // The receiver is down: its port refuses connections until it comes back on the same port.
    const probe = await CallbackReceiver.start();
    const port = probe.port;
    await probe.close();
    const url = `http://127.0.0.1:${port}/after-restart?x=1`;
    let first: TestApp | undefined;
    let second: TestApp | undefined;
    let receiver: CallbackReceiver | undefined;
    try {
      // Its clock stands still: the refused delivery stays at one attempt until the restart.
      first = await startTestApp({ DATABASE_URL: database.url }, { clock: frozenClock() });
      const pair = await callbackPair(first, { CallbackUrl: url });
      const sent = await first.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.a.proxy, Body: 'survive' });
      assert.equal(sent.status, 201, sent.text);
      const job = await settled(first, sent.body.interaction_sid, attempt(1));
      assert.equal(job.status, 'pending', 'the refused delivery is kept for a retry');
      assert.notEqual(job.last_error, null);
      await first.close();
      first = undefined;

      receiver = await CallbackReceiver.start(port);
      second = await startTestApp({ DATABASE_URL: database.url });
      await advanceClock(second.api, 2);
      const [request] = await receiver.waitFor(1);
      assert.equal(request!.url, '/after-restart?x=1');
      assertSigned(receiver, request!);
      assert.equal(request!.params.interactionSid, sent.body.interaction_sid);
      assert.equal(request!.params.interactionSessionSid, pair.sessionSid);
      assert.deepEqual(JSON.parse(request!.params.interactionData as string), { body: 'survive' });
      assert.equal((await settled(second, sent.body.interaction_sid, (row) => row.status !== 'pending')).status, 'done');
      await advanceClock(second.api, 3600);
      await receiver.expectNoMoreThan(1);
    } finally {
      await receiver?.close();
      await first?.close();
      await second?.close();
      await database.drop();
    }
  });

  test('without advancing the clock, the worker’s poll delivers it once the retry is due', async () => {
    const database = await createDurableDatabase();
    const receiver = await CallbackReceiver.start();
    receiver.respond({ status: 500 });
    let first: TestApp | undefined;
    let second: TestApp | undefined;
    try {
      // Its clock stands still (one failed attempt); the next server's is real time.
      first = await startTestApp({ DATABASE_URL: database.url, PARLEY_OUTBOX_POLL_MS: '50' }, { clock: frozenClock() });
      const pair = await callbackPair(first, { CallbackUrl: receiver.url('/polled') });
      const sent = await first.api.post('/simulator/v1/Messages', { From: ALICE, To: pair.a.proxy, Body: 'poll me' });
      await receiver.waitFor(1);
      await settled(first, sent.body.interaction_sid, attempt(1));
      await first.close();
      first = undefined;

      receiver.respond({ status: 200 });
      second = await startTestApp({ DATABASE_URL: database.url, PARLEY_OUTBOX_POLL_MS: '50' });
      // The retry comes due 1 s after the failure, in real time: no request, no clock move.
      const [, request] = await receiver.waitFor(2);
      assertSigned(receiver, request!);
      assert.equal(request!.params.interactionSid, sent.body.interaction_sid);
      assert.equal((await settled(second, sent.body.interaction_sid, (row) => row.status !== 'pending')).status, 'done');
    } finally {
      await receiver.close();
      await first?.close();
      await second?.close();
      await database.drop();
    }
  });
});
