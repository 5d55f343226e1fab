import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http-client.js';
import type { Form, Response } from '../helpers/http-client.js';

// Participants (identifiers). Each test has a service of its own, so they may be reused freely.
const SF = '+14152220101'; // US, area code 415
const SF_2 = '+14152220102';
const SF_3 = '+14152220103';
const SF_4 = '+14152220104';
const NYC = '+12122220101'; // US, area code 212
const BROOKLYN = '+16462220101'; // US, area code 646
const LONDON = '+442079460123'; // GB
const PARIS = '+33612345678'; // FR
const OTTAWA = '+16135550123'; // CA: +1 like the US, but another country
const JERSEY = '+447797712345'; // JE: +44 like GB, and served by GB numbers

// Pool numbers are unique across the account's services and the tests share one account, so
// every test takes numbers no other test has used: +1 <area> 555 0100, 0101, … or +44 20 7183 0100, …
type Region = '415' | '212' | '646' | 'GB';
const nextLine = new Map<Region, number>();
function poolNumber(region: Region): string {
  const line = nextLine.get(region) ?? 100;
  nextLine.set(region, line + 1);
  const digits = String(line).padStart(4, '0');
  return region === 'GB' ? `+44207183${digits}` : `+1${region}555${digits}`;
}

interface PoolNumber {
  sid: string;
  phone_number: string;
}

interface Participant {
  sid: string;
  proxy_identifier: string;
  proxy_identifier_sid: string;
}

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** A service of its own (random unique name) with helpers to fill its pool and add participants. */
async function newService(settings: { GeoMatchLevel?: string; NumberSelectionBehavior?: string } = {}) {
  const created = await t.api.post('/v1/Services', { UniqueName: `selection-${Math.random()}`, ...settings });
  assert.equal(created.status, 201, created.text);
  const base = `/v1/Services/${created.body.sid as string}`;
  const service = {
    /** Adds a fresh number of the region to the pool (IsReserved, Capabilities as given). */
    async add(region: Region, form: Form = {}): Promise<PoolNumber> {
      const response = await t.api.post(`${base}/PhoneNumbers`, { PhoneNumber: poolNumber(region), ...form });
      assert.equal(response.status, 201, response.text);
      return response.body as PoolNumber;
    },
    async setReserved(number: PoolNumber, reserved: boolean): Promise<void> {
      const response = await t.api.post(`${base}/PhoneNumbers/${number.sid}`, { IsReserved: String(reserved) });
      assert.equal(response.status, 200, response.text);
    },
    async inUse(number: PoolNumber): Promise<number> {
      return (await t.api.get(`${base}/PhoneNumbers/${number.sid}`)).body.in_use as number;
    },
    async openSession(mode?: string): Promise<string> {
      const response = await t.api.post(`${base}/Sessions`, { Mode: mode });
      assert.equal(response.status, 201, response.text);
      return response.body.sid as string;
    },
    async closeSession(session: string): Promise<void> {
      assert.equal((await t.api.post(`${base}/Sessions/${session}`, { Status: 'closed' })).status, 200);
    },
    /** The raw answer to adding `identifier` to `session`. */
    tryJoin(session: string, identifier: string, form: Form = {}): Promise<Response> {
      return t.api.post(`${base}/Sessions/${session}/Participants`, { Identifier: identifier, ...form });
    },
    async join(session: string, identifier: string, form: Form = {}): Promise<Participant> {
      const response = await service.tryJoin(session, identifier, form);
      assert.equal(response.status, 201, response.text);
      return response.body as Participant;
    },
    /** Adds `identifier` to a new session of `mode`; answers the error or the proxy number chosen. */
    async tryProxyFor(identifier: string, mode?: string): Promise<Response> {
      return service.tryJoin(await service.openSession(mode), identifier);
    },
    /** The proxy number `identifier` gets in a new session (asserts 201). */
    async proxyFor(identifier: string, mode?: string): Promise<string> {
      const response = await service.tryProxyFor(identifier, mode);
      assert.equal(response.status, 201, response.text);
      return response.body.proxy_identifier as string;
    },
    async removeParticipant(session: string, participant: Participant): Promise<void> {
      assert.equal((await t.api.delete(`${base}/Sessions/${session}/Participants/${participant.sid}`)).status, 204);
    },
    /** Makes `number` busier: a new session in which `identifier` is pinned to it. */
    async occupy(number: PoolNumber, identifier: string): Promise<string> {
      const session = await service.openSession();
      await service.join(session, identifier, { ProxyIdentifier: number.phone_number });
      return session;
    },
  };
  return service;
}

