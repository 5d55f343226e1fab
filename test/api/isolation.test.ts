// Tenant isolation: account A builds a full set of resources; account B, with its own token or
// with an API key of its own, must find none of them. Every route that takes a SID answers B
// 404 / 20404 (never 403, never data), B's lists and simulator log show only B's own, nothing of
// A's changes, and B may add the same pool number to a service of its own.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { addAccount, addApiKey } from '../helpers/accounts.js';
import type { TestAccount, TestApiKey } from '../helpers/accounts.js';
import { expectError } from '../helpers/http-client.js';
import type { Form, HttpClient, Response } from '../helpers/http-client.js';

// A's pool and handsets.
const P1 = '+14155550100';
const P2 = '+14155550101';
const P3 = '+14155550102';
const ALICE = '+12125550101';
const BOB = '+12125550102';
// B's pool and handsets.
const Q1 = '+14155550120';
const Q2 = '+14155550121';
const CAROL = '+12125550131';
const DAVE = '+12125550132';
const EVE = '+12125550199';
const SHARED_IDEMPOTENCY_KEY = 'isolation-shared-key';

/** The SIDs and names a route template can take. */
interface Ids {
  service: string;
  serviceName: string;
  session: string;
  sessionName: string;
  /** The participant with the MessageInteraction (Bob in A's session). */
  participant: string;
  /** The session's other participant. */
  other: string;
  number: string;
  e164: string;
  interaction: string;
  callInteraction: string;
  messageInteraction: string;
  call: string;
}

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  form?: Form;
  headers?: Record<string, string>;
  /** Parley updates and deletes by SID only: by unique name it is a 404 for the owner too. */
  byName?: true;
}

const SERVICE = '/v1/Services/{service}';
const SESSION = `${SERVICE}/Sessions/{session}`;
const PARTICIPANT = `${SESSION}/Participants/{participant}`;

/** Every method of every route that takes a SID (or a name standing for one), with a valid body. */
const ROUTES: Route[] = [
  // Services
  { method: 'GET', path: SERVICE },
  { method: 'GET', path: '/v1/Services/{serviceName}' },
  { method: 'POST', path: SERVICE, form: { UniqueName: 'hijacked', DefaultTtl: 60 } },
  { method: 'POST', path: '/v1/Services/{serviceName}', form: { UniqueName: 'hijacked-by-name' }, byName: true },
  { method: 'DELETE', path: SERVICE },
  { method: 'DELETE', path: '/v1/Services/{serviceName}', byName: true },
  // Sessions
  { method: 'GET', path: `${SERVICE}/Sessions` },
  { method: 'GET', path: `${SERVICE}/Sessions`, form: { PageSize: 1, Page: 0 } },
  { method: 'POST', path: `${SERVICE}/Sessions`, form: { UniqueName: 'intruder-session' } },
  // The very request A made, with A's Idempotency-Key: no replay of A's answer.
  {
    method: 'POST',
    path: `${SERVICE}/Sessions`,
    form: { UniqueName: 'a-session' },
    headers: { 'Idempotency-Key': SHARED_IDEMPOTENCY_KEY },
  },
  { method: 'GET', path: SESSION },
  { method: 'GET', path: `${SERVICE}/Sessions/{sessionName}` },
  { method: 'POST', path: SESSION, form: { Status: 'closed' } },
  { method: 'POST', path: SESSION, form: { Ttl: 1 } },
  { method: 'POST', path: `${SERVICE}/Sessions/{sessionName}`, form: { Status: 'closed' }, byName: true },
  { method: 'DELETE', path: SESSION },
  { method: 'DELETE', path: `${SERVICE}/Sessions/{sessionName}`, byName: true },
  // Phone numbers
  { method: 'GET', path: `${SERVICE}/PhoneNumbers` },
  { method: 'POST', path: `${SERVICE}/PhoneNumbers`, form: { PhoneNumber: '+14155550190' } },
  { method: 'GET', path: `${SERVICE}/PhoneNumbers/{number}` },
  { method: 'GET', path: `${SERVICE}/PhoneNumbers/{e164}` },
  { method: 'POST', path: `${SERVICE}/PhoneNumbers/{number}`, form: { IsReserved: true } },
  { method: 'DELETE', path: `${SERVICE}/PhoneNumbers/{number}` },
  // Participants
  { method: 'GET', path: `${SESSION}/Participants` },
  { method: 'POST', path: `${SESSION}/Participants`, form: { Identifier: EVE } },
  { method: 'GET', path: PARTICIPANT },
  { method: 'GET', path: `${SESSION}/Participants/{other}` },
  { method: 'DELETE', path: PARTICIPANT },
  { method: 'DELETE', path: `${SESSION}/Participants/{other}` },
  // Interactions
  { method: 'GET', path: `${SESSION}/Interactions` },
  { method: 'GET', path: `${SESSION}/Interactions/{interaction}` },
  { method: 'GET', path: `${SESSION}/Interactions/{callInteraction}` },
  { method: 'GET', path: `${SESSION}/Interactions/{messageInteraction}` },
  { method: 'DELETE', path: `${SESSION}/Interactions/{interaction}` },
  { method: 'DELETE', path: `${SESSION}/Interactions/{callInteraction}` },
  { method: 'DELETE', path: `${SESSION}/Interactions/{messageInteraction}` },
  // Message interactions
  { method: 'GET', path: `${PARTICIPANT}/MessageInteractions` },
  { method: 'POST', path: `${PARTICIPANT}/MessageInteractions`, form: { Body: 'injected by B' } },
  { method: 'POST', path: `${SESSION}/Participants/{other}/MessageInteractions`, form: { Body: 'injected by B' } },
  { method: 'GET', path: `${PARTICIPANT}/MessageInteractions/{messageInteraction}` },
  // Simulator calls
  { method: 'GET', path: '/simulator/v1/Calls/{call}' },
  { method: 'POST', path: '/simulator/v1/Calls/{call}', form: { Status: 'completed' } },
];

