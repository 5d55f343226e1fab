import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http-client.js';
import type { Form, Response } from '../helpers/http-client.js';

const UNKNOWN_PN = 'PN00000000000000000000000000000000';
const UNKNOWN_KS = 'KS00000000000000000000000000000000';
const TWILIO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

// A number can be in one service of an account at a time, and the tests of a describe block
// share one account: every test takes numbers no other test has used (+1 415 555 0200 on;
// +1 415 555 0100 is kept for the test that checks the formatting of exactly that number).
let nextLine = 200;
function freshNumber(): string {
  return `+1415555${String(nextLine++).padStart(4, '0')}`;
}

/** The path segment that fetches a number by itself: `+` must be percent-encoded. */
function byNumber(e164: string): string {
  return encodeURIComponent(e164);
}

interface PhoneNumber {
  sid: string;
  phone_number: string;
  in_use: number;
  is_reserved: boolean;
  date_updated: string;
}

interface PhoneNumberPage {
  phone_numbers: PhoneNumber[];
  meta: { key: string; page: number; page_size: number; next_page_url: string | null };
}

/** A service of its own (random unique name) and helpers bound to it. */
async function newService(t: TestApp) {
  const service = (await t.api.post('/v1/Services', { UniqueName: `svc-${Math.random()}` })).body as { sid: string };
  const numbers = `/v1/Services/${service.sid}/PhoneNumbers`;
  const sessions = `/v1/Services/${service.sid}/Sessions`;
  return {
    sid: service.sid,
    numbers,
    sessions,
    /** Adds a number (a fresh one unless PhoneNumber is given); asserts 201. */
    async add(form: Form = {}): Promise<PhoneNumber> {
      const response = await t.api.post(numbers, { PhoneNumber: freshNumber(), ...form });
      assert.equal(response.status, 201, response.text);
      return response.body as PhoneNumber;
    },
    async fetch(sidOrNumber: string): Promise<PhoneNumber> {
      const response = await t.api.get(`${numbers}/${sidOrNumber}`);
      assert.equal(response.status, 200, response.text);
      return response.body as PhoneNumber;
    },
    async list(): Promise<PhoneNumber[]> {
      return (await t.api.get(numbers, { PageSize: 1000 })).body.phone_numbers as PhoneNumber[];
    },
    async openSession(): Promise<string> {
      return (await t.api.post(sessions, {})).body.sid as string;
    },
    /** Adds a participant; asserts 201 and returns it. */
    async join(session: string, identifier: string, form: Form = {}): Promise<{ sid: string; proxy_identifier_sid: string }> {
      const response = await t.api.post(`${sessions}/${session}/Participants`, { Identifier: identifier, ...form });
      assert.equal(response.status, 201, response.text);
      return response.body as { sid: string; proxy_identifier_sid: string };
    },
  };
}