describe('Number selection by geography', () => {
  test('country: a GB identifier gets the GB number, a US identifier the US number', async () => {
    const service = await newService();
    const us = await service.add('415');
    const gb = await service.add('GB');
    // The US number is the busier one; country comes first all the same.
    await service.occupy(us, SF_2);
    await service.occupy(us, SF_3);
    assert.equal(await service.proxyFor(LONDON), gb.phone_number);
    assert.equal(await service.proxyFor(SF), us.phone_number);
    assert.equal(await service.proxyFor(NYC), us.phone_number);
    assert.equal(await service.inUse(us), 4);
    assert.equal(await service.inUse(gb), 1);
  });

  test('country: no number in the identifier country is 80203, even for a +1 country other than the US', async () => {
    const service = await newService();
    await service.add('415');
    await service.add('GB');
    const message = expectError(await service.tryProxyFor(PARIS), 400, 80203);
    assert.match(message, /country code FR/);
    expectError(await service.tryProxyFor(OTTAWA), 400, 80203);
  });

  test('country: a place sharing its calling code with a larger country (Jersey) is served by that country numbers', async () => {
    const service = await newService();
    await service.add('415');
    const gb = await service.add('GB');
    assert.equal(await service.proxyFor(JERSEY), gb.phone_number);
  });

  test('country (the default): the area code plays no part, the least used number wins', async () => {
    const service = await newService();
    const sf = await service.add('415');
    const nyc = await service.add('212');
    await service.occupy(sf, SF_2);
    assert.equal(await service.proxyFor(SF), nyc.phone_number);
  });

  test('area-code: only numbers with the identifier area code, even when busier', async () => {
    const service = await newService({ GeoMatchLevel: 'area-code' });
    const sf = await service.add('415');
    await service.add('212');
    await service.occupy(sf, SF_2);
    assert.equal(await service.proxyFor(SF), sf.phone_number);
    assert.equal(await service.inUse(sf), 2);
  });

  test('area-code: no number with the identifier area code is 80206', async () => {
    const service = await newService({ GeoMatchLevel: 'area-code' });
    await service.add('415');
    await service.add('212');
    const message = expectError(await service.tryProxyFor(BROOKLYN), 400, 80206);
    assert.match(message, /\+16462220101/);
    // Numbers outside North America have no area code: the country is enough.
    const gb = await service.add('GB');
    assert.equal(await service.proxyFor(LONDON), gb.phone_number);
  });

  for (const level of ['overlay', 'radius']) {
    test(`${level}: prefers the area code, then falls back to the country`, async () => {
      const service = await newService({ GeoMatchLevel: level });
      const sf = await service.add('415');
      const nyc = await service.add('212');
      await service.occupy(sf, SF_2);
      assert.equal(await service.proxyFor(SF), sf.phone_number, 'the local number, though busier');
      assert.equal(await service.proxyFor(BROOKLYN), nyc.phone_number, 'no 646 number: the least used in the country');
      expectError(await service.tryProxyFor(PARIS), 400, 80203);
    });
  }
});

