// A masked conversation for tests that need real traffic in the database: a service with a pool,
// a session between two handsets, and texts and calls through the carrier simulator. Everything
// goes over HTTP, as a customer and their users would make it.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { startTestApp } from './app.js';
import type { TestApp } from './app.js';
import type { HttpClient } from './http-client.js';
import { CallbackReceiver } from './receiver.js';

type Json = Record<string, any>;

export interface Member {
  sid: string;
  identifier: string;
  /** The proxy number the other side texts and calls. */
  proxy: string;
}

export interface Conversation {
  /** /v1/Services/KS… */
  service: string;
  serviceSid: string;
  /** /v1/Services/KS…/Sessions/KC… */
  session: string;
  sessionSid: string;
  a: Member;
  b: Member;
}

/** For a describe block: an app (with these variables) and a receiver for its callbacks, both closed after it. */
export function appAndReceiver(env: Record<string, string> = {}): { readonly t: TestApp; readonly receiver: CallbackReceiver } {
  const fixture = {} as { t: TestApp; receiver: CallbackReceiver };
  before(async () => {
    fixture.t = await startTestApp(env);
    fixture.receiver = await CallbackReceiver.start();
  });
  after(async () => {
    await fixture.receiver.close();
    await fixture.t.close();
  });
  return fixture;
}

/** A service with these pool numbers (and CallbackUrl, if given). */
export async function pooledService(
  api: HttpClient,
  pool: string[],
  callbackUrl?: string,
): Promise<{ service: string; serviceSid: string }> {
  const created = await api.post('/v1/Services', { UniqueName: `svc-${Math.random()}`, CallbackUrl: callbackUrl });
  assert.equal(created.status, 201, created.text);
  const service = `/v1/Services/${created.body.sid}`;
  for (const number of pool) {
    const added = await api.post(`${service}/PhoneNumbers`, { PhoneNumber: number });
    assert.equal(added.status, 201, added.text);
  }
  return { service, serviceSid: created.body.sid };
}

/** A session of `service` between handsets `a` and `b`, the proxy numbers chosen by Parley. */
export async function conversation(
  api: HttpClient,
  service: { service: string; serviceSid: string },
  a: string,
  b: string,
): Promise<Conversation> {
  const created = await api.post(`${service.service}/Sessions`, {
    Participants: [a, b].map((identifier) => JSON.stringify({ Identifier: identifier })),
  });
  assert.equal(created.status, 201, created.text);
  const session = `${service.service}/Sessions/${created.body.sid}`;
  const listed = (await api.get(`${session}/Participants`)).body.participants as Json[];
  const member = (identifier: string): Member => {
    const found = listed.find((p) => p.identifier === identifier) ?? assert.fail(`no participant ${identifier}`);
    return { sid: found.sid, identifier, proxy: found.proxy_identifier };
  };
  return { ...service, session, sessionSid: created.body.sid, a: member(a), b: member(b) };
}

/** A handset texts a number through the simulator. */
export async function text(api: HttpClient, from: string, to: string, body: string): Promise<Json> {
  const sent = await api.post('/simulator/v1/Messages', { From: from, To: to, Body: body });
  assert.equal(sent.status, 201, sent.text);
  return sent.body;
}

/** A handset calls a number through the simulator. */
export async function call(api: HttpClient, from: string, to: string): Promise<Json> {
  const placed = await api.post('/simulator/v1/Calls', { From: from, To: to });
  assert.equal(placed.status, 201, placed.text);
  return placed.body;
}

/** Moves the emulator's clock forward (the server runs its sweeps before it answers). */
export async function advanceClock(api: HttpClient, seconds: number): Promise<void> {
  const moved = await api.post('/simulator/v1/Clock', { Advance: seconds });
  assert.equal(moved.status, 200, moved.text);
}

/** Every row of every table the database has (the catalogue's list, so a new table is included). */
export async function everyRow(db: Kysely<Database>): Promise<Record<string, Json[]>> {
  const rows: Record<string, Json[]> = {};
  for (const table of await db.introspection.getTables()) {
    rows[table.name] = (await sql<Json>`select * from ${sql.table(table.name)}`.execute(db)).rows;
  }
  return rows;
}
