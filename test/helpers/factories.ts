// The test fixtures every file builds its own scenario from, all over HTTP as a customer and their
// users would make them: fresh handset and pool numbers, a service with a pool, a session, and
// "a masked pair" (a service and a session between two participants, each with the proxy number
// the other one texts and calls); then texts, calls and clock moves through the carrier simulator.

import assert from 'node:assert/strict';
import { afterEach, beforeEach } from 'node:test';
import type { Form, HttpClient, Response } from './http-client.js';

type Json = Record<string, any>;

let nextHandset = 1000;
/**
 * A handset number (+1212555xxxx, from 1000 up) that no other call in this test process returned:
 * the simulator's message log is account-wide, so a test that reads it wants handsets of its own.
 * The fixed numbers tests name themselves (ALICE = +12125550101 …) are all below 1000.
 */
export function handset(): string {
  assert.ok(nextHandset < 10_000, 'ran out of handset numbers');
  return `+1212555${String(nextHandset++).padStart(4, '0')}`;
}

let nextPoolNumber = 5000;
/** A pool number (+1415555xxxx, from 5000 up) that no other call in this test process returned. */
export function poolNumber(): string {
  assert.ok(nextPoolNumber < 9000, 'ran out of pool numbers');
  return `+1415555${String(nextPoolNumber++).padStart(4, '0')}`;
}

export interface ServiceFixture {
  /** `/v1/Services/KS…` */
  service: string;
  serviceSid: string;
}

/** A service with these pool numbers; `form` adds its parameters (CallbackUrl, UniqueName, …). */
export async function pooledService(api: HttpClient, pool: readonly string[], form: Form = {}): Promise<ServiceFixture> {
  const created = await api.post('/v1/Services', { UniqueName: `svc-${Math.random()}`, ...form });
  assert.equal(created.status, 201, created.text);
  const service = `/v1/Services/${created.body.sid}`;
  for (const number of pool) {
    const added = await api.post(`${service}/PhoneNumbers`, { PhoneNumber: number });
    assert.equal(added.status, 201, added.text);
  }
  return { service, serviceSid: created.body.sid };
}

/**
 * For a describe block: before each test a service with this pool (and `form`), removed after the
 * test so the next one can pool the same numbers (pool numbers are unique per account). `api` is
 * read when the hooks run (the app is usually started in a `before`).
 */
export function servicePerTest(api: () => HttpClient, pool: readonly string[], form: Form = {}): Readonly<ServiceFixture> {
  const current: ServiceFixture = { service: '', serviceSid: '' };
  beforeEach(async () => Object.assign(current, await pooledService(api(), pool, form)));
  afterEach(() => api().delete(current.service));
  return current;
}

export interface Member {
  sid: string;
  identifier: string;
  /** The proxy number the other side texts and calls. */
  proxy: string;
  /** `/v1/Services/KS…/Sessions/KC…/Participants/KP…` */
  path: string;
}

export interface SessionFixture extends ServiceFixture {
  /** `/v1/Services/KS…/Sessions/KC…` */
  session: string;
  sessionSid: string;
  /** The participants, by identifier. */
  members: Record<string, Member>;
}

/** A participant: an identifier, or the parameters of Participants (Identifier, ProxyIdentifier, FriendlyName). */
export type ParticipantSpec = string | Record<string, string>;

const asParameters = (participant: ParticipantSpec) => (typeof participant === 'string' ? { Identifier: participant } : participant);

/** A session of `service` with these participants (created inline); `form` adds its parameters (Ttl, Mode, …). */
export async function sessionWith(
  api: HttpClient,
  service: ServiceFixture,
  participants: readonly ParticipantSpec[],
  form: Form = {},
): Promise<SessionFixture> {
  const created = await api.post(`${service.service}/Sessions`, {
    ...form,
    Participants: participants.map((participant) => JSON.stringify(asParameters(participant))),
  });
  assert.equal(created.status, 201, created.text);
  const session = `${service.service}/Sessions/${created.body.sid}`;
  const listed = await api.get(`${session}/Participants`);
  assert.equal(listed.status, 200, listed.text);
  const members: Record<string, Member> = {};
  for (const p of listed.body.participants as Json[]) {
    members[p.identifier] = { sid: p.sid, identifier: p.identifier, proxy: p.proxy_identifier, path: `${session}/Participants/${p.sid}` };
  }
  return { service: service.service, serviceSid: service.serviceSid, session, sessionSid: created.body.sid, members };
}

