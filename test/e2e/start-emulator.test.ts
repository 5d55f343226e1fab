// `parley/testing`'s startEmulator, used exactly as the README's "Using Parley from a test suite"
// shows (but imported from the source; test/e2e/package.test.ts imports it from the installed package).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import twilio from 'twilio';
import { startEmulator } from '../../src/testing.js';
import type { Emulator } from '../../src/testing.js';
import { eventually } from '../helpers/eventually.js';
import { CallbackReceiver } from '../helpers/receiver.js';

let emulator: Emulator;
let client: twilio.Twilio;
before(async () => {
  emulator = await startEmulator();
  client = twilio(emulator.accountSid, emulator.authToken);
  client.proxy.baseUrl = emulator.url;
});
after(() => emulator.stop());

test('a text between two masked participants arrives from the proxy number', async () => {
  const service = await client.proxy.v1.services.create({ uniqueName: 'deliveries' });
  await client.proxy.v1.services(service.sid).phoneNumbers.create({ phoneNumber: '+15555550100' });
  await client.proxy.v1.services(service.sid).phoneNumbers.create({ phoneNumber: '+15555550101' });
  const session = await client.proxy.v1.services(service.sid).sessions.create({ uniqueName: 'Order 1234', ttl: 3600 });
  const participants = client.proxy.v1.services(service.sid).sessions(session.sid).participants;
  const alice = await participants.create({ identifier: '+15551230001' });
  const bob = await participants.create({ identifier: '+15551230002' });

  await emulator.text('+15551230001', alice.proxyIdentifier, 'Your order is on its way');

  const [received] = await emulator.inbox('+15551230002');
  assert.equal(received?.from, bob.proxyIdentifier);
  assert.equal(received?.body, 'Your order is on its way');

  await emulator.advanceClock(3600);
  assert.equal((await client.proxy.v1.services(service.sid).sessions(session.sid).fetch()).status, 'closed');
});

test('the handle: a fresh account, calls, the clock, errors in Twilio shape', async () => {
  assert.match(emulator.accountSid, /^AC[0-9a-f]{32}$/);
  assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(emulator.consoleUrl, `${emulator.url}/console`);
  const signIn = await fetch(`${emulator.consoleUrl}/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: emulator.accountSid, password: emulator.authToken }),
    redirect: 'manual',
  });
  assert.equal(signIn.status, 303, 'the console takes the emulator account');
  const placed = await emulator.call('+12125550199', '+14155550199');
  assert.match(placed.sid, /^CA[0-9a-f]{32}$/);
  assert.equal(placed.session_sid, null, 'nothing routes a call to a number outside every pool');
  const moved = await emulator.advanceClock(60);
  assert.ok(moved.offset_seconds >= 3660);
  await assert.rejects(emulator.text('not a number', '+14155550100', 'x'), { name: 'EmulatorError', status: 400 });
  assert.deepEqual(await emulator.inbox('+12125550198'), []);
});

test('callbacks(): what Parley sent to the service callback URL', async () => {
  const receiver = await CallbackReceiver.start();
  try {
    const service = await client.proxy.v1.services.create({ uniqueName: 'watched', callbackUrl: receiver.url('/events') });
    await client.proxy.v1.services(service.sid).phoneNumbers.create({ phoneNumber: '+14155550110' });
    await client.proxy.v1.services(service.sid).phoneNumbers.create({ phoneNumber: '+14155550111' });
    const session = await client.proxy.v1.services(service.sid).sessions.create({ uniqueName: 'Order 5678' });
    const participants = client.proxy.v1.services(service.sid).sessions(session.sid).participants;
    const carol = await participants.create({ identifier: '+12125550111' });
    await participants.create({ identifier: '+12125550112' });
    await emulator.text('+12125550111', carol.proxyIdentifier, 'at the door');
    const delivered = await eventually(async () => {
      const mine = (await emulator.callbacks()).filter((c) => c.url === receiver.url('/events'));
      assert.ok(mine.length > 0 && mine.every((c) => c.status === 'delivered'), JSON.stringify(mine));
      return mine;
    });
    assert.equal(delivered[0]!.kind, 'status_callback');
  } finally {
    await receiver.close();
  }
});

test('fixed credentials, and two emulators side by side', async () => {
  const sid = `AC${'ab'.repeat(16)}`;
  const second = await startEmulator({ accountSid: sid, authToken: 'fixed-token-123' });
  try {
    assert.equal(second.accountSid, sid);
    assert.notEqual(second.url, emulator.url);
    const other = twilio(sid, 'fixed-token-123');
    other.proxy.baseUrl = second.url;
    assert.deepEqual(await other.proxy.v1.services.list(), []);
  } finally {
    await second.stop();
  }
});
