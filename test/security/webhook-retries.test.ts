// Item 5 of the security review: carriers retry webhooks. A signed inbound message or call webhook
// that arrives again with the same MessageSid or CallSid must create no second interaction, send no
// second outbound leg, and get the first answer again. That much is a scenario every carrier
// passes (test/carriers/scenarios-webhooks.ts); here, with Twilio: the TwiML of an out-of-session
// callback is answered again without asking the customer twice, status webhooks that repeat a SID
// keep working, and copies racing on two nodes sharing one database route once.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { createDurableDatabase } from '../helpers/database.js';
import type { TestDatabase } from '../helpers/database.js';
import { startFakeTwilio } from '../helpers/fake-twilio.js';
import type { FakeTwilio } from '../helpers/fake-twilio.js';
import type { MaskedPair } from '../helpers/factories.js';
import { CallbackReceiver } from '../helpers/receiver.js';
import { ALICE, STRANGER, carrierHarness, carrierPair } from '../helpers/carrier-harness.js';
import { twilioAdapter } from '../helpers/twilio-adapter.js';
import { assertTwiml, inboundSms, twilioEnv, webhook } from '../helpers/twilio-webhooks.js';

const OUT_OF_SESSION_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Who is this?</Message></Response>';

describe('retried inbound Twilio webhooks', () => {
  // The out-of-session receiver is on loopback, which a real carrier refuses by default.
  const carrier = carrierHarness(twilioAdapter, { PARLEY_CALLBACK_ALLOW_PRIVATE: 'true' });
  let t: TestApp;
  let fake: FakeTwilio;
  let pair: MaskedPair;
  let receiver: CallbackReceiver;
  before(async () => {
    receiver = await CallbackReceiver.start();
  });
  after(() => receiver.close());
  beforeEach(() => {
    ({ t, fake, pair } = carrier);
    receiver.requests.length = 0;
  });

  const sendsAfterDrain = async () => {
    await t.app.parley.components.outbox.drain();
    return fake.messageRequests().length;
  };

  test('the out-of-session callback is asked once; a retry gets its TwiML again', async () => {
    assert.equal((await t.api.post(pair.service, { OutOfSessionCallbackUrl: receiver.url('/oos') })).status, 200);
    receiver.respondInTurn(
      { contentType: 'text/xml', body: OUT_OF_SESSION_TWIML },
      { contentType: 'text/xml', body: '<Response><Reject/></Response>' },
    );
    const params = inboundSms(STRANGER, pair.a.proxy, 'hello?');
    const first = await webhook(t, '/carriers/twilio/messages', params);
    const again = await webhook(t, '/carriers/twilio/messages', params);
    assert.equal(first.text, OUT_OF_SESSION_TWIML);
    assert.equal(again.text, OUT_OF_SESSION_TWIML);
    assert.equal(receiver.requests.length, 1, 'the customer was asked once');
  });

  test('status webhooks that repeat a SID keep updating the interaction', async () => {
    const params = inboundSms(ALICE, pair.a.proxy, 'status please');
    await webhook(t, '/carriers/twilio/messages', params);
    await sendsAfterDrain();
    const sent = fake.messageRequests()[0]!;
    for (const status of ['sent', 'delivered']) {
      const report = await webhook(t, '/carriers/twilio/status', {
        AccountSid: params.AccountSid!,
        MessageSid: sent.sid!,
        MessageStatus: status,
      });
      assert.equal(report.status, 204, report.text);
    }
    const row = await t.app.parley.database.db
      .selectFrom('interactions')
      .selectAll()
      .where('inbound_resource_sid', '=', params.MessageSid!)
      .executeTakeFirstOrThrow();
    assert.equal(row.outbound_resource_status, 'delivered');
  });
});

describe('retried inbound Twilio webhooks on two nodes sharing one database', () => {
  let fake: FakeTwilio;
  let shared: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  before(async () => {
    fake = await startFakeTwilio();
    // Two apps on one database (a file, for SQLite).
    shared = await createDurableDatabase();
    first = await startTestApp(twilioEnv(fake, { DATABASE_URL: shared.url }));
    second = await startTestApp(twilioEnv(fake, { DATABASE_URL: shared.url }));
  });
  after(async () => {
    await second.close();
    await first.close();
    await shared.drop();
    await fake.stop();
  });

  test('copies racing on two nodes record one interaction and send one message each', async () => {
    const pair = await carrierPair(first);
    const messages = Array.from({ length: 10 }, (_, i) => inboundSms(ALICE, pair.a.proxy, `race ${i}`));
    const answers = await Promise.all(
      messages.flatMap((params) => [
        webhook(first, '/carriers/twilio/messages', params),
        webhook(second, '/carriers/twilio/messages', params),
      ]),
    );
    for (const answer of answers) assertTwiml(answer);
    const { db } = first.app.parley.database;
    for (const params of messages) {
      const rows = await db.selectFrom('interactions').select('sid').where('inbound_resource_sid', '=', params.MessageSid!).execute();
      assert.equal(rows.length, 1, `one interaction for ${params.Body}`);
    }
    await Promise.all([first.app.parley.components.outbox.drain(), second.app.parley.components.outbox.drain()]);
    assert.equal(fake.messageRequests().length, messages.length, 'one send per message');
  });
});
