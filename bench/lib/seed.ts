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
    await insertPoolNumbers(db, serviceSid, counts.numbers);
    const series = (n: number, body: string) => seriesOf(postgres, n, body);
    const hex = (expr: string) => hexOf(postgres, expr);
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

/** `count` pool numbers for the service, PN000…0 onwards (valid +1 415 numbers), idle. */
async function insertPoolNumbers(db: Kysely<Database>, serviceSid: string, count: number): Promise<void> {
  const now = Date.now();
  const numbers = validNumbers('+1415', count);
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
}

/** `select <body> from` the integers 0 … n − 1 as `i`, in either engine's SQL. */
function seriesOf(postgres: boolean, n: number, body: string) {
  return postgres
    ? sql.raw(`select ${body} from generate_series(0, ${n - 1}) as i`)
    : sql.raw(
        `select ${body} from (with recursive seq(i) as (select 0 union all select i + 1 from seq where i < ${n - 1}) select i from seq)`,
      );
}

/** An integer expression as 32 hex digits (the tail of a seeded SID). */
function hexOf(postgres: boolean, expr: string): string {
  return postgres ? `lpad(to_hex(${expr}), 32, '0')` : `printf('%032x', ${expr})`;
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

export interface ConsoleCounts {
  sessions: number;
  numbers: number;
  /** Interactions on one active session (its timeline). */
  interactions: number;
  /** Callback log entries (settled status callbacks) of the account. */
  callbacks: number;
}

export interface SeededConsole {
  serviceSid: string;
  /** The active session holding the interactions. */
  timelineSessionSid: string;
  sessionsByStatus: Record<string, number>;
  assignments: number;
}

/**
 * The console's data set: one service of `sessions` sessions named order-000001 onwards, one a
 * minute up to now (the highest number the newest); of every 20, two open, one in-progress and
 * the rest closed. Each has two participants with identifiers of their own, holding pool numbers
 * in turn; the active sessions' participants hold assignments (distinct identifiers: the masking
 * index never collides), the closed ones none. The newest open session has the interactions; the
 * account has the callback log. Each table is one INSERT … SELECT, one transaction apiece.
 */
export async function seedConsole(databaseUrl: string, counts: ConsoleCounts): Promise<SeededConsole> {
  const handle = openDatabase(databaseUrl, { timeoutMs: 600_000 });
  const { db } = handle;
  const postgres = handle.engine === 'postgres';
  const hex = (expr: string) => hexOf(postgres, expr);
  const now = Date.now();
  const base = now - counts.sessions * 60_000;
  try {
    const serviceSid = await accountAndService(db);
    await insertPoolNumbers(db, serviceSid, counts.numbers);
    const created = `(${base} + cast(i as bigint) * 60000)`;
    const phase = `(i % 20)`;
    const status = `case when ${phase} < 2 then 'open' when ${phase} = 2 then 'in-progress' else 'closed' end`;
    const closed = `${phase} > 2`;
    const uniqueName = postgres ? `'order-' || lpad((i + 1)::text, 6, '0')` : `printf('order-%06d', i + 1)`;
    // Closed sessions lived their five-minute TTL; active ones have none (nothing expires mid-run).
    const ended = `case when ${closed} then ${created} + 300000 end`;
    await sql`insert into sessions (sid, account_sid, service_sid, unique_name, status, closed_reason, mode, ttl, date_expiry,
        date_started, date_ended, date_last_interaction, ttl_started_at, expires_at, date_created, date_updated)
      ${seriesOf(
        postgres,
        counts.sessions,
        `'KC' || ${hex('i')}, '${BENCH_ACCOUNT_SID}', '${serviceSid}', ${uniqueName}, ${status}, case when ${closed} then 'ttl' end,
        'voice-and-message', case when ${closed} then 300 else 0 end, null, case when ${phase} = 2 then ${created} end, ${ended}, null,
        ${created}, ${ended}, ${created}, coalesce(${ended}, ${created})`,
      )}`.execute(db);
    // Participant k of session i: identifier +1 646 220-0000 + 2i + k, pool number (2i + k) mod pool.
    for (const k of [0, 1]) {
      const series = postgres
        ? sql.raw(`generate_series(0, ${counts.sessions - 1}) as s(i)`)
        : sql.raw(
            `(with recursive seq(i) as (select 0 union all select i + 1 from seq where i < ${counts.sessions - 1}) select i from seq) as s`,
          );
      await sql`insert into participants (sid, account_sid, service_sid, session_sid, identifier, friendly_name, proxy_identifier,
          proxy_identifier_sid, date_deleted, date_created, date_updated)
        select ${sql.raw(`'KP' || ${hex(`2 * i + ${k}`)}, '${BENCH_ACCOUNT_SID}', '${serviceSid}', 'KC' || ${hex('i')},
          '+1646' || (2200000 + 2 * i + ${k}), ${k === 0 ? `'Customer'` : `'Courier'`}, n.phone_number, n.sid, null,
          ${created} + ${k * 1000}, ${created} + ${k * 1000}`)}
        from ${series} join phone_numbers n on n.sid = ${sql.raw(`'PN' || ${hex(`(2 * i + ${k}) % ${counts.numbers}`)}`)}`.execute(db);
    }
    await sql`insert into assignments (participant_sid, service_sid, session_sid, identifier, phone_number_sid, date_created)
      select p.sid, p.service_sid, p.session_sid, p.identifier, p.proxy_identifier_sid, p.date_created
      from participants p join sessions s on s.sid = p.session_sid
      where s.status in ('open', 'in-progress')`.execute(db);
    await sql`update phone_numbers set in_use = a.n, last_assigned_at = a.latest
      from (select phone_number_sid, count(*) as n, max(date_created) as latest from assignments group by phone_number_sid) as a
      where a.phone_number_sid = phone_numbers.sid`.execute(db);

    // The timeline: the newest open session's two participants write to each other, a minute apart.
    const timeline = Math.floor((counts.sessions - 1) / 20) * 20;
    const [session, customer, courier] = [`KC${h(timeline)}`, `KP${h(2 * timeline)}`, `KP${h(2 * timeline + 1)}`];
    const started = base + timeline * 60_000;
    if (counts.interactions > 0) {
      await db
        .insertInto('interactions')
        .values(
          Array.from({ length: counts.interactions }, (_, n) => {
            const [from, to] = n % 2 === 0 ? [customer, courier] : [courier, customer];
            const at = Math.min(now, started + 1000 + n * 1000);
            return {
              sid: `KI${h(n)}`,
              account_sid: BENCH_ACCOUNT_SID,
              service_sid: serviceSid,
              session_sid: session,
              type: 'message',
              data: JSON.stringify({ body: `Message ${n + 1} about order ${timeline + 1}: on my way, about ${n + 2} minutes out.` }),
              participant_sid: null,
              inbound_participant_sid: from,
              inbound_resource_sid: `SM${h(2 * n)}`,
              inbound_resource_status: 'received',
              inbound_resource_type: 'message',
              inbound_resource_url: null,
              outbound_participant_sid: to,
              outbound_resource_sid: `SM${h(2 * n + 1)}`,
              outbound_resource_status: 'delivered',
              outbound_resource_type: 'message',
              outbound_resource_url: null,
              error_code: null,
              date_created: at,
              date_updated: at,
            };
          }),
        )
        .execute();
      await db
        .updateTable('sessions')
        .set({ status: 'in-progress', date_started: started + 1000, date_last_interaction: started + counts.interactions * 1000 })
        .where('sid', '=', session)
        .execute();
    }

    // The callback log: status callbacks over the last week (inside the retention), one in 20 given up.
    const week = 7 * 86_400_000;
    const at = `(${now - week} + cast(i as bigint) * ${Math.floor(week / Math.max(1, counts.callbacks))})`;
    const failed = `(i % 20 = 7)`;
    if (counts.callbacks > 0) {
      await sql`insert into outbox (sid, account_sid, kind, payload, status, attempts, next_attempt_at, locked_until, last_error,
          response_status, outcome, date_created, date_updated)
        ${seriesOf(
          postgres,
          counts.callbacks,
          `'OB' || ${hex('i')}, '${BENCH_ACCOUNT_SID}', 'callback',
          '{"url":"https://shop.example.com/parley/callback?token=secret","params":{"interactionSid":"KI' || ${hex('i')} || '","outboundResourceStatus":"delivered"}}',
          case when ${failed} then 'failed' else 'done' end, case when ${failed} then 20 else 1 end, ${at}, null,
          case when ${failed} then 'HTTP 503 from the callback URL' end, case when ${failed} then 503 else 200 end, null, ${at}, ${at}`,
        )}`.execute(db);
    }
    if (postgres) await sql`analyze`.execute(db);

    const statuses = await db
      .selectFrom('sessions')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const assigned = await db
      .selectFrom('assignments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return {
      serviceSid,
      timelineSessionSid: session,
      sessionsByStatus: Object.fromEntries(statuses.map((row) => [row.status, Number(row.n)])),
      assignments: Number(assigned.n),
    };
  } finally {
    await handle.destroy();
  }
}

/** 32 hex digits: the tail of the SIDs the SQL above makes. */
function h(n: number): string {
  return n.toString(16).padStart(32, '0');
}
