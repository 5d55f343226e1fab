// Answers are bounded: Parley reads at most PARLEY_CALLBACK_MAX_RESPONSE_BYTES (64 KiB by
// default) of any receiver's answer, then hangs up. A receiver answering 200 MB (generated as it
// is sent, so the test holds none of it) costs Parley 64 KiB, and the answer counts for nothing:
// an intercept is then no answer (the message goes ahead, even when it said 403), an
// out-of-session callback a failed one (its TwiML is not applied), a service callback a failed
// delivery, retried as usual.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { logCollector } from '../helpers/log-collector.js';
import { outboundPair } from '../helpers/outbound.js';
import { attempted } from '../helpers/outbox.js';
import { CallbackReceiver } from '../helpers/receiver.js';

const HUGE = 200 * 1024 * 1024;
const LIMIT = 64 * 1024;
/** What can be in flight when Parley hangs up: its limit plus the socket buffers of both ends. */
const LET_THROUGH = 16 * 1024 * 1024;

describe('an answer larger than PARLEY_CALLBACK_MAX_RESPONSE_BYTES', () => {
  let t: TestApp;
  let receiver: CallbackReceiver;
  const log = logCollector();
  before(async () => {
    t = await startTestApp({ PARLEY_LOG_LEVEL: 'info' }, { logStream: log.stream });
    receiver = await CallbackReceiver.start();
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });
  const reset = () => {
    receiver.requests.length = 0;
    receiver.streamedBytes = 0;
  };
  const logged = (message: string) => log.entries().filter((line) => line.msg === message);

  test('is no answer from the intercept callback: even a 403 lets the message through', async () => {
    reset();
    receiver.respond({ status: 403, streamBytes: HUGE });
    const pair = await outboundPair(t.api, { InterceptCallbackUrl: receiver.url('/intercept') });
    assert.equal((await pair.text('not blocked')).status, 201);
    assert.equal(receiver.requests.length, 1);
    assert.ok(await pair.reachedB('not blocked'), 'the message went ahead');
    const [failure] = logged('intercept callback failed; the interaction goes ahead');
    assert.match(String((failure?.err as { message?: string })?.message), /answer larger than 65536 bytes/);
    assert.ok(receiver.streamedBytes < LET_THROUGH, `Parley hung up after ${receiver.streamedBytes} bytes`);
    await t.api.delete(pair.service);
  });

  test('is a failed out-of-session callback: its TwiML is not applied', async () => {
    reset();
    const twiml = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>auto-reply</Message></Response>';
    receiver.respond({ contentType: 'text/xml', body: twiml, streamBytes: HUGE });
    const pair = await outboundPair(t.api, { OutOfSessionCallbackUrl: receiver.url('/oos') });
    const sent = await pair.strangerTexts('anyone there?');
    assert.equal(sent.status, 201, sent.text);
    assert.equal(receiver.requests.length, 1);
    const [failure] = logged('80913 out-of-session callback failed');
    assert.match(String((failure?.err as { message?: string })?.message), /answer larger than 65536 bytes/);
    const replies = await pair.strangerReplies();
    assert.deepEqual(replies, [], 'no auto-reply was sent');
    assert.ok(receiver.streamedBytes < LET_THROUGH, `Parley hung up after ${receiver.streamedBytes} bytes`);
    await t.api.delete(pair.service);
  });

  test('is a failed service callback delivery, retried as usual', async () => {
    reset();
    receiver.respond({ streamBytes: HUGE });
    const pair = await outboundPair(t.api, { CallbackUrl: receiver.url('/cb') });
    assert.equal((await pair.text('status please')).status, 201);
    const [first] = await attempted(t, 1);
    assert.equal(first!.status, 'pending', 'to be retried');
    assert.equal(first!.last_error, `80908 Error on Callback for ${receiver.url('/cb')}: answer larger than ${LIMIT} bytes`);
    // The retry is due after the backoff: move the simulator's clock past it.
    assert.equal((await t.api.post('/simulator/v1/Clock', { Advance: 5 })).status, 200);
    const [second] = await attempted(t, 2);
    assert.equal(second!.status, 'pending');
    assert.match(second!.last_error ?? '', /answer larger than 65536 bytes/);
    await eventually(() => assert.ok(receiver.requests.length >= 2, 'the retry reached the receiver'));
    assert.ok(receiver.streamedBytes < LET_THROUGH * receiver.requests.length, `Parley hung up after ${receiver.streamedBytes} bytes`);
    await t.api.delete(pair.service);
  });
});