describe('PhoneNumbers', () => {
  let t: TestApp;
  let service: Awaited<ReturnType<typeof newService>>;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
  beforeEach(async () => {
    service = await newService(t);
  });

  test('create answers 201 with every field; fetch by SID and by the number return the same', async () => {
    const response = await t.api.post(service.numbers, { PhoneNumber: '+14155550100' });
    assert.equal(response.status, 201);
    const number = response.body;
    assert.match(number.sid, /^PN[0-9a-f]{32}$/);
    assert.equal(number.account_sid, TEST_ACCOUNT_SID);
    assert.equal(number.service_sid, service.sid);
    assert.equal(number.phone_number, '+14155550100');
    assert.equal(number.friendly_name, '(415) 555-0100');
    assert.equal(number.iso_country, 'US');
    assert.deepEqual(number.capabilities, { fax: false, mms: false, sms: true, voice: true });
    assert.equal(number.url, `${t.baseUrl}${service.numbers}/${number.sid}`);
    assert.equal(number.is_reserved, false);
    assert.equal(number.in_use, 0);
    assert.match(number.date_created, TWILIO_DATE);
    assert.equal(number.date_updated, number.date_created);

    assert.deepEqual((await t.api.get(`${service.numbers}/${number.sid}`)).body, number);
    assert.deepEqual((await t.api.get(`${service.numbers}/%2B14155550100`)).body, number);
    // A raw `+` in a path is a plus, not a space.
    assert.deepEqual((await t.api.get(`${service.numbers}/+14155550100`)).body, number);
    assert.deepEqual(await service.list(), [number]);
  });

  test('create keeps the given Sid, IsReserved and Capabilities; other countries are formatted nationally', async () => {
    const sid = 'PN0123456789abcdef0123456789abcdef';
    const { body: reserved } = await t.api.post(service.numbers, {
      PhoneNumber: '+442071838750',
      Sid: sid,
      IsReserved: 'true',
      Capabilities: ['sms', 'mms', 'fax'],
    });
    assert.equal(reserved.sid, sid);
    assert.equal(reserved.phone_number, '+442071838750');
    assert.equal(reserved.friendly_name, '020 7183 8750');
    assert.equal(reserved.iso_country, 'GB');
    assert.equal(reserved.is_reserved, true);
    assert.deepEqual(reserved.capabilities, { fax: true, mms: true, sms: true, voice: false });
    assert.equal(reserved.url, `${t.baseUrl}${service.numbers}/${sid}`);
    assert.deepEqual((await t.api.get(`${service.numbers}/${sid}`)).body, reserved);

    // One Capabilities value is a list of one; IsReserved=False (as twilio-python sends it) is false.
    const { body: voiceOnly } = await t.api.post(service.numbers, {
      PhoneNumber: freshNumber(),
      Capabilities: 'voice',
      IsReserved: 'False',
    });
    assert.deepEqual(voiceOnly.capabilities, { fax: false, mms: false, sms: false, voice: true });
    assert.equal(voiceOnly.is_reserved, false);

    // Separators are accepted and the number is stored in E.164.
    const { body: spaced } = await t.api.post(service.numbers, { PhoneNumber: '+1 212-555-0100' });
    assert.equal(spaced.phone_number, '+12125550100');
    assert.equal(spaced.friendly_name, '(212) 555-0100');
  });

  test('create refuses an invalid, missing or unknown number, and a rejected create writes nothing', async () => {
    const cases: Array<[Form, number, RegExp]> = [
      [{ PhoneNumber: '+1555555010' }, 80406, /Invalid Phone Number/],
      [{ PhoneNumber: '4155550100' }, 80406, /Invalid Phone Number/],
      [{ PhoneNumber: 'not a number' }, 80406, /Invalid Phone Number/],
      [{}, 20001, /PhoneNumber/],
      [{ PhoneNumber: '' }, 20001, /PhoneNumber/],
      [{ IsReserved: 'true' }, 20001, /PhoneNumber/],
      [{ Sid: UNKNOWN_PN }, 80301, /not associated with the Account/],
      [{ PhoneNumber: freshNumber(), Sid: 'PN123' }, 80701, /Sid/],
      [{ PhoneNumber: freshNumber(), IsReserved: 'maybe' }, 80701, /IsReserved/],
      [{ PhoneNumber: freshNumber(), Capabilities: 'carrier-pigeon' }, 80701, /Capabilities/],
      [{ PhoneNumber: freshNumber(), Capabilities: ['voice', 'telepathy'] }, 80701, /Capabilities/],
    ];
    for (const [form, code, message] of cases) {
      assert.match(expectError(await t.api.post(service.numbers, form), 400, code), message, JSON.stringify(form));
    }
    assert.deepEqual(await service.list(), []);
  });

  test('a number is in one service at a time: 80104 again in the same service, 80101 in another', async () => {
    const e164 = freshNumber();
    const number = await service.add({ PhoneNumber: e164 });
    const other = await newService(t);

    expectError(await t.api.post(service.numbers, { PhoneNumber: e164 }), 400, 80104);
    // The same number written with separators is the same number.
    expectError(await t.api.post(service.numbers, { PhoneNumber: `${e164.slice(0, 2)} ${e164.slice(2, 5)} ${e164.slice(5)}` }), 400, 80104);
    // Its SID alone, or its SID with another number, is taken too.
    expectError(await t.api.post(service.numbers, { Sid: number.sid }), 400, 80104);
    expectError(await t.api.post(service.numbers, { Sid: number.sid, PhoneNumber: freshNumber() }), 400, 80104);

    assert.match(expectError(await t.api.post(other.numbers, { PhoneNumber: e164 }), 400, 80101), /Another Service/);
    expectError(await t.api.post(other.numbers, { Sid: number.sid }), 400, 80101);
    expectError(await t.api.post(other.numbers, { Sid: number.sid, PhoneNumber: freshNumber() }), 400, 80101);

    assert.deepEqual(
      (await service.list()).map((n) => n.sid),
      [number.sid],
    );
    assert.deepEqual(await other.list(), []);

    // Once deleted from its service, another service may add it.
    assert.equal((await t.api.delete(`${service.numbers}/${number.sid}`)).status, 204);
    assert.equal((await other.add({ PhoneNumber: e164 })).phone_number, e164);
  });

  test('list pages through every number exactly once, following next_page_url', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await service.add()).sid);
    const seen: string[] = [];
    let url: string | null = `${t.baseUrl}${service.numbers}?PageSize=2`;
    let pages = 0;
    while (url !== null) {
      const page: Response<PhoneNumberPage> = await t.api.get(url.slice(t.baseUrl.length));
      assert.equal(page.status, 200);
      assert.equal(page.body.meta.key, 'phone_numbers');
      assert.equal(page.body.meta.page_size, 2);
      assert.equal(page.body.meta.page, pages);
      assert.ok(page.body.phone_numbers.length <= 2);
      seen.push(...page.body.phone_numbers.map((n) => n.sid));
      url = page.body.meta.next_page_url;
      pages++;
    }
    assert.equal(pages, 3);
    assert.deepEqual([...seen].sort(), [...created].sort());
    assert.deepEqual(
      seen,
      (await service.list()).map((n) => n.sid),
      'pages follow the order of the whole list',
    );

    const empty = await t.api.get((await newService(t)).numbers);
    assert.deepEqual(empty.body.phone_numbers, []);
    assert.equal(empty.body.meta.next_page_url, null);
    expectError(await t.api.get(`/v1/Services/${UNKNOWN_KS}/PhoneNumbers`), 404, 20404);
  });

  test('update sets and clears IsReserved and changes nothing else', async () => {
    const number = await service.add();
    const reserved = await t.api.post(`${service.numbers}/${number.sid}`, { IsReserved: 'true' });
    assert.equal(reserved.status, 200);
    assert.deepEqual({ ...reserved.body, is_reserved: false, date_updated: number.date_updated }, number);
    assert.equal(reserved.body.is_reserved, true);
    assert.deepEqual(await service.fetch(number.sid), reserved.body);

    const unchanged = await t.api.post(`${service.numbers}/${number.sid}`, {});
    assert.equal(unchanged.status, 200);
    assert.equal(unchanged.body.is_reserved, true);

    const released = await t.api.post(`${service.numbers}/${number.sid}`, { IsReserved: 'false' });
    assert.equal(released.body.is_reserved, false);
    assert.equal((await service.fetch(number.sid)).is_reserved, false);

    expectError(await t.api.post(`${service.numbers}/${number.sid}`, { IsReserved: 'yes' }), 400, 80701);
  });

  test('in_use counts the active participants holding the number: 1 → 0 as a participant is added then removed', async () => {
    const number = await service.add();
    const session = await service.openSession();
    const alice = await service.join(session, '+14152220101');
    assert.equal(alice.proxy_identifier_sid, number.sid);
    assert.equal((await service.fetch(number.sid)).in_use, 1);
    assert.equal((await service.fetch(byNumber(number.phone_number))).in_use, 1);

    assert.equal((await t.api.delete(`${service.sessions}/${session}/Participants/${alice.sid}`)).status, 204);
    assert.equal((await service.fetch(number.sid)).in_use, 0);

    // Both participants of a session may hold the only number; closing the session frees both.
    const second = await service.openSession();
    await service.join(second, '+14152220101');
    await service.join(second, '+14152220102');
    assert.equal((await service.fetch(number.sid)).in_use, 2);
    assert.equal((await t.api.post(`${service.sessions}/${second}`, { Status: 'closed' })).status, 200);
    assert.equal((await service.fetch(number.sid)).in_use, 0);
    assert.equal((await service.list())[0]!.in_use, 0);
  });

  test('delete answers 80611 while an active session holds the number, 204 once it is released', async () => {
    const number = await service.add();
    const session = await service.openSession();
    const participant = await service.join(session, '+14152220101');

    const message = expectError(await t.api.delete(`${service.numbers}/${number.sid}`), 400, 80611);
    assert.match(message, new RegExp(number.sid));
    assert.equal((await service.fetch(number.sid)).in_use, 1, 'a refused delete leaves the number as it was');

    await t.api.delete(`${service.sessions}/${session}/Participants/${participant.sid}`);
    const deleted = await t.api.delete(`${service.numbers}/${number.sid}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    expectError(await t.api.get(`${service.numbers}/${number.sid}`), 404, 20404);
    expectError(await t.api.delete(`${service.numbers}/${number.sid}`), 404, 20404);
    assert.deepEqual(await service.list(), []);
  });

  test('a number held by a closed or deleted session can be deleted', async () => {
    const number = await service.add();
    const closed = await service.openSession();
    await service.join(closed, '+14152220101');
    expectError(await t.api.delete(`${service.numbers}/${number.sid}`), 400, 80611);
    await t.api.post(`${service.sessions}/${closed}`, { Status: 'closed' });
    assert.equal((await t.api.delete(`${service.numbers}/${number.sid}`)).status, 204);

    const another = await service.add();
    const deleted = await service.openSession();
    await service.join(deleted, '+14152220101');
    assert.equal((await t.api.delete(`${service.sessions}/${deleted}`)).status, 204);
    assert.equal((await service.fetch(another.sid)).in_use, 0);
    assert.equal((await t.api.delete(`${service.numbers}/${another.sid}`)).status, 204);
  });

  test('re-opening a closed session whose proxy number was deleted is refused with a 400, not a 500', async () => {
    const number = await service.add();
    const session = await service.openSession();
    await service.join(session, '+14152220101');
    await t.api.post(`${service.sessions}/${session}`, { Status: 'closed' });
    assert.equal((await t.api.delete(`${service.numbers}/${number.sid}`)).status, 204);

    const reopened = await t.api.post(`${service.sessions}/${session}`, { Status: 'in-progress' });
    assert.equal(reopened.status, 400, `expected a Twilio 400 error: ${reopened.text}`);
    assert.equal((await t.api.get(`${service.sessions}/${session}`)).body.status, 'closed');
  });

  test('unknown SIDs and numbers, and numbers of another service, are 404', async () => {
    const number = await service.add();
    const other = await newService(t);
    const paths = [
      `${service.numbers}/${UNKNOWN_PN}`,
      `${service.numbers}/${byNumber(freshNumber())}`,
      `${service.numbers}/not-a-sid`,
      `${other.numbers}/${number.sid}`,
      `${other.numbers}/${byNumber(number.phone_number)}`,
      `/v1/Services/${UNKNOWN_KS}/PhoneNumbers/${number.sid}`,
    ];
    for (const path of paths) {
      expectError(await t.api.get(path), 404, 20404);
      expectError(await t.api.post(path, { IsReserved: 'true' }), 404, 20404);
      expectError(await t.api.delete(path), 404, 20404);
    }
    expectError(await t.api.post(`/v1/Services/${UNKNOWN_KS}/PhoneNumbers`, { PhoneNumber: freshNumber() }), 404, 20404);
    // None of that touched the number.
    assert.deepEqual(await service.fetch(number.sid), number);
  });
});

describe('PhoneNumber pool caps', () => {
  test('PARLEY_POOL_MAX_UNRESERVED caps the unreserved numbers of each service, and only those', async () => {
    const t = await startTestApp({ PARLEY_POOL_MAX_UNRESERVED: '2' });
    try {
      const service = await newService(t);
      const first = await service.add();
      await service.add();
      const message = expectError(await t.api.post(service.numbers, { PhoneNumber: freshNumber() }), 400, 80622);
      assert.match(message, /at most 2 unreserved/);
      expectError(await t.api.post(service.numbers, { PhoneNumber: freshNumber(), IsReserved: 'false' }), 400, 80622);
      assert.equal((await service.list()).length, 2, 'a refused number is not written');

      // Reserved numbers are not counted, and each service has its own cap.
      await service.add({ IsReserved: 'true' });
      const other = await newService(t);
      await other.add();
      await other.add();

      // Deleting a number makes room again.
      await t.api.delete(`${service.numbers}/${first.sid}`);
      await service.add();
      expectError(await t.api.post(service.numbers, { PhoneNumber: freshNumber() }), 400, 80622);
    } finally {
      await t.close();
    }
  });

  test('PARLEY_POOL_MAX_RESERVED caps the reserved numbers of each service, and only those', async () => {
    const t = await startTestApp({ PARLEY_POOL_MAX_RESERVED: '1' });
    try {
      const service = await newService(t);
      await service.add({ IsReserved: 'true' });
      const message = expectError(await t.api.post(service.numbers, { PhoneNumber: freshNumber(), IsReserved: 'true' }), 400, 80622);
      assert.match(message, /at most 1 reserved/);
      for (let i = 0; i < 3; i++) await service.add();
      const reserved = (await service.list()).filter((n) => n.is_reserved);
      assert.equal(reserved.length, 1, 'a refused number is not written');
      await (await newService(t)).add({ IsReserved: 'true' });
    } finally {
      await t.close();
    }
  });

  test('IsReserved updates cannot take a pool past its cap either', async () => {
    const t = await startTestApp({ PARLEY_POOL_MAX_RESERVED: '1', PARLEY_POOL_MAX_UNRESERVED: '1' });
    try {
      const service = await newService(t);
      const reserved = await service.add({ IsReserved: 'true' });
      const unreserved = await service.add();
      expectError(await t.api.post(`${service.numbers}/${unreserved.sid}`, { IsReserved: 'true' }), 400, 80622);
      expectError(await t.api.post(`${service.numbers}/${reserved.sid}`, { IsReserved: 'false' }), 400, 80622);
      const pool = await service.list();
      assert.equal(pool.filter((n) => n.is_reserved).length, 1);
      assert.equal(pool.filter((n) => !n.is_reserved).length, 1);
    } finally {
      await t.close();
    }
  });
});
