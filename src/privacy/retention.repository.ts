// The SQL of the retention job: one bounded batch per call, so a pass never holds a long
// transaction (on SQLite, a long one stalls every request). Each batch picks its rows with SKIP
// LOCKED on PostgreSQL, so nodes purging at once split the work instead of queueing on it. The
// conditions the partial indexes name (data is not null, status <> 'pending') are written as
// literals: PostgreSQL plans these statements once, generically, and only a literal lets that
// plan use the index. Each takes the account whose rows it purges, or null for every account's
// (the jobs run one pass per clock: common/clock.ts ClockScope).

import { sql } from 'kysely';
import type { Db } from '../db/unit-of-work.js';

/** Message bodies older than `before` become null (the interactions and their other fields stay). */
export async function clearMessageBodies(db: Db, account: string | null, before: number, limit: number): Promise<number> {
  const result = await db.write(
    db.sql
      .updateTable('interactions')
      .set({ data: null })
      .where('sid', 'in', (eb) =>
        eb
          .selectFrom('interactions')
          .select('sid')
          .where(sql<boolean>`data is not null`)
          .where('date_created', '<', before)
          .where('type', '=', 'message')
          .$if(account !== null, (q) => q.where('account_sid', '=', account!))
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      ),
  );
  return result.count;
}

/** The simulator's handset log older than `before`. */
export async function purgeSimulatorMessages(db: Db, account: string | null, before: number, limit: number): Promise<number> {
  const result = await db.write(
    db.sql.deleteFrom('simulator_messages').where('sid', 'in', (eb) =>
      eb
        .selectFrom('simulator_messages')
        .select('sid')
        .where('date_created', '<', before)
        .$if(account !== null, (q) => q.where('account_sid', '=', account!))
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    ),
  );
  return result.count;
}

/** Carrier webhook answers recorded before `before` (no retry comes that late). */
export async function purgeCarrierWebhooks(db: Db, before: number, limit: number): Promise<number> {
  const result = await db.write(
    db.sql
      .deleteFrom('carrier_webhooks')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('carrier', 'resource_sid'),
          'in',
          selectFrom('carrier_webhooks')
            .select(['carrier', 'resource_sid'])
            .where('date_created', '<', before)
            .limit(limit)
            .forUpdate()
            .skipLocked()
            .$asTuple('carrier', 'resource_sid'),
        ),
      ),
  );
  return result.count;
}

/**
 * Finished jobs (delivered or given up) are kept for a while (to look at), then removed: at most `limit` last updated before `before`; how many went. `status <> 'pending'`
 * is a literal so the generic plan PostgreSQL keeps can use the outbox_finished partial index.
 */
export async function purgeFinishedJobs(db: Db, account: string | null, before: number, limit: number): Promise<number> {
  const purge = db.sql.deleteFrom('outbox').where('sid', 'in', (eb) =>
    eb
      .selectFrom('outbox')
      .select('sid')
      .where(sql<boolean>`status <> 'pending'`)
      .where('status', 'in', ['done', 'failed'])
      .where('date_updated', '<', before)
      .$if(account !== null, (q) => q.where('account_sid', '=', account!))
      .limit(limit)
      .forUpdate()
      .skipLocked(),
  );
  return (await db.write(purge)).count;
}

/** Idempotency-Keys past their lifetime (PARLEY_IDEMPOTENCY_TTL): their replays hold response bodies. */
export async function purgeExpiredKeys(db: Db, account: string | null, now: number, limit: number): Promise<number> {
  const purge = db.sql.deleteFrom('idempotency_keys').where(({ eb, refTuple, selectFrom }) =>
    eb(
      refTuple('account_sid', 'key'),
      'in',
      selectFrom('idempotency_keys')
        .select(['account_sid', 'key'])
        .where('expires_at', '<=', now)
        .$if(account !== null, (q) => q.where('account_sid', '=', account!))
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .$asTuple('account_sid', 'key'),
    ),
  );
  return (await db.write(purge)).count;
}
