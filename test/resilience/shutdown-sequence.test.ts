// The shutdown's steps, in process (app.parley.shutdown, what `parley serve` runs on SIGTERM), on a
// ManualTimer: the drain and the timeout end when the test ends them, so each step is looked at
// while it lasts, however slow the machine. Connections are raw sockets (raw-connection.ts): what
// is under test is what happens to a connection, which fetch's pool would hide.
//   - the drain: ready answers 503 "draining", everything else is served, on new connections and on
//     open keep-alive ones;
//   - the close: new connections are refused, idle keep-alive ones are closed, a request under way
//     finishes and its answer carries `Connection: close`; the shutdown reports nothing cut;
//   - the timeout: a request that never ends (its body never comes) and a callback delivery whose
//     receiver never answers are cut, counted in the outcome and in the log, and the app closes; a
//     connection whose request head never comes in full is closed too, but is no request cut.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { testEngine } from '../helpers/database.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { maskedPair, text } from '../helpers/factories.js';
import { logCollector } from '../helpers/log-collector.js';
import { ManualTimer } from '../helpers/manual-timer.js';
import { open, responses } from '../helpers/raw-connection.js';
import type { Connection, RawResponse } from '../helpers/raw-connection.js';
import { CallbackReceiver } from '../helpers/receiver.js';

const DRAIN_MS = 5000;
const TIMEOUT_MS = 10_000;
const ENV = { PARLEY_SHUTDOWN_DRAIN_MS: String(DRAIN_MS), PARLEY_SHUTDOWN_TIMEOUT_MS: String(TIMEOUT_MS) };
const AUTH = `Basic ${Buffer.from(`${TEST_ACCOUNT_SID}:${TEST_AUTH_TOKEN}`).toString('base64')}`;

/** Sends a request on an open connection and waits for its complete answer (the connection's n-th). */
async function exchange(connection: Connection, request: string): Promise<RawResponse> {
  const before = responses(connection.received()).length;
  connection.socket.write(request);
  return eventually(() => responses(connection.received())[before] ?? assert.fail('no complete answer yet'));
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${AUTH}\r\n\r\n`;

/** A service create whose head and first bytes are sent; `finish()` sends the rest of its body. */
async function heldCreate(t: TestApp): Promise<{ connection: Connection; finish(): void }> {
  const body = 'UniqueName=held-across-the-close';
  const connection = await open(t.baseUrl);
  const head =
    `POST /v1/Services HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${AUTH}\r\n` +
    `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;
  const before = t.app.parley.requests.count;
  connection.socket.write(head + body.slice(0, 4));
  await eventually(() => assert.equal(t.app.parley.requests.count, before + 1, 'the server is answering the held request'));
  return { connection, finish: () => connection.socket.write(body.slice(4)) };
}

async function refused(t: TestApp): Promise<boolean> {
  try {
    await fetch(`${t.baseUrl}/healthz/live`, { headers: { connection: 'close' } });
    return false;
  } catch (err) {
    return (err as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
  }
}

test(`the drain serves everything but readiness; the close refuses new connections and finishes the ones under way (${testEngine()})`, async () => {
  const timer = new ManualTimer();
  const t = await startTestApp(ENV, { timer });
  try {
    const keptAlive = await open(t.baseUrl);
    assert.equal((await exchange(keptAlive, get('/v1/Services'))).status, 200);
    const held = await heldCreate(t);

    const shutdown = t.app.parley.shutdown();
    const ready = await fetch(`${t.baseUrl}/healthz/ready`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: 'unavailable', failed: ['draining'] });
    assert.equal((await fetch(`${t.baseUrl}/healthz/live`)).status, 200, 'live while draining');
    const created = await t.api.post('/v1/Services', { UniqueName: 'created-while-draining' });
    assert.equal(created.status, 201, 'a new connection is served while draining');
    const onKeptAlive = await exchange(keptAlive, get(`/v1/Services/${created.body.sid}`));
    assert.equal(onKeptAlive.status, 200, 'an open keep-alive connection is served while draining');
    assert.notEqual(onKeptAlive.headers.connection, 'close', 'and stays open');

    await timer.end(DRAIN_MS);
    await eventually(async () => assert.ok(await refused(t), 'new connections are refused once the drain is over'));
    await keptAlive.closed; // idle: closed at once
    held.finish();
    await held.connection.closed;
    const [answer, ...more] = responses(held.connection.received());
    assert.equal(answer?.status, 201, `the request under way at the close is answered: ${held.connection.received()}`);
    assert.equal(JSON.parse(answer.body).unique_name, 'held-across-the-close');
    assert.equal(answer.headers.connection, 'close', 'with Connection: close');
    assert.deepEqual(more, []);
    assert.deepEqual(await shutdown, { cut: null });
    assert.equal(await t.app.parley.shutdown(), await shutdown, 'a second call gets the same shutdown');
  } finally {
    await t.close();
  }
});

test(`the timeout cuts a request that never ends and a delivery that never ends, and says so (${testEngine()})`, async () => {
  const timer = new ManualTimer();
  const log = logCollector();
  const t = await startTestApp({ ...ENV, PARLEY_LOG_LEVEL: 'info', PARLEY_OUTBOX_POLL_MS: '50' }, { timer, logStream: log.stream });
  const receiver = await CallbackReceiver.start();
  try {
    receiver.hold();
    const pair = await maskedPair(t.api, { service: { CallbackUrl: receiver.url('/callbacks') } });
    await text(t.api, pair.a.identifier, pair.a.proxy, 'a callback that never gets its answer');
    await receiver.waitFor(1);
    const held = await heldCreate(t);

    const shutdown = t.app.parley.shutdown();
    await timer.end(DRAIN_MS);
    await eventually(async () => assert.ok(await refused(t)));
    await timer.end(TIMEOUT_MS);
    assert.deepEqual(await shutdown, { cut: { requests: 1, deliveries: 1 } });
    await held.connection.closed;
    assert.equal(held.connection.received(), '', 'the cut request got no answer');
    const cut = log.entries().find((entry) => /shutdown timeout/.test(entry.msg));
    assert.ok(cut !== undefined, `the cut is logged:\n${log.text()}`);
    assert.equal(cut.level, 40);
    assert.deepEqual([cut.requests, cut.deliveries], [1, 1]);
  } finally {
    receiver.release();
    await receiver.close();
    await t.close();
  }
});

test(`a connection whose request head never comes in full is closed at the timeout, and nothing counts as cut (${testEngine()})`, async () => {
  const timer = new ManualTimer();
  const t = await startTestApp(ENV, { timer });
  try {
    const half = await open(t.baseUrl);
    half.socket.write('GET /healthz/live HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const shutdown = t.app.parley.shutdown();
    await timer.end(DRAIN_MS);
    await eventually(async () => assert.ok(await refused(t)));
    let closedEarly = false;
    void half.closed.then(() => (closedEarly = true));
    // Showing that something did not happen: a while, then a look (a slow machine can only make it pass).
    await sleep(300);
    assert.equal(closedEarly, false, 'Node counts it busy: the close waits for it');
    await timer.end(TIMEOUT_MS);
    assert.deepEqual(await shutdown, { cut: null });
    await half.closed;
  } finally {
    await t.close();
  }
});
