// Item 6 of the security review: slow clients cannot hold the server. A body trickled a byte at a
// time is cut off within the request timeout on every route (the unauthenticated carrier webhooks
// too), a head trickled a line at a time within the headers timeout, idle keep-alive connections
// are closed, and connections past PARLEY_MAX_CONNECTIONS are refused. None of this cuts a long
// answer: a webhook waiting on an intercept callback past the request timeout still answers.
// The timeouts are short here; every wait is bounded generously, and nothing asserts how fast.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { open } from '../helpers/raw-connection.js';
import type { Connection } from '../helpers/raw-connection.js';
import { maskedPair } from '../helpers/factories.js';
import { startFakeTwilio } from '../helpers/fake-twilio.js';
import type { FakeTwilio } from '../helpers/fake-twilio.js';
import { CallbackReceiver } from '../helpers/receiver.js';
import { twilioEnv } from '../helpers/twilio-webhooks.js';

const REQUEST_TIMEOUT_MS = 1000;
const TIMEOUTS = { PARLEY_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), PARLEY_KEEP_ALIVE_TIMEOUT_MS: '500' };

/**
 * Sends `head`, then `body` one byte every `intervalMs`, until the server closes the connection;
 * answers how many body bytes got out before it did (the test fails if all of them did).
 */
async function trickle(connection: Connection, head: string, body: string, intervalMs: number): Promise<number> {
  let stopped = false;
  void connection.closed.then(() => (stopped = true));
  connection.socket.write(head);
  let sent = 0;
  while (!stopped && sent < body.length) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    if (!stopped && connection.socket.writable) connection.socket.write(body[sent++]!);
  }
  await connection.closed;
  return sent;
}

/** With valid credentials: an unauthenticated request would be refused before its body came. */
function slowPost(path: string, body: string): string {
  const credentials = Buffer.from(`${TEST_ACCOUNT_SID}:${TEST_AUTH_TOKEN}`).toString('base64');
  return (
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic ${credentials}\r\n` +
    `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`
  );
}

/** The server answered 408 in Twilio's shape, or simply closed the connection. */
function assertCutOff(connection: Connection, sent: number, total: number): void {
  assert.ok(sent < total, `the whole body (${total} bytes at a byte per tick) got through: the server waited for it`);
  const answer = connection.received();
  if (answer !== '') {
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /"code":70002/);
  }
}

describe('slow clients', () => {
  let t: TestApp;
  let twilioApp: TestApp;
  let fake: FakeTwilio;
  before(async () => {
    fake = await startFakeTwilio();
    // The intercept below answers late on purpose, yet well within a timeout no busy machine reaches.
    t = await startTestApp({ ...TIMEOUTS, PARLEY_INTERCEPT_TIMEOUT_MS: '60000' });
    twilioApp = await startTestApp(twilioEnv(fake, TIMEOUTS));
  });
  after(async () => {
    await t.close();
    await twilioApp.close();
    await fake.stop();
  });

  // 200 bytes at a byte every 100 ms would take 20 s: far past the 1 s request timeout.
  const body = `UniqueName=${'x'.repeat(189)}`;

  for (const path of ['/v1/Services', '/simulator/v1/Messages', '/healthz', '/no/such/route']) {
    test(`a body trickled to ${path} is cut off`, async () => {
      const connection = await open(t.baseUrl);
      assertCutOff(connection, await trickle(connection, slowPost(path, body), body, 100), body.length);
    });
  }

  for (const path of ['/carriers/twilio/messages', '/carriers/twilio/voice', '/carriers/twilio/status']) {
    test(`a body trickled to the unauthenticated webhook ${path} is cut off`, async () => {
      const connection = await open(twilioApp.baseUrl);
      assertCutOff(connection, await trickle(connection, slowPost(path, body), body, 100), body.length);
    });
  }

  test('a head trickled a header line at a time is cut off', async () => {
    const connection = await open(t.baseUrl);
    const lines = Array.from({ length: 200 }, (_, i) => `X-Slow-${i}: y\r\n`).join('');
    assertCutOff(connection, await trickle(connection, 'GET /healthz HTTP/1.1\r\n', lines, 25), lines.length);
  });

  test('an idle keep-alive connection is closed', async () => {
    const connection = await open(t.baseUrl);
    connection.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await connection.closed;
    assert.match(connection.received(), /^HTTP\/1\.1 200 /, 'it was answered first');
  });

  test('a long answer is not cut: a message held by its intercept callback past the request timeout is answered', async () => {
    const receiver = await CallbackReceiver.start();
    try {
      const pair = await maskedPair(t.api, {
        pool: ['+14155550170', '+14155550171'],
        service: { UniqueName: 'slow-intercept', InterceptCallbackUrl: receiver.url('/intercept') },
        a: '+12125550170',
        b: '+12125550171',
      });
      receiver.respond({ status: 200, delayMs: REQUEST_TIMEOUT_MS * 3 });
      const sent = await t.api.post('/simulator/v1/Messages', { From: pair.a.identifier, To: pair.a.proxy, Body: 'wait for it' });
      assert.equal(sent.status, 201, sent.text);
      assert.equal(receiver.requests.length, 1, 'the intercept callback was asked, and took its time');
      await t.api.delete(pair.service);
    } finally {
      await receiver.close();
    }
  });
});

describe('PARLEY_MAX_CONNECTIONS', () => {
  test('connections past the cap are closed at once; the cap frees up as connections close', async () => {
    const t = await startTestApp({ PARLEY_MAX_CONNECTIONS: '2' });
    try {
      const held = [await open(t.baseUrl), await open(t.baseUrl)];
      const extra = await open(t.baseUrl);
      await extra.closed;
      assert.equal(extra.received(), '', 'refused without an answer');
      for (const connection of held) {
        connection.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      }
      held[0]!.socket.destroy();
      await held[0]!.closed;
      // The count drops when the server sees the close; until then a new connection may still be refused.
      const answer = await eventually(async () => {
        const again = await open(t.baseUrl);
        again.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
        await again.closed;
        assert.notEqual(again.received(), '', 'a connection is still refused after another closed');
        return again.received();
      });
      assert.match(answer, /^HTTP\/1\.1 200 /);
      held[1]!.socket.destroy();
    } finally {
      await t.close();
    }
  });
});
