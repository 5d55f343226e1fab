// A Twilio-compatible carrier (Twilio, SignalWire), a pool number added by `Sid=PN…` alone, as
// Twilio's Proxy docs add one: Parley reads that IncomingPhoneNumber from the carrier account (a
// local fake of its API) and pools it under that same SID with its number, friendly name and
// capabilities. A SID the account lacks is 80301; the carrier failing to answer is 503/20503;
// nothing is written either way; a number already pooled is refused as any other; and the lookup
// holds no unit of work open. twilio-numbers.test.ts and signalwire-numbers.test.ts run them.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { addAccount } from '../helpers/accounts.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import type { SendFailure } from '../helpers/carrier-adapter.js';
import type { CompatibleCarrier } from '../helpers/compatible-adapter.js';
import { poolNumber, pooledService, servicePerTest } from '../helpers/factories.js';
import type { FakeTwilio, IncomingNumber } from '../helpers/fake-twilio.js';
import { expectError } from '../helpers/http-client.js';

export function numbersScenarios(carrier: CompatibleCarrier): void {
  describe(`${carrier.name} carrier: pool numbers added by Sid`, () => {
    const { accountSid, otherAccountSid } = carrier;
    let t: TestApp;
    let fake: FakeTwilio;
    before(async () => {
      fake = await carrier.startFake();
      t = await startTestApp(carrier.env(fake));
    });
    after(async () => {
      await t.close();
      await fake.stop();
    });
    beforeEach(() => fake.reset());
    const service = servicePerTest(() => t.api, []);
    const numbersOf = async (path = service.service) => (await t.api.get(`${path}/PhoneNumbers`)).body.phone_numbers as any[];
    const lookups = () => fake.requests.filter((request) => request.path.includes('/IncomingPhoneNumbers/'));
    /** Puts a number in an account of the fake's; answers the PN SID Parley is given for it, and the carrier's id. */
    const addNumber = (account: string, number: IncomingNumber) => {
      const id = fake.addIncomingNumber(account, number);
      return { id, sid: carrier.numberSid(id) };
    };

    test('a Sid alone adds the carrier account’s number: that SID, its number, friendly name and capabilities', async () => {
      const e164 = poolNumber();
      const { id, sid } = addNumber(accountSid, {
        phoneNumber: e164,
        friendlyName: 'Front desk',
        capabilities: { voice: true, sms: false, mms: true, fax: true },
      });
      const created = await t.api.post(`${service.service}/PhoneNumbers`, { Sid: sid });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.sid, sid, 'the Proxy PhoneNumber is the IncomingPhoneNumber’s SID');
      assert.equal(created.body.phone_number, e164);
      assert.equal(created.body.friendly_name, 'Front desk');
      assert.equal(created.body.iso_country, 'US');
      assert.deepEqual(created.body.capabilities, { fax: true, mms: true, sms: false, voice: true });
      assert.equal(created.body.is_reserved, false);
      assert.deepEqual((await t.api.get(`${service.service}/PhoneNumbers/${sid}`)).body, created.body);
      assert.deepEqual(await numbersOf(), [created.body]);

      const [lookup] = lookups();
      assert.equal(lookup!.method, 'GET');
      assert.equal(lookup!.path, `${fake.accountPath(accountSid)}/IncomingPhoneNumbers/${id}.json`);
      assert.deepEqual(lookup!.auth, { username: accountSid, password: carrier.apiToken });

      // IsReserved applies as ever, and Parley's own Capabilities, when sent, win over the carrier's.
      const { sid: other } = addNumber(accountSid, { phoneNumber: poolNumber() });
      const reserved = await t.api.post(`${service.service}/PhoneNumbers`, { Sid: other, IsReserved: 'true', Capabilities: 'sms' });
      assert.equal(reserved.status, 201, reserved.text);
      assert.equal(reserved.body.is_reserved, true);
      assert.deepEqual(reserved.body.capabilities, { fax: false, mms: false, sms: true, voice: false });
    });

    test('a Sid the carrier account does not have is 80301, and nothing is written', async () => {
      const { sid: elsewhere } = addNumber(otherAccountSid, { phoneNumber: poolNumber() });
      for (const sid of [`PN${'0'.repeat(32)}`, elsewhere]) {
        const message = expectError(await t.api.post(`${service.service}/PhoneNumbers`, { Sid: sid }), 400, 80301);
        assert.match(message, new RegExp(`not associated with the Account.*${sid}`));
      }
      assert.equal(lookups().length, 2, 'the carrier was asked each time');
      assert.deepEqual(await numbersOf(), []);
    });

    test('the carrier failing the lookup is 503/20503 saying so, and nothing is written', async () => {
      const { sid } = addNumber(accountSid, { phoneNumber: poolNumber() });
      const path = `${service.service}/PhoneNumbers`;
      const failures: Array<[SendFailure, RegExp]> = [
        ['server-error', /HTTP 500/],
        ['unavailable', /HTTP 503/],
        ['throttled', /HTTP 429/],
        ['dropped', /socket hang up|ECONNRESET|closed/i],
      ];
      for (const [failure, why] of failures) {
        fake.failSends(failure);
        const refused = await t.api.post(path, { Sid: sid });
        assert.match(expectError(refused, 503, 20503), why, failure);
        assert.match(refused.headers.get('retry-after') ?? '', /^[1-9]\d*$/, `${failure}: worth retrying`);
      }
      // Parley's own credentials refused: retrying will not mend it.
      fake.failNext(401, 1, { code: 20003, message: 'Authenticate', more_info: fake.dialect.moreInfo(20003), status: 401 });
      const unauthorized = await t.api.post(path, { Sid: sid });
      assert.match(expectError(unauthorized, 503, 20503), /HTTP 401/);
      assert.equal(unauthorized.headers.get('retry-after'), null);
      assert.deepEqual(await numbersOf(), []);

      // Once the carrier answers, the same request adds the number.
      assert.equal((await t.api.post(path, { Sid: sid })).status, 201);
    });

    test('a number already pooled is refused as any other: 80104 in this service, 80101 in another, 80601 in another account', async () => {
      const e164 = poolNumber();
      const { sid } = addNumber(accountSid, { phoneNumber: e164 });
      assert.equal((await t.api.post(`${service.service}/PhoneNumbers`, { Sid: sid })).status, 201);
      const other = await pooledService(t.api, []);
      try {
        // Its SID is known here: refused before the carrier is asked.
        const asked = lookups().length;
        expectError(await t.api.post(`${service.service}/PhoneNumbers`, { Sid: sid }), 400, 80104);
        assert.match(
          expectError(await t.api.post(`${other.service}/PhoneNumbers`, { Sid: sid }), 400, 80101),
          new RegExp(service.serviceSid),
        );
        assert.equal(lookups().length, asked);

        // The same line under a SID Parley made for it (added by PhoneNumber): refused once the carrier names the line.
        const line = poolNumber();
        assert.equal((await t.api.post(`${service.service}/PhoneNumbers`, { PhoneNumber: line })).status, 201);
        const { sid: carrierSid } = addNumber(accountSid, { phoneNumber: line });
        expectError(await t.api.post(`${other.service}/PhoneNumbers`, { Sid: carrierSid }), 400, 80101);
        assert.deepEqual(await numbersOf(other.service), []);

        // One carrier account behind every Parley account: a line is in one pool of the installation.
        const tenant = await addAccount(t);
        const theirs = await pooledService(tenant.api, []);
        expectError(await tenant.api.post(`${theirs.service}/PhoneNumbers`, { Sid: sid }), 400, 80601);
        assert.deepEqual((await tenant.api.get(`${theirs.service}/PhoneNumbers`)).body.phone_numbers, []);
      } finally {
        await t.api.delete(other.service);
      }
    });

    test('the lookup holds no unit of work open: other writes go on while the carrier is slow to answer', async () => {
      const { sid } = addNumber(accountSid, { phoneNumber: poolNumber(), friendlyName: 'Slow' });
      let release = () => {};
      fake.holdNumbers = new Promise<void>((resolve) => (release = resolve));
      const slow = t.api.post(`${service.service}/PhoneNumbers`, { Sid: sid });
      await fake.waitForRequests(1);
      try {
        // On SQLite one open transaction would stall these until the lookup ended.
        assert.equal((await t.api.post(`${service.service}/PhoneNumbers`, { PhoneNumber: poolNumber() })).status, 201);
        assert.equal((await t.api.post(`${service.service}/Sessions`, { UniqueName: 'meanwhile' })).status, 201);
      } finally {
        release();
      }
      const created = await slow;
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.friendly_name, 'Slow');
    });
  });
}
