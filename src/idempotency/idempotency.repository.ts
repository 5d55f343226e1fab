import type { Kysely } from 'kysely';
import type { Database, IdempotencyKeysTable } from '../db/schema.js';

export type KeyRecord = IdempotencyKeysTable;

/** Claims the key for a first request; returns the existing record when it was already claimed. */
export async function claimKey(db: Kysely<Database>, record: KeyRecord): Promise<KeyRecord | null> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values(record)
    .onConflict((conflict) => conflict.columns(['account_sid', 'key']).doNothing())
    .executeTakeFirst();
  if ((inserted.numInsertedOrUpdatedRows ?? 0n) > 0n) return null;
  const existing = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('account_sid', '=', record.account_sid)
    .where('key', '=', record.key)
    .executeTakeFirst();
  // Gone between the two statements (released by a failed first request): try once more.
  return existing ?? claimKey(db, record);
}

export async function completeKey(db: Kysely<Database>, accountSid: string, key: string, status: number, response: string): Promise<void> {
  await db.updateTable('idempotency_keys').set({ status, response }).where('account_sid', '=', accountSid).where('key', '=', key).execute();
}

export async function releaseKey(db: Kysely<Database>, accountSid: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('account_sid', '=', accountSid).where('key', '=', key).execute();
}

export async function purgeExpiredKeys(db: Kysely<Database>, now: number): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).execute();
}
