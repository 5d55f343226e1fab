// Fills a benchmark database directly (not through the API), so a million sessions take seconds.

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import type { Engine } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { encodePageToken } from '../../src/http/paging.js';
import { parsePhoneNumber } from '../../src/phone/phone-number.js';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN } from './processes.js';

export interface Seeded {
  serviceSid: string;
  /** A random sample of session SIDs. */
  sampleSids: string[];
  /** PageTokens pointing after randomly chosen sessions (deep pages). */
  sampleTokens: string[];
}

const START = Date.UTC(2026, 0, 1);

/** Migrates, then adds the bench account (the credentials the bench sends) and one service. */
async function accountAndService(db: Kysely<Database>): Promise<string> {
  await migrateToLatest(db);
  const now = Date.now();
  await db
    .insertInto('accounts')
    .values({ sid: BENCH_ACCOUNT_SID, auth_token: BENCH_AUTH_TOKEN, friendly_name: 'bench', date_created: now, date_updated: now })
    .execute();
  const serviceSid = 'KS' + randomBytes(16).toString('hex');
  await db
    .insertInto('services')
    .values({
      sid: serviceSid,
      account_sid: BENCH_ACCOUNT_SID,
      unique_name: 'bench',
      default_ttl: 0,
      callback_url: null,
      geo_match_level: 'country',
      number_selection_behavior: 'prefer-sticky',
      intercept_callback_url: null,
      out_of_session_callback_url: null,
      chat_instance_sid: null,
      date_created: now,
      date_updated: now,
    })
    .execute();
  return serviceSid;
}

export async function seed(databaseUrl: string, sessions: number): Promise<Seeded> {
  const handle = openDatabase(databaseUrl, { timeoutMs: 600_000 });
  const { db } = handle;
  try {
    const serviceSid = await accountAndService(db);
    await insertSessions(db, handle.engine, serviceSid, sessions);
    // A settled PostgreSQL has statistics (autovacuum gathers them within a minute of a bulk load).
    if (handle.engine === 'postgres') await sql`analyze`.execute(db);
    const sample = await db
      .selectFrom('sessions')
      .select(['sid', 'date_created'])
      .where('service_sid', '=', serviceSid)
      .orderBy(sql`random()`)
      .limit(1000)
      .execute();
    return {
      serviceSid,
      sampleSids: sample.map((row) => row.sid),
      sampleTokens: sample.map((row) => encodePageToken('after', [row.date_created, row.sid])),
    };
  } finally {
    await handle.destroy();
  }
}

/**
 * One INSERT … SELECT over a generated series: each row a distinct millisecond and a random SID,
 * open and without expiry (so the expiry job has nothing to do during a measurement).
 */
async function insertSessions(db: Kysely<Database>, engine: Engine, serviceSid: string, count: number): Promise<void> {
  const columns = sql`(sid, account_sid, service_sid, unique_name, status, closed_reason, mode, ttl, date_expiry,
    date_started, date_ended, date_last_interaction, ttl_started_at, expires_at, date_created, date_updated)`;
  const values = (i: string, sid: string) =>
    sql.raw(`${sid}, '${BENCH_ACCOUNT_SID}', '${serviceSid}', 'session-' || ${i}, 'open', null,
    'voice-and-message', 0, null, null, null, null, ${START} + ${i}, null, ${START} + ${i}, ${START} + ${i}`);
  if (engine === 'postgres') {
    await sql`insert into sessions ${columns} select ${values('i', "'KC' || md5(random()::text || i::text)")}
      from generate_series(0, ${sql.lit(count - 1)}) as i`.execute(db);
  } else {
    await sql`with recursive seq(i) as (select 0 union all select i + 1 from seq where i < ${sql.lit(count - 1)})
      insert into sessions ${columns} select ${values('i', "'KC' || lower(hex(randomblob(16)))")} from seq`.execute(db);
  }
}

export interface SeededPool {
  serviceSid: string;
  /** Sessions without participants, for the participant-create workload to fill. */
  emptySessionSids: string[];
  /** (sender, dialled number) pairs of participants in active sessions, for inbound routing. */
  routes: Array<{ from: string; to: string }>;
}

/**
 * A service with `numbers` pool numbers and `activeSessions` open sessions of two participants
 * each (holding their numbers, in_use consistent), plus `emptySessions` open sessions.
 */
