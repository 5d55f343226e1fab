// Redirects are never followed: a receiver answering 302 cannot send Parley on to another address
// (one the address policy never saw). The 302 is the answer: a failed service callback (retried),
// no answer from an intercept (the message goes ahead), a failed out-of-session callback.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { outboundPair } from '../helpers/outbound.js';
import { attempted } from '../helpers/outbox.js';
import { CallbackReceiver } from '../helpers/receiver.js';

describe('a receiver answering with a redirect', () => {
  let t: TestApp;
  let redirecting: CallbackReceiver;
  let target: CallbackReceiver;
  before(async () => {
    t = await startTestApp();
    redirecting = await CallbackReceiver.start();
    target = await CallbackReceiver.start();
    const twiml = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>followed</Message></Response>';
    target.respond({ status: 200, contentType: 'text/xml', body: twiml });
    redirecting.respond((request) => ({ status: 302, headers: { location: target.url(request.url) } }));
  });
  after(async () => {
    await redirecting.close();
    await target.close();
    await t.close();
  });

  test('is not followed, by any callback', async () => {
    const pair = await outboundPair(t.api, {
      CallbackUrl: redirecting.url('/cb'),
      InterceptCallbackUrl: redirecting.url('/intercept'),
      OutOfSessionCallbackUrl: redirecting.url('/oos'),
    });
    assert.equal((await pair.text('where to?')).status, 201);
    assert.ok(await pair.reachedB('where to?'), 'an intercept answered 302 lets the message through');
    const [job] = await attempted(t, 1);
    assert.equal(job!.status, 'pending', 'a callback answered 302 failed, and is retried');
    assert.equal(job!.last_error, `80908 Error on Callback for ${redirecting.url('/cb')}: HTTP 302`);

    const sent = await pair.strangerTexts('out of session');
    assert.equal(sent.status, 201, sent.text);
    assert.deepEqual(await pair.strangerReplies(), [], 'no TwiML from the redirect target');

    assert.deepEqual(redirecting.requests.map((request) => request.url).sort(), ['/cb', '/intercept', '/oos'].sort());
    await target.expectNoMoreThan(0);
  });
});
