import type { IdempotencyKeysTable } from '../db/schema.js';
import { first } from '../db/unit-of-work.js';
import type { Db } from '../db/unit-of-work.js';

export type KeyRecord = IdempotencyKeysTable;

/** Claims the key for a first request; returns the existing record when it was already claimed. */
export async function claimKey(db: Db, record: KeyRecord): Promise<KeyRecord | null> {
  const claim = db.sql
    .insertInto('idempotency_keys')
    .values(record)
    .onConflict((conflict) => conflict.columns(['account_sid', 'key']).doNothing());
  if ((await db.write(claim)).count > 0) return null;
  const existing = first(
    await db.read(
      db.sql.selectFrom('idempotency_keys').selectAll().where('account_sid', '=', record.account_sid).where('key', '=', record.key),
    ),
  );
  // Gone between the two statements (released by a failed first request): try once more.
  return existing ?? claimKey(db, record);
}

export async function completeKey(db: Db, accountSid: string, key: string, status: number, response: string): Promise<void> {
  await db.write(
    db.sql.updateTable('idempotency_keys').set({ status, response }).where('account_sid', '=', accountSid).where('key', '=', key),
  );
}

export async function releaseKey(db: Db, accountSid: string, key: string): Promise<void> {
  await db.write(db.sql.deleteFrom('idempotency_keys').where('account_sid', '=', accountSid).where('key', '=', key));
}
