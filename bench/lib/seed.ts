// Fills a benchmark database directly (not through the API), so a million sessions take seconds.

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import type { Engine } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { encodePageToken } from '../../src/http/paging.js';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN } from './processes.js';

export interface Seeded {
  serviceSid: string;
  /** A random sample of session SIDs. */
  sampleSids: string[];
  /** PageTokens pointing after randomly chosen sessions (deep pages). */
  sampleTokens: string[];
}

const START = Date.UTC(2026, 0, 1);

export async function seed(databaseUrl: string, sessions: number): Promise<Seeded> {
  const handle = openDatabase(databaseUrl);
  const { db } = handle;
  try {
    await migrateToLatest(db);
    const now = Date.now();
    await db.insertInto('accounts').values({ sid: BENCH_ACCOUNT_SID, auth_token: BENCH_AUTH_TOKEN, friendly_name: 'bench', date_created: now, date_updated: now }).execute();
    const serviceSid = 'KS' + randomBytes(16).toString('hex');
    await db
      .insertInto('services')
      .values({
        sid: serviceSid, account_sid: BENCH_ACCOUNT_SID, unique_name: 'bench', default_ttl: 0, callback_url: null,
        geo_match_level: 'country', number_selection_behavior: 'prefer-sticky', intercept_callback_url: null,
        out_of_session_callback_url: null, chat_instance_sid: null, date_created: now, date_updated: now,
      })
      .execute();
    await insertSessions(db, handle.capabilities.engine, serviceSid, sessions);
    // A settled PostgreSQL has statistics (autovacuum gathers them within a minute of a bulk load).
    if (handle.capabilities.engine === 'postgres') await sql`analyze`.execute(db);
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
  const values = (i: string, sid: string) => sql.raw(`${sid}, '${BENCH_ACCOUNT_SID}', '${serviceSid}', 'session-' || ${i}, 'open', null,
    'voice-and-message', 0, null, null, null, null, ${START} + ${i}, null, ${START} + ${i}, ${START} + ${i}`);
  if (engine === 'postgres') {
    await sql`insert into sessions ${columns} select ${values('i', "'KC' || md5(random()::text || i::text)")}
      from generate_series(0, ${sql.lit(count - 1)}) as i`.execute(db);
  } else {
    await sql`with recursive seq(i) as (select 0 union all select i + 1 from seq where i < ${sql.lit(count - 1)})
      insert into sessions ${columns} select ${values('i', "'KC' || lower(hex(randomblob(16)))")} from seq`.execute(db);
  }
}
