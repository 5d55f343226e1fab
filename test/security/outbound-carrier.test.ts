// The carrier's REST API (PARLEY_TWILIO_API_URL) is the operator's own choice, so no address is
// refused there (here it is a loopback receiver, with PARLEY_CALLBACK_ALLOW_PRIVATE at its
// real-carrier default of false), but its answers are bounded like every other: an answer over
// PARLEY_CALLBACK_MAX_RESPONSE_BYTES is a failed send, retried; and a redirect is not followed.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { outboundPair } from '../helpers/outbound.js';
import { attempted } from '../helpers/outbox.js';
import { CallbackReceiver } from '../helpers/receiver.js';

const SENT = { status: 201, contentType: 'application/json', body: JSON.stringify({ sid: `SM${'a'.repeat(32)}`, status: 'queued' }) };

describe('the carrier REST call', () => {
  let t: TestApp;
  let api: CallbackReceiver;
  let elsewhere: CallbackReceiver;
  before(async () => {
    api = await CallbackReceiver.start();
    elsewhere = await CallbackReceiver.start();
    t = await startTestApp({
      PARLEY_CARRIER: 'twilio',
      PARLEY_TWILIO_ACCOUNT_SID: `AC${'5'.repeat(32)}`,
      PARLEY_TWILIO_AUTH_TOKEN: 'twilio-auth-token-0123456789',
      PARLEY_TWILIO_API_URL: api.baseUrl,
      PARLEY_PUBLIC_URL: 'https://parley.example.com',
    });
  });
  after(async () => {
    await api.close();
    await elsewhere.close();
    await t.close();
  });
  beforeEach(async () => {
    api.requests.length = 0;
    elsewhere.requests.length = 0;
    await t.app.parley.database.db.deleteFrom('outbox').execute();
  });

  test('reaches a private address (the operator configured it), and sends', async () => {
    assert.equal(t.app.parley.config.callbackAllowPrivate, false);
    api.respond(SENT);
    const pair = await outboundPair(t.api, {});
    assert.equal((await pair.messageB('through Twilio')).status, 201);
    const [job] = await attempted(t, 1, 'twilio-message');
    assert.equal(job!.status, 'done', job!.last_error ?? '');
    assert.equal(api.requests[0]!.params.Body, 'through Twilio');
  });

  test('an answer over the limit is a failed send, retried', async () => {
    api.respond({ ...SENT, streamBytes: 200 * 1024 * 1024 });
    const pair = await outboundPair(t.api, {});
    assert.equal((await pair.messageB('too much answer')).status, 201);
    const [job] = await attempted(t, 1, 'twilio-message');
    assert.equal(job!.status, 'pending', 'to be retried');
    assert.match(
      job!.last_error ?? '',
      /^POST http:\/\/127\.0\.0\.1:\d+\/2010-04-01\/Accounts\/AC5+\/Messages\.json failed: answer larger than 65536 bytes$/,
    );
  });

  test('a redirect is not followed: the send failed, to be retried', async () => {
    api.respond({ status: 307, headers: { location: elsewhere.url('/2010-04-01/elsewhere.json') } });
    const pair = await outboundPair(t.api, {});
    assert.equal((await pair.messageB('stay here')).status, 201);
    const [job] = await attempted(t, 1, 'twilio-message');
    assert.equal(job!.status, 'pending');
    assert.equal(job!.last_error, 'Twilio answered HTTP 307');
    await elsewhere.expectNoMoreThan(0);
  });
});
