// Twenty receivers answering 200 MB each, all at once, cannot exhaust the server: a real
// `parley serve` process asks 20 intercepts at the same time and delivers 20 service callbacks,
// every receiver answers 200 MB (generated as it is sent: this process holds none of it), and the
// server's peak resident memory (VmHWM) stays under 250 MB, reading 64 KiB of each answer and
// recording each call as failed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase } from '../helpers/database.js';
import type { TestDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { outboundPair } from '../helpers/outbound.js';
import { CallbackReceiver } from '../helpers/receiver.js';
import { spawnServer } from '../helpers/server-process.js';
import type { ServerProcess } from '../helpers/server-process.js';

const RECEIVERS = 20;
const HUGE = 200 * 1024 * 1024;
const PEAK_LIMIT_KB = 250 * 1024;

/** The most memory the process has held resident at once since it started, in kB. */
function peakRssKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmHWM:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1]);
}

describe('20 receivers answering 200 MB each at once', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let receivers: CallbackReceiver[];
  before(async () => {
    database = await createTestDatabase();
    server = await spawnServer({
      DATABASE_URL: database.url,
      PARLEY_LOG_LEVEL: 'info',
      // All 20 callbacks under way together, like the 20 intercepts.
      PARLEY_CALLBACK_CONCURRENCY_PER_ACCOUNT: String(RECEIVERS),
    });
    receivers = await Promise.all(Array.from({ length: RECEIVERS }, () => CallbackReceiver.start()));
    for (const receiver of receivers) receiver.respond({ streamBytes: HUGE });
  });
  after(async () => {
    await server.stop();
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await database.drop();
  });

  test('cost the server a bounded amount of memory, and count as failed', async (t) => {
    const pairs = [];
    for (const receiver of receivers) {
      pairs.push(await outboundPair(server.api, { CallbackUrl: receiver.url('/cb'), InterceptCallbackUrl: receiver.url('/intercept') }));
    }
    const sent = await Promise.all(pairs.map((pair, n) => pair.text(`message ${n}`)));
    for (const response of sent) assert.equal(response.status, 201, response.text);

    // Each intercept got no usable answer (so its message went ahead), each callback failed.
    const failures = (receiver: CallbackReceiver) => [
      `POST ${receiver.url('/intercept')} failed: answer larger than 65536 bytes`,
      `80908 Error on Callback for ${receiver.url('/cb')}: answer larger than 65536 bytes`,
    ];
    await eventually(
      () =>
        assert.ok(
          receivers.every((receiver) => failures(receiver).every((line) => server.output().includes(line))),
          'every call recorded as failed',
        ),
      60_000,
    );
    for (const [n, pair] of pairs.entries()) assert.ok(await pair.reachedB(`message ${n}`), `message ${n} went ahead`);

    const peak = peakRssKb(server.pid);
    t.diagnostic(
      `peak RSS ${Math.round(peak / 1024)} MB; most streamed to one receiver ${Math.max(...receivers.map((r) => r.streamedBytes))} bytes`,
    );
    assert.ok(peak < PEAK_LIMIT_KB, `the server's peak RSS was ${Math.round(peak / 1024)} MB`);
    for (const receiver of receivers) {
      assert.ok(receiver.requests.length >= 2, 'asked the intercept and delivered the callback');
      assert.ok(receiver.streamedBytes < HUGE, `Parley hung up on ${receiver.url()} after ${receiver.streamedBytes} bytes`);
    }
    assert.ok(server.alive());
  });
});
