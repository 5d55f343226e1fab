import type { Kysely } from 'kysely';
import type { AccountRow, Database } from '../db/schema.js';

export async function findAccount(db: Kysely<Database>, sid: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('sid', '=', sid).executeTakeFirst();
}

export async function findOldestAccount(db: Kysely<Database>): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().orderBy('date_created', 'asc').orderBy('sid', 'asc').limit(1).executeTakeFirst();
}

export async function insertAccount(db: Kysely<Database>, row: AccountRow): Promise<void> {
  await db.insertInto('accounts').values(row).execute();
}

export async function updateAuthToken(db: Kysely<Database>, sid: string, authToken: string, now: number): Promise<void> {
  await db.updateTable('accounts').set({ auth_token: authToken, date_updated: now }).where('sid', '=', sid).execute();
}
