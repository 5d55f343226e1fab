// Fictional numbers (+1 555 …, or 555-01xx in a real area code): the simulator takes any possible
// number as a participant and as a pool number; PARLEY_NUMBER_CHECK=valid, and a real carrier by
// default, take only valid ones.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { fetchOk, maskedPair, pooledService, receivedIn, text } from '../helpers/factories.js';
import { expectError } from '../helpers/http-client.js';

const FICTIONAL = '+15555550100';
const FICTIONAL_2 = '+15555550101';
const POOL = ['+15551230001', '+15551230002'];

const twilioEnv = {
  PARLEY_CARRIER: 'twilio',
  PARLEY_TWILIO_ACCOUNT_SID: `AC${'f'.repeat(32)}`,
  PARLEY_TWILIO_AUTH_TOKEN: 'twilio-token',
  PARLEY_PUBLIC_URL: 'https://parley.example.com',
};

describe('fictional numbers with the simulator', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('+1 555 pool numbers are accepted, with iso_country US and their area code', async () => {
    const { service } = await pooledService(t.api, POOL);
    const { body } = await t.api.get(`${service}/PhoneNumbers`);
    const numbers = body.phone_numbers as Array<Record<string, unknown>>;
    assert.deepEqual(numbers.map((n) => n.phone_number).sort(), POOL);
    for (const number of numbers) {
      assert.equal(number.iso_country, 'US');
      assert.equal(number.friendly_name, `(555) 123-000${String(number.phone_number).slice(-1)}`);
    }
    assert.equal((await fetchOk(t.api, `${service}/PhoneNumbers/${encodeURIComponent(POOL[0]!)}`)).phone_number, POOL[0]);
    await t.api.delete(service);
  });

  test('a +1 555 participant gets a proxy number and a masked conversation works both ways', async () => {
    const pair = await maskedPair(t.api, { pool: POOL, a: FICTIONAL, b: '+12125550100' });
    assert.ok(POOL.includes(pair.a.proxy), pair.a.proxy);
    await text(t.api, FICTIONAL, pair.a.proxy, 'hello from 555');
    const atB = await receivedIn(t.api, pair, '+12125550100');
    assert.deepEqual(
      atB.map((m) => [m.from, m.body]),
      [[pair.b.proxy, 'hello from 555']],
    );
    await text(t.api, '+12125550100', pair.b.proxy, 'hi back');
    const atA = await receivedIn(t.api, pair, FICTIONAL);
    assert.deepEqual(
      atA.map((m) => [m.from, m.body]),
      [[pair.a.proxy, 'hi back']],
    );
    await t.api.delete(pair.service);
  });

  test('Participant create takes a fictional identifier, normalised to E.164', async () => {
    const { service } = await pooledService(t.api, POOL);
    const session = (await t.api.post(`${service}/Sessions`, {})).body.sid as string;
    const created = await t.api.post(`${service}/Sessions/${session}/Participants`, { Identifier: '+1 (555) 555-0101' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.identifier, FICTIONAL_2);
    assert.ok(POOL.includes(created.body.proxy_identifier));
    await t.api.delete(service);
  });

  test('an impossible number is still refused', async () => {
    const { service } = await pooledService(t.api, []);
    expectError(await t.api.post(`${service}/PhoneNumbers`, { PhoneNumber: '+1555123000' }), 400, 80406);
    expectError(await t.api.post(`${service}/Sessions`, { Participants: JSON.stringify({ Identifier: '+1555555' }) }), 400, 80404);
    await t.api.delete(service);
  });
});

for (const [name, env] of [
  ['PARLEY_NUMBER_CHECK=valid with the simulator', { PARLEY_NUMBER_CHECK: 'valid' }],
  ['a real carrier (Twilio)', twilioEnv],
] as const) {
  describe(`only valid numbers with ${name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(env);
    });
    after(() => t.close());

    test('+1 555 numbers are refused as pool numbers and as participants', async () => {
      const { service } = await pooledService(t.api, ['+14155550100']);
      for (const number of POOL) {
        assert.match(expectError(await t.api.post(`${service}/PhoneNumbers`, { PhoneNumber: number }), 400, 80406), /Invalid Phone Number/);
      }
      assert.match(
        expectError(await t.api.post(`${service}/Sessions`, { Participants: JSON.stringify({ Identifier: FICTIONAL }) }), 400, 80404),
        /^Participants\[0\]: .*valid, reachable phone number/,
      );
      const session = (await t.api.post(`${service}/Sessions`, {})).body.sid as string;
      expectError(await t.api.post(`${service}/Sessions/${session}/Participants`, { Identifier: FICTIONAL }), 400, 80404);
      const valid = await t.api.post(`${service}/Sessions/${session}/Participants`, { Identifier: '+12125550100' });
      assert.equal(valid.status, 201, valid.text);
    });
  });
}
