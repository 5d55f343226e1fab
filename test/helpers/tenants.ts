// Two tenants for the isolation tests (test/api/isolation-*.test.ts): account A (the test account)
// and account B (with an API key of its own), each with a full set of resources built over HTTP (a
// service with a pool, a session with two participants, a routed message and call, and a
// MessageInteraction); every route and method that takes a SID, as a table; and everything of A's,
// as A sees it and as its rows are, to show that nothing of it changed.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { addAccount, addApiKey } from './accounts.js';
import type { TestAccount, TestApiKey } from './accounts.js';
import { startTestApp, TEST_ACCOUNT_SID } from './app.js';
import type { TestApp } from './app.js';
import type { Form, HttpClient, Response } from './http-client.js';

// A's pool and handsets.
export const P1 = '+14155550100';
export const P2 = '+14155550101';
export const P3 = '+14155550102';
export const ALICE = '+12125550101';
export const BOB = '+12125550102';
// B's pool and handsets.
export const Q1 = '+14155550120';
export const Q2 = '+14155550121';
export const CAROL = '+12125550131';
export const DAVE = '+12125550132';
export const EVE = '+12125550199';
export const SHARED_IDEMPOTENCY_KEY = 'isolation-shared-key';

/** The SIDs and names a route template can take. */
export interface Ids {
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

export interface Route {
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
export const ROUTES: Route[] = [
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

export function fill(template: string, ids: Ids): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = ids[name as keyof Ids];
    assert.ok(value !== undefined, `no value for {${name}}`);
    return encodeURIComponent(value);
  });
}

type Json = Record<string, any>;

export async function ok(response: Promise<Response>, status = 200): Promise<Json> {
  const r = await response;
  assert.equal(r.status, status, r.text);
  return r.body;
}

/** Builds a service with a pool, a session with two participants, a routed message and call, and a MessageInteraction. */
export async function build(
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
export async function snapshotOfA(t: TestApp, a: Ids): Promise<Json> {
  const api = t.api;
  const aService = `/v1/Services/${a.service}`;
  const aSession = `${aService}/Sessions/${a.session}`;
  return {
    services: await ok(api.get('/v1/Services')),
    service: await ok(api.get(aService)),
    sessions: await ok(api.get(`${aService}/Sessions`)),
    session: await ok(api.get(aSession)),
    numbers: await ok(api.get(`${aService}/PhoneNumbers`)),
    participants: await ok(api.get(`${aSession}/Participants`)),
    interactions: await ok(api.get(`${aSession}/Interactions`)),
    messageInteractions: await ok(api.get(`${aSession}/Participants/${a.participant}/MessageInteractions`)),
    call: await ok(api.get(`/simulator/v1/Calls/${a.call}`)),
    messages: await ok(api.get('/simulator/v1/Messages', { PageSize: 1000 })),
    rows: await rowsOfA(t),
  };
}

/** A's rows in every tenant table, straight from the database. */
async function rowsOfA(t: TestApp): Promise<Json> {
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

export interface Tenants {
  t: TestApp;
  b: TestAccount;
  bKey: TestApiKey;
  a: Ids;
  bIds: Ids;
  /** The SIDs of A's simulator log, as built. */
  aSimulatorMessages: string[];
  /** Everything of A's, as built. */
  snapshot: Json;
}

/** For a describe block: an app with A's and B's resources built, closed after the block. */
export function twoTenants(): Tenants {
  const tenants = {} as Tenants;
  before(async () => {
    const t = await startTestApp();
    const b = await addAccount(t, { friendlyName: 'tenant B' });
    const bKey = await addApiKey(t, b.sid, 'tenant B key');
    const a = await build(t.api, { service: 'a-service', session: 'a-session' }, [P1, P2, P3], [ALICE, BOB], SHARED_IDEMPOTENCY_KEY);
    const bIds = await build(b.api, { service: 'b-service', session: 'b-session' }, [Q1, Q2], [CAROL, DAVE]);
    const aSimulatorMessages = (await ok(t.api.get('/simulator/v1/Messages', { PageSize: 1000 }))).messages.map((m: Json) => m.sid);
    assert.ok(aSimulatorMessages.length >= 3, 'A has inbound, outbound and API messages in its log');
    Object.assign(tenants, { t, b, bKey, a, bIds, aSimulatorMessages, snapshot: await snapshotOfA(t, a) });
  });
  after(() => tenants.t.close());
  return tenants;
}
