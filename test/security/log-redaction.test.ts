// Item 9 of the security review, logs: phone numbers, message bodies, tokens and URL credentials
// never appear in the log, at any level, including request paths that hold a number. A scenario
// that makes Parley log at every level it can (failed callbacks with credentials in their URLs,
// an out-of-session answer it cannot use, a carrier refusing a message and quoting the number)
// runs with PARLEY_LOG_LEVEL=trace, and the whole log is searched.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redactText, redactValue, REDACTED } from '../../src/logging/redaction.js';
import { startTestApp, TEST_AUTH_TOKEN } from '../helpers/app.js';
import { maskedPair, pooledService, text } from '../helpers/factories.js';
import { startFakeTwilio } from '../helpers/fake-twilio.js';
import { logCollector } from '../helpers/log-collector.js';
import { CallbackReceiver } from '../helpers/receiver.js';
import { ALICE, BOB, carrierPair } from '../helpers/carrier-harness.js';
import { inboundSms, twilioEnv, webhook } from '../helpers/twilio-webhooks.js';

const PASSWORD = 'pa55-w0rd-in-a-url';
const SECRETS = { alice: '+12125550161', bob: '+12125550162', pool: '+14155550161', stranger: '+12125550169' };
const BODIES = ['meet me at the back door', 'the code is 4417', 'who is this'];

/** Every secret the scenario used, in each form it might take in a log line. */
function assertNothingLeaked(log: string, secrets: string[]): void {
  for (const secret of secrets) {
    const forms = [secret, encodeURIComponent(secret), secret.replace(/^\+/, '')];
    for (const form of forms)
      assert.ok(
        !log.includes(form),
        `the log holds "${form}":\n${log
          .split('\n')
          .filter((l) => l.includes(form))
          .join('\n')}`,
      );
  }
}

describe('log redaction', () => {
  test('redactText scrubs numbers, URL credentials, number paths and sensitive query parameters', () => {
    assert.equal(redactText('To +14155550100 and %2B12125550101.'), `To ${REDACTED} and ${REDACTED}.`);
    assert.equal(redactText('POST https://bob:hunter2@hooks.example.com/cb failed'), 'POST https://***@hooks.example.com/cb failed');
    assert.equal(redactText('/v1/Services/KSx/PhoneNumbers/4155550100'), `/v1/Services/KSx/PhoneNumbers/${REDACTED}`);
    assert.equal(redactText(`/v1/Services/KSx/PhoneNumbers/PN${'a'.repeat(32)}`), `/v1/Services/KSx/PhoneNumbers/PN${'a'.repeat(32)}`);
    assert.equal(redactText('/simulator/v1/Messages?To=12125550101&PageSize=5'), `/simulator/v1/Messages?To=${REDACTED}&PageSize=5`);
    assert.equal(
      redactText('at 1796159151353 ms, KS0123456789abcdef0123456789abcdef'),
      'at 1796159151353 ms, KS0123456789abcdef0123456789abcdef',
      'timestamps and SIDs stay',
    );
  });

  test('redactValue scrubs nested objects and errors, and hides sensitive keys whole', () => {
    const err = Object.assign(new Error('80404 +14155550100 is not reachable'), { code: 'X' });
    const scrubbed = redactValue({ err, nested: { Body: 'hi', list: ['+14155550101'], authorization: 'Basic abc' } }) as Record<
      string,
      any
    >;
    assert.equal(scrubbed.err.message, `80404 ${REDACTED} is not reachable`);
    assert.ok(!String(scrubbed.err.stack).includes('+1415'));
    assert.equal(scrubbed.err.code, 'X');
    assert.deepEqual(scrubbed.nested, { Body: REDACTED, list: [REDACTED], authorization: REDACTED });
  });

  test('a simulator scenario logged at trace holds no number, body, token or URL password', async () => {
    const log = logCollector();
    const receiver = await CallbackReceiver.start();
    // The callbacks here fail at once (an error status, a refused port) or answer at once: the
    // timeout is one no busy machine reaches, so each fails the way the scenario means it to.
    const t = await startTestApp({ PARLEY_LOG_LEVEL: 'trace', PARLEY_INTERCEPT_TIMEOUT_MS: '60000' }, { logStream: log.stream });
    try {
      // Callbacks that fail (a 500, a refused port), each URL carrying credentials.
      receiver.respond({ status: 500, body: `no thanks ${SECRETS.bob}` });
      const withPassword = (path: string) => receiver.url(path).replace('http://', `http://hook:${PASSWORD}@`);
      const pool = await pooledService(t.api, [SECRETS.pool], { CallbackUrl: withPassword('/callback') });
      assert.equal(
        (await t.api.post(pool.service, { InterceptCallbackUrl: 'http://hook:' + PASSWORD + '@127.0.0.1:1/intercept' })).status,
        200,
      );
      const pair = await maskedPair(t.api, { in: pool, a: SECRETS.alice, b: SECRETS.bob });
      await text(t.api, SECRETS.alice, pair.a.proxy, BODIES[0]!);
      await text(t.api, SECRETS.bob, pair.b.proxy, BODIES[1]!);
      // An out-of-session answer it cannot use: JSON that does not parse, quoting the body.
      receiver.respond({
        status: 200,
        contentType: 'application/json',
        body: `{"participantIdentifier": "${SECRETS.stranger}", ${BODIES[2]}`,
      });
      assert.equal((await t.api.post(pool.service, { OutOfSessionCallbackUrl: withPassword('/oos') })).status, 200);
      await text(t.api, SECRETS.stranger, SECRETS.pool, BODIES[2]!);
      // Paths that hold a number.
      await t.api.get(`${pool.service}/PhoneNumbers/${encodeURIComponent(SECRETS.pool)}`);
      await t.api.get('/simulator/v1/Messages', { To: SECRETS.bob });
      await t.app.parley.components.outbox.drain();
    } finally {
      await t.close();
      await receiver.close();
    }
    assert.match(log.text(), /"level":(10|20|30|40)/, 'the scenario did log');
    assertNothingLeaked(log.text(), [...Object.values(SECRETS), ...BODIES, PASSWORD, TEST_AUTH_TOKEN]);
  });

  test('a carrier refusing a message and quoting the number leaves no number in the log', async () => {
    const log = logCollector();
    const fake = await startFakeTwilio();
    const t = await startTestApp(twilioEnv(fake, { PARLEY_LOG_LEVEL: 'trace' }), { logStream: log.stream });
    try {
      const pair = await carrierPair(t);
      fake.failNext(400, 1, { code: 21211, message: `The 'To' number ${BOB} is not a valid phone number.`, status: 400 });
      await webhook(t, '/carriers/twilio/messages', inboundSms(ALICE, pair.a.proxy, BODIES[0]!));
      await t.app.parley.components.outbox.drain();
      assert.equal(fake.requests.length, 1);
    } finally {
      await t.close();
      await fake.stop();
    }
    assert.match(log.text(), /given up/, 'the refusal was logged');
    assertNothingLeaked(log.text(), [ALICE, BOB, BODIES[0]!]);
  });
});
