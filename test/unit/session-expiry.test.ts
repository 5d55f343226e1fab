// The expiry rule lives in one place (src/resources/sessions/sessions.expiry.ts), in TypeScript and
// in the SQL the expiry job and a service's default_ttl change apply to many sessions at once. Both
// forms must give the same answers, on both engines.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { defaultTtlExpiresAtSql, expiresAt, expiryReason, expiryReasonSql } from '../../src/resources/sessions/sessions.expiry.js';
import { createTestDatabase } from '../helpers/database.js';
import type { TestDatabase } from '../helpers/database.js';

const CASES = [
  { date_expiry: null, ttl: 0, ttl_started_at: 1_000_000 },
  { date_expiry: 5_000_000, ttl: 0, ttl_started_at: 1_000_000 },
  { date_expiry: 5_000_000, ttl: 60, ttl_started_at: 1_000_000 },
  { date_expiry: null, ttl: 60, ttl_started_at: 2_000_000 },
];

let scratch: TestDatabase;
let database: DatabaseHandle;
before(async () => {
  scratch = await createTestDatabase();
  database = openDatabase(scratch.url);
  await sql`create table expiry_cases (n integer, date_expiry bigint, ttl integer, ttl_started_at bigint)`.execute(database.db);
  for (const [n, c] of CASES.entries()) {
    await sql`insert into expiry_cases values (${n}, ${c.date_expiry}, ${c.ttl}, ${c.ttl_started_at})`.execute(database.db);
  }
});
after(async () => {
  await database.destroy();
  await scratch.drop();
});

async function evaluate<T>(expression: ReturnType<typeof sql<T>>): Promise<T[]> {
  const { rows } = await sql<{ value: T }>`select ${expression} as value from expiry_cases order by n`.execute(database.db);
  return rows.map((row) => (typeof row.value === 'string' && /^\d+$/.test(row.value) ? (Number(row.value) as T) : row.value));
}

test('the closed_reason in SQL is expiryReason()', async () => {
  assert.deepEqual(await evaluate(expiryReasonSql), CASES.map(expiryReason));
});

test("the default-TTL expiry in SQL is expiresAt() for sessions that live by their service's default", async () => {
  for (const defaultTtl of [0, 30, 3600]) {
    const expected = CASES.map((c) => expiresAt({ ...c, ttl: 0, date_expiry: null }, defaultTtl));
    assert.deepEqual(await evaluate(defaultTtlExpiresAtSql(defaultTtl)), expected, `default_ttl ${defaultTtl}`);
  }
});