describe('Number selection by capability', () => {
  test('a session that carries voice needs a voice-capable number: 80201', async () => {
    const service = await newService();
    await service.add('415', { Capabilities: ['sms', 'mms'] });
    expectError(await service.tryProxyFor(SF, 'voice-only'), 400, 80201);
    expectError(await service.tryProxyFor(SF, 'voice-and-message'), 400, 80201);
  });

  test('a session that carries messages needs an sms-capable number: 80202', async () => {
    const service = await newService();
    await service.add('415', { Capabilities: ['voice', 'fax'] });
    expectError(await service.tryProxyFor(SF, 'message-only'), 400, 80202);
    expectError(await service.tryProxyFor(SF, 'voice-and-message'), 400, 80202);
  });

  test('each mode gets a number that can carry it: message-only may use an sms-only number', async () => {
    const service = await newService();
    const smsOnly = await service.add('415', { Capabilities: 'sms' });
    const voiceOnly = await service.add('415', { Capabilities: 'voice' });
    const both = await service.add('415');
    // With the voice-and-sms number busier, each single-mode session takes its idle single-capability
    // number, while a voice-and-message session can only have the number that carries both.
    await service.occupy(both, SF_2);
    assert.equal(await service.proxyFor(SF, 'message-only'), smsOnly.phone_number);
    assert.equal(await service.proxyFor(SF, 'voice-only'), voiceOnly.phone_number);
    assert.equal(await service.proxyFor(SF_3, 'voice-and-message'), both.phone_number);
    assert.equal(await service.inUse(both), 2);
  });

  test('a voice-and-message session whose numbers carry only voice or only sms is 80201/80202 (none carries both)', async () => {
    const service = await newService();
    await service.add('415', { Capabilities: 'sms' });
    await service.add('415', { Capabilities: 'voice' });
    const response = await service.tryProxyFor(SF, 'voice-and-message');
    assert.equal(response.status, 400, response.text);
    assert.ok([80201, 80202].includes(response.body.code as number), `expected 80201 or 80202: ${response.text}`);
  });
});

describe('Number selection and reserved numbers', () => {
  test('reserved numbers are never picked automatically', async () => {
    const service = await newService();
    const reserved = await service.add('415', { IsReserved: 'true' });
    const open = await service.add('415');
    for (const identifier of [SF, SF_2, SF_3]) assert.equal(await service.proxyFor(identifier), open.phone_number);
    assert.equal(await service.inUse(reserved), 0);
    assert.equal(await service.inUse(open), 3);
  });

  test('when only reserved numbers match, 80207', async () => {
    const service = await newService();
    await service.add('415', { IsReserved: 'true' });
    await service.add('GB');
    expectError(await service.tryProxyFor(SF), 400, 80207);
  });

  test('a reserved number can be pinned with ProxyIdentifier or ProxyIdentifierSid', async () => {
    const service = await newService();
    const reserved = await service.add('415', { IsReserved: 'true' });
    await service.add('415');
    const session = await service.openSession();
    const byNumber = await service.join(session, SF, { ProxyIdentifier: reserved.phone_number });
    assert.equal(byNumber.proxy_identifier, reserved.phone_number);
    assert.equal(byNumber.proxy_identifier_sid, reserved.sid);
    const bySid = await service.join(session, NYC, { ProxyIdentifierSid: reserved.sid });
    assert.equal(bySid.proxy_identifier, reserved.phone_number);
    assert.equal(await service.inUse(reserved), 2);
  });

  test('a number un-reserved with IsReserved=false becomes a candidate again', async () => {
    const service = await newService();
    const number = await service.add('415', { IsReserved: 'true' });
    expectError(await service.tryProxyFor(SF), 400, 80207);
    await service.setReserved(number, false);
    assert.equal(await service.proxyFor(SF), number.phone_number);
  });
});

describe('Number selection when nothing is free', () => {
  test('an empty pool is 80205', async () => {
    const service = await newService();
    expectError(await service.tryProxyFor(SF), 400, 80205);
    expectError(await service.tryProxyFor(LONDON, 'message-only'), 400, 80205);
  });

  test('when the identifier already holds every matching number, 80208; a released number is free again', async () => {
    const service = await newService();
    const first = await service.add('415');
    const second = await service.add('415');
    const sessionA = await service.openSession();
    const a = await service.join(sessionA, SF);
    const b = await service.join(await service.openSession(), SF);
    assert.deepEqual([a.proxy_identifier_sid, b.proxy_identifier_sid].sort(), [first.sid, second.sid].sort());

    const message = expectError(await service.tryProxyFor(SF), 400, 80208);
    assert.match(message, /already in use in other Sessions/);
    // Another identifier holds neither, so it still gets one.
    assert.ok([first.phone_number, second.phone_number].includes(await service.proxyFor(NYC)));

    await service.closeSession(sessionA);
    assert.equal(await service.proxyFor(SF), a.proxy_identifier);
  });
});

