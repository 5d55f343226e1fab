// A callback URL may carry the receiver's Basic credentials (`https://user:pass@host/path`), as
// Twilio allows. Parley sends them as an Authorization header (percent-decoded), signs the URL as
// configured (credentials included, which is what twilio-node's validateRequest checks), and
// never writes the password anywhere: not in any log line (even at trace) nor in the outbox's
// stored error, where the URL appears as http://***@host/path.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { frozenClock, startTestApp, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { logCollector } from '../helpers/log-collector.js';
import { outboundPair } from '../helpers/outbound.js';
import { attempted, outboxRows } from '../helpers/outbox.js';
import { CallbackReceiver } from '../helpers/receiver.js';

const BASIC = `Basic ${Buffer.from('user:p@ss').toString('base64')}`;
const SECRETS = ['p@ss', 'p%40ss', Buffer.from('user:p@ss').toString('base64')];

describe('user info in a callback URL', () => {
  let t: TestApp;
  let receiver: CallbackReceiver;
  /** A port nothing listens on: calls to it fail, and get logged. */
  let closedPort: number;
  const log = logCollector();
  before(async () => {
    // Server time moves only with the clock endpoint: the retry waits for it.
    t = await startTestApp({ PARLEY_LOG_LEVEL: 'trace' }, { logStream: log.stream, clock: frozenClock() });
    receiver = await CallbackReceiver.start();
    const closed = await CallbackReceiver.start();
    closedPort = closed.port;
    await closed.close();
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  test('is sent as Basic auth, signed as configured, and never logged or stored', async () => {
    const callbackUrl = `http://user:p%40ss@127.0.0.1:${receiver.port}/cb?x=1`;
    const pair = await outboundPair(t.api, {
      CallbackUrl: callbackUrl,
      InterceptCallbackUrl: `http://user:p%40ss@127.0.0.1:${closedPort}/intercept`,
      OutOfSessionCallbackUrl: `http://user:p%40ss@127.0.0.1:${closedPort}/oos`,
    });
    // The first delivery fails (and is logged and stored), the retry is delivered.
    receiver.respondInTurn({ status: 500 }, { status: 200 });
    assert.equal((await pair.text('with credentials')).status, 201);
    assert.equal((await pair.strangerTexts('out of session')).status, 201);
    const [failed] = await attempted(t, 1);
    assert.equal(failed!.last_error, `80908 Error on Callback for http://***@127.0.0.1:${receiver.port}/cb?x=1: HTTP 500`);
    assert.equal((await t.api.post('/simulator/v1/Clock', { Advance: 5 })).status, 200);
    const [first, retried] = await receiver.waitFor(2);

    for (const request of [first!, retried!]) {
      assert.equal(request.headers.authorization, BASIC, 'user info as Basic credentials, percent-decoded');
      assert.equal(request.url, '/cb?x=1', 'the request target carries no user info');
      assert.equal(request.headers.host, `127.0.0.1:${receiver.port}`);
      const signature = String(request.headers['x-twilio-signature']);
      assert.equal(
        twilio.validateRequest(TEST_AUTH_TOKEN, signature, callbackUrl, request.params),
        true,
        'signed over the URL as configured',
      );
      assert.equal(
        twilio.validateRequest(TEST_AUTH_TOKEN, signature, receiver.fullUrl(request), request.params),
        false,
        'not over the URL without user info',
      );
    }

    const logs = log.text();
    assert.ok(logs.includes(`http://***@127.0.0.1:${closedPort}/intercept`), 'the failed intercept is logged, redacted');
    assert.ok(logs.includes(`http://***@127.0.0.1:${closedPort}/oos`), 'the failed out-of-session callback is logged, redacted');
    assert.ok(logs.includes(`http://***@127.0.0.1:${receiver.port}/cb?x=1: HTTP 500`), 'the failed delivery is logged, redacted');
    const stored = (await outboxRows(t)).map((row) => row.last_error ?? '').join('\n');
    for (const secret of SECRETS) {
      assert.ok(!logs.includes(secret), `the log never shows ${secret}`);
      assert.ok(!stored.includes(secret), `the outbox's last_error never shows ${secret}`);
    }
  });
});
