import type { Kysely } from 'kysely';
import type { AccountRow, ApiKeyRow, Database } from '../db/schema.js';

export async function findAccount(db: Kysely<Database>, sid: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('sid', '=', sid).executeTakeFirst();
}

export async function findOldestAccount(db: Kysely<Database>): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().orderBy('date_created', 'asc').orderBy('sid', 'asc').limit(1).executeTakeFirst();
}

export async function listAccounts(db: Kysely<Database>): Promise<AccountRow[]> {
  return db.selectFrom('accounts').selectAll().orderBy('date_created', 'asc').orderBy('sid', 'asc').execute();
}

export async function insertAccount(db: Kysely<Database>, row: AccountRow): Promise<void> {
  await db.insertInto('accounts').values(row).execute();
}

export async function updateAccount(db: Kysely<Database>, sid: string, changes: Partial<AccountRow>): Promise<boolean> {
  const result = await db.updateTable('accounts').set(changes).where('sid', '=', sid).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertApiKey(db: Kysely<Database>, row: ApiKeyRow): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

export async function findApiKey(db: Kysely<Database>, sid: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('sid', '=', sid).executeTakeFirst();
}

export async function listApiKeys(db: Kysely<Database>, accountSid: string): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_keys').selectAll().where('account_sid', '=', accountSid).orderBy('date_created', 'asc').execute();
}

export async function deleteApiKey(db: Kysely<Database>, sid: string): Promise<boolean> {
  const result = await db.deleteFrom('api_keys').where('sid', '=', sid).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The secondary token becomes the primary and the old primary is gone; false when there was none. */
export async function promoteSecondaryToken(db: Kysely<Database>, sid: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('accounts')
    .set((eb) => ({ auth_token: eb.ref('secondary_auth_token').$castTo<string>(), secondary_auth_token: null, date_updated: now }))
    .where('sid', '=', sid)
    .where('secondary_auth_token', 'is not', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Removes the secondary token; false when there was none. */
export async function deleteSecondaryToken(db: Kysely<Database>, sid: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('accounts')
    .set({ secondary_auth_token: null, date_updated: now })
    .where('sid', '=', sid)
    .where('secondary_auth_token', 'is not', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