export interface MaskedPair extends SessionFixture {
  a: Member;
  b: Member;
}

export interface PairOptions {
  /** A service to make the session in; otherwise a new one, with `pool` and `service`. */
  in?: ServiceFixture;
  /** The new service's pool; one fresh pool number (the proxy number of both) by default. */
  pool?: readonly string[];
  /** The new service's parameters (CallbackUrl, InterceptCallbackUrl, OutOfSessionCallbackUrl, …). */
  service?: Form;
  /** The two participants; fresh handsets by default. */
  a?: ParticipantSpec;
  b?: ParticipantSpec;
  /** The session's parameters (Ttl, Mode, UniqueName, …). */
  session?: Form;
}

/** A service (or `options.in`) with a session between two participants, A and B. */
export async function maskedPair(api: HttpClient, options: PairOptions = {}): Promise<MaskedPair> {
  const service = options.in ?? (await pooledService(api, options.pool ?? [poolNumber()], options.service));
  const [a, b] = [asParameters(options.a ?? handset()), asParameters(options.b ?? handset())];
  const session = await sessionWith(api, service, [a, b], options.session);
  const member = (identifier: string | undefined) => session.members[identifier!] ?? assert.fail(`no participant ${identifier}`);
  return { ...session, a: member(a.Identifier), b: member(b.Identifier) };
}

/** A handset texts a number through the simulator (201, or the test fails); the simulator's message. */
export async function text(api: HttpClient, from: string, to: string, body: string, media?: string[]): Promise<Json> {
  const sent = await api.post('/simulator/v1/Messages', { From: from, To: to, Body: body, MediaUrl: media });
  assert.equal(sent.status, 201, sent.text);
  return sent.body;
}

/** A handset calls a number through the simulator (201, or the test fails); the simulator's call. */
export async function call(api: HttpClient, from: string, to: string): Promise<Json> {
  const placed = await api.post('/simulator/v1/Calls', { From: from, To: to });
  assert.equal(placed.status, 201, placed.text);
  return placed.body;
}

/** Ends a simulated call (completed, busy, no-answer, failed). */
export async function endCall(api: HttpClient, callSid: string, status: string): Promise<Json> {
  const ended = await api.post(`/simulator/v1/Calls/${callSid}`, { Status: status });
  assert.equal(ended.status, 200, ended.text);
  return ended.body;
}

/** The simulator's message log (account-wide), filtered by `query` (To, From, PageSize). */
export async function handsetLog(api: HttpClient, query: Form = {}): Promise<Json[]> {
  const listed: Response = await api.get('/simulator/v1/Messages', query);
  assert.equal(listed.status, 200, listed.text);
  return listed.body.messages as Json[];
}

/** What `to`'s handset received in this session (other sessions' messages, earlier tests' too, left out). */
export async function receivedIn(api: HttpClient, session: { sessionSid: string }, to: string): Promise<Json[]> {
  return (await handsetLog(api, { To: to })).filter((message) => message.session_sid === session.sessionSid);
}

/** GETs `path` (200, or the test fails); the body. */
export async function fetchOk(api: HttpClient, path: string, query?: Form): Promise<Json> {
  const response = await api.get(path, query);
  assert.equal(response.status, 200, response.text);
  return response.body;
}

/** An interaction of this session (200, or the test fails). */
export async function interactionOf(api: HttpClient, session: { session: string }, sid: string): Promise<Json> {
  return fetchOk(api, `${session.session}/Interactions/${sid}`);
}

/** Moves the emulator's clock forward (the server runs its sweeps and due jobs before it answers). */
export async function advanceClock(api: HttpClient, seconds: number): Promise<void> {
  const moved = await api.post('/simulator/v1/Clock', { Advance: seconds });
  assert.equal(moved.status, 200, moved.text);
}

/** The path (and query) of an absolute URL the server gave out, e.g. a page's next_page_url. */
export function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}
