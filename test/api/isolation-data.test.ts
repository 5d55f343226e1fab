// Tenant isolation by data: B's lists and simulator log show only B's own resources (and A's show
// none of B's); B cannot name A's numbers in request bodies, nor reach A's session with simulated
// traffic to A's numbers; nothing of A's changed; and B may pool A's number in a service of its own
// and use it, without touching A's.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { TestApp } from '../helpers/app.js';
import type { TestAccount, TestApiKey } from '../helpers/accounts.js';
import { expectError } from '../helpers/http-client.js';
import { P1, P2, Q1, Q2, ALICE, BOB, CAROL, DAVE, EVE, ok, snapshotOfA, twoTenants } from '../helpers/tenants.js';
import type { Ids } from '../helpers/tenants.js';

describe('Tenant isolation: data', () => {
  const tenants = twoTenants();
  let t: TestApp;
  let b: TestAccount;
  let bKey: TestApiKey;
  let a: Ids;
  let bIds: Ids;
  let aSimulatorMessages: string[];
  let snapshot: Json;
  before(() => ({ t, b, bKey, a, bIds, aSimulatorMessages, snapshot } = tenants));

  const aService = () => `/v1/Services/${a.service}`;
  const bService = () => `/v1/Services/${bIds.service}`;
  const bSession = () => `${bService()}/Sessions/${bIds.session}`;

  test("B's lists and simulator log show only B's own resources", async () => {
    for (const api of [b.api, bKey.api]) {
      const services = (await ok(api.get('/v1/Services'))).services as Json[];
      assert.deepEqual(
        services.map((s) => s.sid),
        [bIds.service],
      );
      assert.ok(services.every((s) => s.account_sid === b.sid));
      const lists: Array<[string, string]> = [
        [`${bService()}/Sessions`, 'sessions'],
        [`${bService()}/PhoneNumbers`, 'phone_numbers'],
        [`${bSession()}/Participants`, 'participants'],
        [`${bSession()}/Interactions`, 'interactions'],
        [`${bSession()}/Participants/${bIds.participant}/MessageInteractions`, 'interactions'],
      ];
      for (const [path, key] of lists) {
        const items = (await ok(api.get(path)))[key] as Json[];
        assert.ok(items.length > 0, path);
        assert.ok(
          items.every((item) => item.account_sid === b.sid),
          `${path}: ${JSON.stringify(items)}`,
        );
        const text = JSON.stringify(items);
        for (const sid of Object.values(a)) assert.ok(!text.includes(sid), `${path} shows A's ${sid}`);
      }
      assert.deepEqual(((await ok(api.get(`${bService()}/PhoneNumbers`))).phone_numbers as Json[]).map((n) => n.phone_number).sort(), [
        Q1,
        Q2,
      ]);

      const log = (await ok(api.get('/simulator/v1/Messages', { PageSize: 1000 }))).messages as Json[];
      assert.ok(log.length >= 3, 'B has a log of its own');
      const text = JSON.stringify(log);
      for (const sid of aSimulatorMessages) assert.ok(!text.includes(sid), `B's log shows A's message ${sid}`);
      for (const secret of [ALICE, BOB, P1, P2, a.session, a.interaction]) assert.ok(!text.includes(secret), `B's log shows ${secret}`);
      for (const filter of [{ To: BOB }, { From: ALICE }, { To: ALICE }, { From: P2 }, { To: P1 }]) {
        assert.deepEqual((await ok(api.get('/simulator/v1/Messages', filter))).messages, [], JSON.stringify(filter));
      }
    }
    // And A's lists show none of B's.
    const aLog = JSON.stringify(await ok(t.api.get('/simulator/v1/Messages', { PageSize: 1000 })));
    for (const secret of [CAROL, DAVE, Q1, bIds.session]) assert.ok(!aLog.includes(secret), `A's log shows ${secret}`);
    assert.deepEqual(
      ((await ok(t.api.get('/v1/Services'))).services as Json[]).map((s) => s.sid),
      [a.service],
    );
  });

  test("B cannot name A's numbers in request bodies either", async () => {
    // A participant of B's pinned to A's pool number (by SID or by number): not in B's service.
    const probe = await ok(b.api.post(`${bService()}/Sessions`, { UniqueName: 'probe' }), 201);
    const probePath = `${bService()}/Sessions/${probe.sid}`;
    expectError(await b.api.post(`${probePath}/Participants`, { Identifier: EVE, ProxyIdentifierSid: a.number }), 400, 80605);
    expectError(await b.api.post(`${probePath}/Participants`, { Identifier: EVE, ProxyIdentifier: P1 }), 400, 80605);
    // Adding a number under A's PN SID: refused, saying nothing of where that SID lives.
    const stolen = await b.api.post(`${bService()}/PhoneNumbers`, { PhoneNumber: '+14155550191', Sid: a.number });
    assert.ok(stolen.status >= 400 && stolen.status < 500, stolen.text);
    for (const secret of [a.service, P1, 'a-service'])
      assert.ok(!stolen.text.includes(secret), `the refusal leaks ${secret}: ${stolen.text}`);
    // Adding by A's SID alone does not find A's number.
    const bySid = await b.api.post(`${bService()}/PhoneNumbers`, { Sid: a.number });
    assert.ok(bySid.status >= 400 && bySid.status < 500, bySid.text);
    assert.ok(!bySid.text.includes(a.service) && !bySid.text.includes(P1), bySid.text);
    assert.equal((await b.api.delete(probePath)).status, 204);
  });

  test("B's simulated traffic to A's numbers never reaches A's session", async () => {
    // From A's participant to A's proxy number, but in B's account: B has no such number.
    const text = await ok(b.api.post('/simulator/v1/Messages', { From: ALICE, To: P1, Body: 'B pretending to be Alice' }), 201);
    assert.equal(text.session_sid, null);
    assert.equal(text.interaction_sid, null);
    const call = await ok(b.api.post('/simulator/v1/Calls', { From: ALICE, To: P1 }), 201);
    assert.equal(call.session_sid, null);
    assert.equal(call.interaction_sid, null);
    assert.equal(call.bridged_to, null);
    // B's own call log knows it; A's does not.
    assert.equal((await ok(b.api.get(`/simulator/v1/Calls/${call.sid}`))).sid, call.sid);
    expectError(await t.api.get(`/simulator/v1/Calls/${call.sid}`), 404, 20404);
    expectError(await t.api.post(`/simulator/v1/Calls/${call.sid}`, { Status: 'completed' }), 404, 20404);
    const aLog = JSON.stringify(await ok(t.api.get('/simulator/v1/Messages', { PageSize: 1000 })));
    assert.ok(!aLog.includes('B pretending'), "B's message reached A's log");
  });

  test("nothing of A's changed by B's use of its own resources", async () => {
    assert.deepEqual(await snapshotOfA(t, a), snapshot);
  });

  test("B may add A's pool number to its own service and use it; A's stays A's", async () => {
    const added = await b.api.post(`${bService()}/PhoneNumbers`, { PhoneNumber: P1 });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.account_sid, b.sid);
    assert.equal(added.body.service_sid, bIds.service);
    assert.equal(added.body.phone_number, P1);
    assert.notEqual(added.body.sid, a.number);
    assert.equal((await ok(b.api.get(`${bService()}/PhoneNumbers/${encodeURIComponent(P1)}`))).sid, added.body.sid);
    assert.equal((await ok(t.api.get(`${aService()}/PhoneNumbers/${encodeURIComponent(P1)}`))).sid, a.number);
    // Within B it is one number: a second service of B's cannot take it too.
    const other = await ok(b.api.post('/v1/Services', { UniqueName: 'b-other' }), 201);
    expectError(await b.api.post(`/v1/Services/${other.sid}/PhoneNumbers`, { PhoneNumber: P1 }), 400, 80101);
    expectError(await b.api.post(`${bService()}/PhoneNumbers`, { PhoneNumber: P1 }), 400, 80104);

    // B puts A's participant's handset on that number in a session of its own: no clash with A's.
    const mirror = await ok(b.api.post(`${bService()}/Sessions`, { UniqueName: 'b-mirror' }), 201);
    const mirrorPath = `${bService()}/Sessions/${mirror.sid}`;
    const alice = await ok(b.api.post(`${mirrorPath}/Participants`, { Identifier: ALICE, ProxyIdentifier: P1 }), 201);
    assert.equal(alice.proxy_identifier_sid, added.body.sid);
    await ok(b.api.post(`${mirrorPath}/Participants`, { Identifier: EVE, ProxyIdentifier: Q2 }), 201);
    // The same handset texting the same number now routes in B's session, in B's account.
    const text = await ok(b.api.post('/simulator/v1/Messages', { From: ALICE, To: P1, Body: 'for B only' }), 201);
    assert.equal(text.session_sid, mirror.sid);
    const delivered = (await ok(b.api.get('/simulator/v1/Messages', { To: EVE }))).messages as Json[];
    assert.deepEqual(
      delivered.map((m) => [m.from, m.body]),
      [[Q2, 'for B only']],
    );
    // And in A's account, Alice → P1 still routes in A's session.
    const inA = await ok(t.api.post('/simulator/v1/Messages', { From: ALICE, To: P1, Body: 'for A only' }), 201);
    assert.equal(inA.session_sid, a.session);
    const atBob = (await ok(t.api.get('/simulator/v1/Messages', { To: BOB }))).messages as Json[];
    assert.ok(atBob.some((m) => m.body === 'for A only'));
    assert.ok(!atBob.some((m) => m.body === 'for B only'));
    assert.ok(!JSON.stringify(await ok(t.api.get('/simulator/v1/Messages', { PageSize: 1000 }))).includes('for B only'));
    assert.ok(!JSON.stringify(await ok(b.api.get('/simulator/v1/Messages', { PageSize: 1000 }))).includes('for A only'));

    // A's number itself is untouched by B's use of it.
    const number = await ok(t.api.get(`${aService()}/PhoneNumbers/${a.number}`));
    assert.deepEqual(
      number,
      (snapshot.numbers.phone_numbers as Json[]).find((n) => n.sid === a.number),
    );
    // B's removal of its copy leaves A's in place.
    await b.api.delete(mirrorPath);
    assert.equal((await b.api.delete(`${bService()}/PhoneNumbers/${added.body.sid}`)).status, 204);
    assert.equal((await ok(t.api.get(`${aService()}/PhoneNumbers/${a.number}`))).phone_number, P1);
  });
});

type Json = Record<string, any>;