function fill(template: string, ids: Ids): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = ids[name as keyof Ids];
    assert.ok(value !== undefined, `no value for {${name}}`);
    return encodeURIComponent(value);
  });
}

type Json = Record<string, any>;

describe('Tenant isolation', () => {
  let t: TestApp;
  let b: TestAccount;
  let bKey: TestApiKey;
  let a: Ids;
  let bIds: Ids;
  let aSimulatorMessages: string[];
  let snapshot: Json;

  const aService = () => `/v1/Services/${a.service}`;
  const aSession = () => `${aService()}/Sessions/${a.session}`;
  const bService = () => `/v1/Services/${bIds.service}`;
  const bSession = () => `${bService()}/Sessions/${bIds.session}`;

  async function ok(response: Promise<Response>, status = 200): Promise<Json> {
    const r = await response;
    assert.equal(r.status, status, r.text);
    return r.body;
  }

  /** Builds a service with a pool, a session with two participants, a routed message and call, and a MessageInteraction. */
  async function build(
    api: HttpClient,
    names: { service: string; session: string },
    pool: string[],
    people: [string, string],
    idempotencyKey?: string,
  ): Promise<Ids> {
    const service = await ok(api.post('/v1/Services', { UniqueName: names.service }), 201);
    const base = `/v1/Services/${service.sid}`;
    const numbers: Json[] = [];
    for (const n of pool) numbers.push(await ok(api.post(`${base}/PhoneNumbers`, { PhoneNumber: n }), 201));
    const session = await ok(
      api.post(
        `${base}/Sessions`,
        { UniqueName: names.session },
        idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : undefined,
      ),
      201,
    );
    const path = `${base}/Sessions/${session.sid}`;
    const first = await ok(api.post(`${path}/Participants`, { Identifier: people[0], ProxyIdentifier: pool[0] }), 201);
    const second = await ok(api.post(`${path}/Participants`, { Identifier: people[1], ProxyIdentifier: pool[1] }), 201);
    const text = await ok(api.post('/simulator/v1/Messages', { From: people[0], To: pool[0], Body: `hello from ${names.session}` }), 201);
    assert.equal(text.session_sid, session.sid, 'the message was routed in the session');
    assert.match(text.interaction_sid, /^KI[0-9a-f]{32}$/);
    const call = await ok(api.post('/simulator/v1/Calls', { From: people[0], To: pool[0] }), 201);
    assert.equal(call.session_sid, session.sid, 'the call was routed in the session');
    assert.equal(call.status, 'in-progress');
    assert.match(call.interaction_sid, /^KI[0-9a-f]{32}$/);
    const message = await ok(
      api.post(`${path}/Participants/${second.sid}/MessageInteractions`, { Body: `api message in ${names.session}` }),
      201,
    );
    return {
      service: service.sid,
      serviceName: names.service,
      session: session.sid,
      sessionName: names.session,
      participant: second.sid,
      other: first.sid,
      number: numbers[0]!.sid,
      e164: pool[0]!,
      interaction: text.interaction_sid,
      callInteraction: call.interaction_sid,
      messageInteraction: message.sid,
      call: call.sid,
    };
  }

  /** Everything of A's, as A sees it. */
  async function snapshotOfA(): Promise<Json> {
    const api = t.api;
    return {
      services: await ok(api.get('/v1/Services')),
      service: await ok(api.get(aService())),
      sessions: await ok(api.get(`${aService()}/Sessions`)),
      session: await ok(api.get(aSession())),
      numbers: await ok(api.get(`${aService()}/PhoneNumbers`)),
      participants: await ok(api.get(`${aSession()}/Participants`)),
      interactions: await ok(api.get(`${aSession()}/Interactions`)),
      messageInteractions: await ok(api.get(`${aSession()}/Participants/${a.participant}/MessageInteractions`)),
      call: await ok(api.get(`/simulator/v1/Calls/${a.call}`)),
      messages: await ok(api.get('/simulator/v1/Messages', { PageSize: 1000 })),
      rows: await rowsOfA(),
    };
  }

  /** A's rows in every tenant table, straight from the database. */
  async function rowsOfA(): Promise<Json> {
    const db = t.app.parley.database.db;
    const tables = [
      'services',
      'sessions',
      'participants',
      'phone_numbers',
      'interactions',
      'simulator_messages',
      'simulator_calls',
    ] as const;
    const rows: Json = {};
    for (const table of tables) {
      rows[table] = await db.selectFrom(table).selectAll().where('account_sid', '=', TEST_ACCOUNT_SID).orderBy('sid').execute();
    }
    return JSON.parse(JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value)));
  }

  before(async () => {
    t = await startTestApp();
    b = await addAccount(t, { friendlyName: 'tenant B' });
    bKey = await addApiKey(t, b.sid, 'tenant B key');
    a = await build(t.api, { service: 'a-service', session: 'a-session' }, [P1, P2, P3], [ALICE, BOB], SHARED_IDEMPOTENCY_KEY);
    bIds = await build(b.api, { service: 'b-service', session: 'b-session' }, [Q1, Q2], [CAROL, DAVE]);
    aSimulatorMessages = (await ok(t.api.get('/simulator/v1/Messages', { PageSize: 1000 }))).messages.map((m: Json) => m.sid);
    assert.ok(aSimulatorMessages.length >= 3, 'A has inbound, outbound and API messages in its log');
    snapshot = await snapshotOfA();
  });
  after(() => t.close());

  /** The routes, each with A's SIDs, then with B's parents and A's children; only those naming something of A's. */
  function requests(): Route[] {
    const scenarios: Ids[] = [
      a,
      { ...a, service: bIds.service, serviceName: bIds.serviceName },
      { ...a, service: bIds.service, serviceName: bIds.serviceName, session: bIds.session, sessionName: bIds.sessionName },
      {
        ...a,
        service: bIds.service,
        serviceName: bIds.serviceName,
        session: bIds.session,
        sessionName: bIds.sessionName,
        participant: bIds.participant,
        other: bIds.other,
      },
    ];
    const ofA = new Set(Object.values(a).map((value) => encodeURIComponent(value)));
    const seen = new Set<string>();
    const out: Route[] = [];
    for (const ids of scenarios) {
      for (const route of ROUTES) {
        const path = fill(route.path, ids);
        const segments = path.split('/');
        if (!segments.some((segment) => ofA.has(segment))) continue; // B's own resource: not this test's business
        const request = { ...route, path };
        const id = JSON.stringify(request);
        if (seen.has(id)) continue;
        seen.add(id);
        out.push(request);
      }
    }
    return out;
  }

  const secrets = () => [ALICE, BOB, P2, P3, 'hello from a-session', 'api message in a-session', TEST_ACCOUNT_SID];

  async function expectAllNotFound(api: HttpClient, who: string, auth: { username: string; password: string }): Promise<void> {
    const routes = requests();
    assert.ok(routes.length >= 80, `only ${routes.length} requests`);
    const failures: string[] = [];
    for (const route of routes) {
      const what = `${who}: ${route.method} ${route.path}`;
      const options = route.headers ? { headers: route.headers } : undefined;
      const response =
        route.method === 'GET'
          ? await api.get(route.path, route.form, options)
          : route.method === 'POST'
            ? await api.post(route.path, route.form ?? {}, options)
            : await api.delete(route.path, options);
      if (response.status !== 404 || response.body?.code !== 20404) {
        failures.push(`${what} → ${response.status} ${response.text.slice(0, 300)}`);
        continue;
      }
      expectError(response, 404, 20404);
      // The 404 names the path B asked for, and nothing of A's beyond it.
      for (const secret of secrets()) {
        if (!decodeURIComponent(route.path).includes(secret) && response.text.includes(secret))
          failures.push(`${what} leaks ${secret}: ${response.text}`);
      }
      assert.equal(response.headers.get('idempotent-replayed'), null, `${what} replayed A's answer`);
      if (route.method === 'GET') {
        const head = await fetch(t.baseUrl + route.path, {
          method: 'HEAD',
          headers: { authorization: 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64') },
        });
        if (head.status !== 404) failures.push(`${who}: HEAD ${route.path} → ${head.status}`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${routes.length} requests did not answer 404 / 20404:\n${failures.join('\n')}`);
  }

  test("B with its auth token gets 404 / 20404 on every route and method that takes A's SIDs", async () => {
    await expectAllNotFound(b.api, 'B (token)', b.auth);
  });

  test("B with an API key of its own gets 404 / 20404 on every route and method that takes A's SIDs", async () => {
    await expectAllNotFound(bKey.api, 'B (API key)', bKey.auth);
  });

  test('A itself reaches every one of those A-only routes (the table names real resources)', async () => {
    // The GETs with A's own SIDs answer 200 to A: B's 404s are about ownership, not typos.
    for (const route of ROUTES.filter((r) => r.method === 'GET')) {
      const path = fill(route.path, a);
      const response = await t.api.get(path, route.form);
      assert.equal(response.status, 200, `A: GET ${path} → ${response.status} ${response.text}`);
    }
  });

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

  test("nothing of A's changed", async () => {
    assert.deepEqual(await snapshotOfA(), snapshot);
  });

  test('A itself can use every POST and DELETE of the table (on a throwaway copy of its resources)', async () => {
    // What answers B 404 is live for the owner: a 2xx, or a 4xx other than 404 (closed session, …).
    const copy = await build(
      t.api,
      { service: 'a-copy', session: 'a-copy-session' },
      ['+14155550103', '+14155550104'],
      ['+12125550111', '+12125550112'],
    );
    const writes = ROUTES.filter((r) => r.method === 'POST');
    // Deepest first, so each delete still finds its parents.
    const deletes = ROUTES.filter((r) => r.method === 'DELETE').reverse();
    const statuses: string[] = [];
    for (const route of [...writes, ...deletes]) {
      const path = fill(route.path, copy);
      const options = route.headers ? { headers: route.headers } : undefined;
      const response = route.method === 'POST' ? await t.api.post(path, route.form ?? {}, options) : await t.api.delete(path, options);
      const expectNotFound = route.byName === true;
      if ((response.status === 404) !== expectNotFound) statuses.push(`A: ${route.method} ${path} → ${response.status} ${response.text}`);
    }
    assert.deepEqual(statuses, []);
    expectError(await t.api.get(`/v1/Services/${copy.service}`), 404, 20404);
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
