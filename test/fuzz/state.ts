// The fuzz tests' fixed points: a valid baseline (a service, pool numbers, a session with two
// participants, an interaction, a simulated call) whose SIDs generated requests can use, and row
// counts of every table to prove that a rejected request wrote nothing.

import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import type { HttpClient } from '../helpers/http-client.js';

/** Every table the app writes. */
export const TABLES = [
  'accounts',
  'api_keys',
  'services',
  'sessions',
  'participants',
  'phone_numbers',
  'assignments',
  'interactions',
  'simulator_messages',
  'simulator_calls',
  'outbox',
  'idempotency_keys',
  'carrier_status_reports',
] as const;
export type Table = (typeof TABLES)[number];
export type Counts = Record<Table, number>;

/**
 * Background jobs only ever delete from these (the expiry sweeper releases assignments and purges
 * expired Idempotency-Keys; the outbox purges finished jobs): a count there may go down on its own.
 */
const SHRINK_ON_THEIR_OWN: ReadonlySet<Table> = new Set(['assignments', 'idempotency_keys', 'outbox']);

/** All counts in one round trip. */
export async function countRows(db: Kysely<Database>): Promise<Counts> {
  const columns = TABLES.map((table) => `(select count(*) from ${table}) as ${table}`).join(', ');
  const result = await sql.raw<Record<string, unknown>>(`select ${columns}`).execute(db);
  const row = result.rows[0]!;
  return Object.fromEntries(TABLES.map((table) => [table, Number(row[table])])) as Counts;
}

/** The tables whose count changed in a way no background job explains, as `table: before -> after`. */
export function unexplainedChanges(before: Counts, after: Counts): string[] {
  return TABLES.filter((table) => after[table] !== before[table] && !(SHRINK_ON_THEIR_OWN.has(table) && after[table] < before[table])).map(
    (table) => `${table}: ${before[table]} -> ${after[table]}`,
  );
}

/** Real values generated requests refer to by name; re-seeded when a fuzzed request destroys them. */
export interface Baseline {
  service: string;
  session: string;
  sessionName: string;
  participant: string;
  participant2: string;
  identifier: string;
  identifier2: string;
  proxy: string;
  proxy2: string;
  phoneNumber: string;
  phoneNumberE164: string;
  interaction: string;
  call: string;
}
export type RealRef = keyof Baseline;

let seeded = 0;

/** Creates a fresh baseline through the API (numbers unique to it: pool numbers are per account). */
export async function seedBaseline(api: HttpClient): Promise<Baseline> {
  const n = seeded++ % 4900;
  const tag = `${n}-${Math.random().toString(36).slice(2, 8)}`;
  const created = async (path: string, form: Record<string, string | string[]>) => {
    const response = await api.post(path, form);
    assert.ok(response.status === 201 || response.status === 200, `seeding ${path}: ${response.status} ${response.text}`);
    return response.body as Record<string, any>;
  };
  const service = (await created('/v1/Services', { UniqueName: `fuzz-baseline-${tag}` })).sid as string;
  const base = `/v1/Services/${service}`;
  const pool = [`+1312555${String(100 + 2 * n).padStart(4, '0')}`, `+1312555${String(101 + 2 * n).padStart(4, '0')}`];
  const number = await created(`${base}/PhoneNumbers`, { PhoneNumber: pool[0]! });
  await created(`${base}/PhoneNumbers`, { PhoneNumber: pool[1]! });
  const identifiers = [`+1646555${String(100 + 2 * n).padStart(4, '0')}`, `+1646555${String(101 + 2 * n).padStart(4, '0')}`];
  const sessionName = `fuzz-session-${tag}`;
  const session = (
    await created(`${base}/Sessions`, {
      UniqueName: sessionName,
      Participants: identifiers.map((identifier) => JSON.stringify({ Identifier: identifier })),
    })
  ).sid as string;
  const listed = await api.get(`${base}/Sessions/${session}/Participants`);
  const participants = listed.body.participants as Array<Record<string, string>>;
  const a = participants.find((p) => p.identifier === identifiers[0])!;
  const b = participants.find((p) => p.identifier === identifiers[1])!;
  const interaction = (await created(`${base}/Sessions/${session}/Participants/${a.sid}/MessageInteractions`, { Body: 'baseline' }))
    .sid as string;
  const call = (await created('/simulator/v1/Calls', { From: b.identifier!, To: b.proxy_identifier! })).sid as string;
  return {
    service,
    session,
    sessionName,
    participant: a.sid!,
    participant2: b.sid!,
    identifier: a.identifier!,
    identifier2: b.identifier!,
    proxy: a.proxy_identifier!,
    proxy2: b.proxy_identifier!,
    phoneNumber: number.sid as string,
    phoneNumberE164: number.phone_number as string,
    interaction,
    call,
  };
}

/** Whether everything the baseline names is still there and usable (one query). */
export async function baselineIntact(db: Kysely<Database>, b: Baseline, now: number): Promise<boolean> {
  const result = await sql<Record<string, unknown>>`select
      (select count(*) from services where sid = ${b.service}) as service_n,
      (select count(*) from sessions where sid = ${b.session} and status in ('open', 'in-progress')
         and (expires_at is null or expires_at > ${now})) as session_n,
      (select count(*) from participants where sid in (${b.participant}, ${b.participant2}) and date_deleted is null) as participants_n,
      (select count(*) from phone_numbers where sid = ${b.phoneNumber}) as number_n,
      (select count(*) from interactions where sid = ${b.interaction}) as interaction_n,
      (select count(*) from simulator_calls where sid = ${b.call}) as call_n`.execute(db);
  const row = result.rows[0]!;
  return (
    Number(row.service_n) === 1 &&
    Number(row.session_n) === 1 &&
    Number(row.participants_n) === 2 &&
    Number(row.number_n) === 1 &&
    Number(row.interaction_n) === 1 &&
    Number(row.call_n) === 1
  );
}