describe('Sticky number selection', () => {
  for (const behavior of [undefined, 'prefer-sticky']) {
    test(`${behavior ?? 'the default (prefer-sticky)'}: an identifier gets its previous number back, even when another is less used`, async () => {
      const service = await newService(behavior === undefined ? {} : { NumberSelectionBehavior: behavior });
      const numbers = [await service.add('415'), await service.add('415')];
      const firstSession = await service.openSession();
      const previous = (await service.join(firstSession, SF)).proxy_identifier;
      await service.closeSession(firstSession);
      const [sticky, other] = numbers[0]!.phone_number === previous ? [numbers[0]!, numbers[1]!] : [numbers[1]!, numbers[0]!];

      await service.occupy(sticky, SF_2);
      assert.equal(await service.inUse(sticky), 1);
      assert.equal(await service.inUse(other), 0);
      assert.equal(await service.proxyFor(SF), previous);
      // A newcomer has no history: it gets the least used number.
      assert.equal(await service.proxyFor(SF_3), other.phone_number);
    });
  }

  test('prefer-sticky: the most recent number is the one given back', async () => {
    const service = await newService({ NumberSelectionBehavior: 'prefer-sticky' });
    const first = await service.add('415');
    const second = await service.add('415');
    // SF has had `first`, then `second` (pinned); both sessions are closed again.
    const one = await service.openSession();
    await service.join(one, SF, { ProxyIdentifier: first.phone_number });
    await service.closeSession(one);
    await sleep(5);
    const two = await service.openSession();
    await service.join(two, SF, { ProxyIdentifier: second.phone_number });
    await service.closeSession(two);
    await service.occupy(second, SF_2);
    assert.equal(await service.proxyFor(SF), second.phone_number);
  });

  test('avoid-sticky: an identifier gets a number it never had, even when that one is busier', async () => {
    const service = await newService({ NumberSelectionBehavior: 'avoid-sticky' });
    const numbers = [await service.add('415'), await service.add('415')];
    const firstSession = await service.openSession();
    const previous = (await service.join(firstSession, SF)).proxy_identifier;
    await service.closeSession(firstSession);
    const [had, never] = numbers[0]!.phone_number === previous ? [numbers[0]!, numbers[1]!] : [numbers[1]!, numbers[0]!];

    await service.occupy(never, SF_2);
    assert.equal(await service.inUse(had), 0);
    assert.equal(await service.inUse(never), 1);
    const secondSession = await service.openSession();
    assert.equal((await service.join(secondSession, SF)).proxy_identifier, never.phone_number);

    // Once it has had every number, the least used one it does not hold.
    await service.closeSession(secondSession);
    assert.equal(await service.proxyFor(SF), had.phone_number);
  });
});

describe('Number selection ties', () => {
  test('different identifiers are spread over the least used numbers, then the least recently assigned', async () => {
    const service = await newService();
    const pool = [await service.add('415'), await service.add('415'), await service.add('415')];
    const given: string[] = [];
    for (const identifier of [SF, SF_2, SF_3]) {
      given.push(await service.proxyFor(identifier));
      // Assignments in distinct milliseconds, so "least recently assigned" is well defined.
      await sleep(5);
    }
    assert.deepEqual([...given].sort(), pool.map((n) => n.phone_number).sort(), 'one identifier per number');
    for (const number of pool) assert.equal(await service.inUse(number), 1);

    // All equally used now: the fourth goes to the number assigned longest ago.
    assert.equal(await service.proxyFor(SF_4), given[0]);
    await sleep(5);
    assert.equal(await service.proxyFor(NYC), given[1]);
  });

  test('a released number is the least used again and goes to the next identifier', async () => {
    const service = await newService();
    await service.add('415');
    await service.add('415');
    const session = await service.openSession();
    const first = await service.join(session, SF);
    const second = await service.join(await service.openSession(), SF_2);
    assert.notEqual(first.proxy_identifier, second.proxy_identifier);
    await service.removeParticipant(session, first);
    // Removing SF frees the first number: in_use 0 against 1.
    assert.equal(await service.proxyFor(SF_3), first.proxy_identifier);
  });
});