export async function seedPool(
  databaseUrl: string,
  counts: { numbers: number; activeSessions: number; emptySessions: number },
): Promise<SeededPool> {
  const handle = openDatabase(databaseUrl, { timeoutMs: 600_000 });
  const { db } = handle;
  const postgres = handle.engine === 'postgres';
  try {
    const serviceSid = await accountAndService(db);
    const now = Date.now();
    const numbers = validNumbers('+1415', counts.numbers);
    for (let i = 0; i < numbers.length; i += 500) {
      await db
        .insertInto('phone_numbers')
        .values(
          numbers.slice(i, i + 500).map((e164, j) => ({
            sid: `PN${(i + j).toString(16).padStart(32, '0')}`,
            account_sid: BENCH_ACCOUNT_SID,
            service_sid: serviceSid,
            phone_number: e164,
            owner_scope: BENCH_ACCOUNT_SID,
            friendly_name: null,
            iso_country: 'US',
            area_code: '415',
            cap_voice: 1,
            cap_sms: 1,
            cap_mms: 0,
            cap_fax: 0,
            is_reserved: 0,
            in_use: 0,
            last_assigned_at: 0,
            date_created: now,
            date_updated: now,
          })),
        )
        .execute();
    }
    const series = (n: number, body: string) =>
      postgres
        ? sql.raw(`select ${body} from generate_series(0, ${n - 1}) as i`)
        : sql.raw(
            `select ${body} from (with recursive seq(i) as (select 0 union all select i + 1 from seq where i < ${n - 1}) select i from seq)`,
          );
    const hex = (expr: string) => (postgres ? `lpad(to_hex(${expr}), 32, '0')` : `printf('%032x', ${expr})`);
    const sessionRow = (offset: number) => `'KC' || ${hex(`i + ${offset}`)}, '${BENCH_ACCOUNT_SID}', '${serviceSid}', null, 'open', null,
      'voice-and-message', 0, null, null, null, null, ${START} + i, null, ${START} + i, ${START} + i`;
    const sessionColumns = `(sid, account_sid, service_sid, unique_name, status, closed_reason, mode, ttl, date_expiry, date_started,
      date_ended, date_last_interaction, ttl_started_at, expires_at, date_created, date_updated`;
    await sql`insert into sessions ${sql.raw(sessionColumns)}) ${series(counts.activeSessions, sessionRow(0))}`.execute(db);
    await sql`insert into sessions ${sql.raw(sessionColumns)}) ${series(counts.emptySessions, sessionRow(counts.activeSessions))}`.execute(
      db,
    );
    // Participant k (0, 1) of session i: a made-up identifier of its own, number (2i + k) mod pool.
    for (const k of [0, 1]) {
      const participant = `'KP' || ${hex(`2 * i + ${k}`)}`;
      // +1 646 220-0000 onwards: valid numbers (no N11 exchange below 240-0000), as Parley checks them.
      const identifier = `'+1646' || (2200000 + 2 * i + ${k})`;
      const number = `'PN' || ${hex(`(2 * i + ${k}) % ${counts.numbers}`)}`;
      const session = `'KC' || ${hex('i')}`;
      await sql`insert into participants (sid, account_sid, service_sid, session_sid, identifier, friendly_name, proxy_identifier,
        proxy_identifier_sid, date_deleted, date_created, date_updated)
        ${series(counts.activeSessions, `${participant}, '${BENCH_ACCOUNT_SID}', '${serviceSid}', ${session}, ${identifier}, null, '+1', ${number}, null, ${START} + i, ${START} + i`)}`.execute(
        db,
      );
      await sql`insert into assignments (participant_sid, service_sid, session_sid, identifier, phone_number_sid, date_created)
        ${series(counts.activeSessions, `${participant}, '${serviceSid}', ${session}, ${identifier}, ${number}, ${START} + i`)}`.execute(
        db,
      );
    }
    await sql`update phone_numbers set in_use = (select count(*) from assignments where assignments.phone_number_sid = phone_numbers.sid)`.execute(
      db,
    );
    await sql`update participants set proxy_identifier = (select phone_number from phone_numbers where phone_numbers.sid = participants.proxy_identifier_sid)`.execute(
      db,
    );
    if (postgres) await sql`analyze`.execute(db);
    // The sessions created after the active ones have no participants.
    const empty = await db
      .selectFrom('sessions')
      .select('sid')
      .where('service_sid', '=', serviceSid)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('participants').select('sid').whereRef('participants.session_sid', '=', 'sessions.sid'))),
      )
      .execute();
    const routes = await db
      .selectFrom('participants')
      .select(['identifier as from', 'proxy_identifier as to'])
      .where('service_sid', '=', serviceSid)
      .orderBy(sql`random()`)
      .limit(5000)
      .execute();
    return { serviceSid, emptySessionSids: empty.map((row) => row.sid), routes };
  } finally {
    await handle.destroy();
  }
}

/** `count` distinct valid numbers starting with `prefix` (checked the way Parley checks them). */
export function validNumbers(prefix: string, count: number): string[] {
  const found: string[] = [];
  for (let n = 2_000_000; found.length < count && n < 10_000_000; n += 7) {
    const candidate = `${prefix}${n}`;
    if (parsePhoneNumber(candidate, 'valid') !== null) found.push(candidate);
  }
  return found;
}

/** What routing produced: inbound messages taken, interactions, and messages delivered to handsets. */
export async function countRouted(databaseUrl: string): Promise<{ inbound: number; interactions: number; deliveries: number }> {
  const handle = openDatabase(databaseUrl, { timeoutMs: 600_000 });
  try {
    // One statement, so one snapshot: counted one after another, a message still in flight when
    // the window closed could commit between two counts and look like a loss.
    const { rows } = await sql<{ inbound: unknown; interactions: unknown; deliveries: unknown }>`
      select
        (select count(*) from simulator_messages where direction = 'inbound') as inbound,
        (select count(*) from interactions) as interactions,
        (select count(*) from simulator_messages where direction = 'outbound') as deliveries`.execute(handle.db);
    const counts = rows[0]!;
    return { inbound: Number(counts.inbound), interactions: Number(counts.interactions), deliveries: Number(counts.deliveries) };
  } finally {
    await handle.destroy();
  }
}
