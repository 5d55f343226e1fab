// The database-backed gauges' queries, each bounded whatever the data's size:
//   pool    one grouped pass over phone_numbers (pools are bounded: PARLEY_POOL_MAX_*), reading
//           each number's in_use counter (pool/pool.repository.ts keeps it), never assignments;
//   outbox  pending jobs counted up to PENDING_CAP (a backlog of millions costs the same as one
//           at the cap), and the oldest due one found at the head of the outbox_due index.

import { sql } from 'kysely';
import type { Db } from '../db/unit-of-work.js';
import { first } from '../db/unit-of-work.js';

export interface PoolCount {
  service_sid: string | null;
  numbers: number;
  in_use: number;
}

export async function poolCounts(db: Db, perService: boolean): Promise<PoolCount[]> {
  const q = db.sql
    .selectFrom('phone_numbers')
    .select((eb) => [
      eb.fn.countAll<number>().as('numbers'),
      eb.fn.sum<number>(eb.case().when('in_use', '>', 0).then(1).else(0).end()).as('in_use'),
    ]);
  const rows = perService
    ? await db.read(q.select('service_sid').groupBy('service_sid'))
    : (await db.read(q)).map((row) => ({ ...row, service_sid: null }));
  return rows.map((row) => ({ service_sid: row.service_sid, numbers: Number(row.numbers), in_use: Number(row.in_use ?? 0) }));
}

/** Pending jobs are counted up to this many; past it the gauge reads the cap (docs/metrics.md). */
export const PENDING_CAP = 10_000;

export interface OutboxBacklog {
  pending: number;
  /** next_attempt_at of the job that has been due longest; null when nothing is pending. */
  oldestDueAt: number | null;
}

export async function outboxBacklog(db: Db): Promise<OutboxBacklog> {
  const capped = db.sql.selectFrom('outbox').select(sql.lit(1).as('one')).where('status', '=', 'pending').limit(sql.lit(PENDING_CAP));
  const [count, oldest] = await Promise.all([
    db.read(db.sql.selectFrom(capped.as('capped')).select((eb) => eb.fn.countAll<number>().as('pending'))),
    db.read(
      db.sql
        .selectFrom('outbox')
        .select('next_attempt_at')
        .where('status', '=', 'pending')
        .orderBy('status')
        .orderBy('next_attempt_at')
        .limit(sql.lit(1)),
    ),
  ]);
  return { pending: Number(first(count)?.pending ?? 0), oldestDueAt: first(oldest)?.next_attempt_at ?? null };
}
