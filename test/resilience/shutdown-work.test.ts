// What a real `parley serve` does with the work under way when SIGTERM arrives. A callback delivery
// whose receiver has not answered yet is finished, not dropped: the server closes its listener,
// waits (a second SIGTERM meanwhile is logged and changes nothing), and once the test lets the
// receiver answer it records the delivery and exits 0. A request that never ends (its intercept
// callback is held by the receiver) is cut once PARLEY_SHUTDOWN_TIMEOUT_MS has passed: the process
// logs what it cut and exits EXIT_WORK_CUT. The receivers are held by the test, so the order of
// events never depends on timing; nothing asserts how long anything took.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDurableDatabase, testEngine } from '../helpers/database.js';
import type { TestDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { maskedPair } from '../helpers/factories.js';
import { inspectDatabase } from '../helpers/invariants.js';
import { CallbackReceiver } from '../helpers/receiver.js';
import { spawnServer } from '../helpers/server-process.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { EXIT_WORK_CUT } from '../../src/server.js';

/** Connecting is refused: the server has closed its listener. */
async function refused(server: ServerProcess): Promise<void> {
  const code = await fetch(`${server.baseUrl}/healthz/live`, { headers: { connection: 'close' } }).then(
    () => 'answered',
    (err: { cause?: { code?: string } }) => err.cause?.code,
  );
  assert.equal(code, 'ECONNREFUSED', 'the listener is closed');
}

describe(`the work under way at SIGTERM (${testEngine()})`, () => {
  let database: TestDatabase;
  let receiver: CallbackReceiver;
  let server: ServerProcess | undefined;
  before(async () => {
    database = await createDurableDatabase();
    receiver = await CallbackReceiver.start();
  });
  after(async () => {
    await server?.kill();
    receiver.release();
    await receiver.close();
    await database.drop();
  });

  test('a callback delivery under way is finished and recorded delivered; a second SIGTERM is only logged', async () => {
    server = await spawnServer({ DATABASE_URL: database.url, PARLEY_OUTBOX_POLL_MS: '50' });
    const pair = await maskedPair(server.api, { service: { CallbackUrl: receiver.url('/callbacks') } });
    receiver.hold();
    const sent = await server.api.post('/simulator/v1/Messages', {
      From: pair.a.identifier,
      To: pair.a.proxy,
      Body: 'in flight at SIGTERM',
    });
    assert.equal(sent.status, 201, sent.text);
    await receiver.waitFor(1);

    const exited = server.stop();
    await eventually(() => refused(server!));
    process.kill(server.pid, 'SIGTERM');
    await eventually(() => assert.match(server!.output(), /already shutting down/, 'the second signal is logged'));
    assert.ok(server.alive(), `the server waits for the delivery: ${server.exitReport()}`);
    receiver.release();
    assert.equal(await exited, 0, server.exitReport());
    assert.equal(receiver.requests.length, 1, 'delivered once');
    assert.equal(receiver.requests[0]!.params.interactionSid, sent.body.interaction_sid);

    const inspector = inspectDatabase(database.url);
    try {
      const jobs = (await inspector.db.selectFrom('outbox').selectAll().execute()).filter((job) =>
        job.payload.includes(sent.body.interaction_sid),
      );
      assert.deepEqual(
        jobs.map((job) => job.status),
        ['done'],
        'the outbox recorded the delivery',
      );
    } finally {
      await inspector.destroy();
    }
  });

  test(`a request that never ends is cut at the shutdown timeout: logged, exit status ${EXIT_WORK_CUT}`, async () => {
    server = await spawnServer({
      DATABASE_URL: database.url,
      PARLEY_SHUTDOWN_TIMEOUT_MS: '300',
      // Far past the shutdown timeout: only the shutdown can end this request.
      PARLEY_INTERCEPT_TIMEOUT_MS: '60000',
    });
    const pair = await maskedPair(server.api, { service: { InterceptCallbackUrl: receiver.url('/intercept') } });
    receiver.hold();
    const before = receiver.requests.length;
    const endless = server.api
      .post('/simulator/v1/Messages', { From: pair.a.identifier, To: pair.a.proxy, Body: 'intercepted forever' })
      .then(
        (answer) => `answered ${answer.status}`,
        (err: { cause?: { code?: string } }) => `no answer (${err.cause?.code})`,
      );
    await receiver.waitFor(before + 1);

    assert.equal(await server.stop(), EXIT_WORK_CUT, server.exitReport());
    assert.match(await endless, /^no answer/, 'the cut request got no answer');
    const cut = server.logs().find((line) => /shutdown timeout/.test(String(line.msg)));
    assert.ok(cut !== undefined, `the cut is logged: ${server.exitReport()}`);
    assert.equal(cut.requests, 1);
    assert.equal(cut.deliveries, 0);
  });
});
