import { sql } from 'kysely';
import type { AccountRow, ApiKeyRow } from '../db/schema.js';
import { first } from '../db/unit-of-work.js';
import type { Db } from '../db/unit-of-work.js';

export async function findAccount(db: Db, sid: string): Promise<AccountRow | undefined> {
  return first(await db.read(db.sql.selectFrom('accounts').selectAll().where('sid', '=', sid)));
}

export async function findOldestAccount(db: Db): Promise<AccountRow | undefined> {
  return first(await db.read(db.sql.selectFrom('accounts').selectAll().orderBy('date_created', 'asc').orderBy('sid', 'asc').limit(1)));
}

export function listAccounts(db: Db): Promise<AccountRow[]> {
  return db.read(db.sql.selectFrom('accounts').selectAll().orderBy('date_created', 'asc').orderBy('sid', 'asc'));
}

export async function insertAccount(db: Db, row: AccountRow): Promise<void> {
  await db.write(db.sql.insertInto('accounts').values(row));
}

export async function updateAccount(db: Db, sid: string, changes: Partial<AccountRow>): Promise<boolean> {
  return (await db.write(db.sql.updateTable('accounts').set(changes).where('sid', '=', sid))).count > 0;
}

export async function insertApiKey(db: Db, row: ApiKeyRow): Promise<void> {
  await db.write(db.sql.insertInto('api_keys').values(row));
}

export async function findApiKey(db: Db, sid: string): Promise<ApiKeyRow | undefined> {
  return first(await db.read(db.sql.selectFrom('api_keys').selectAll().where('sid', '=', sid)));
}

export function listApiKeys(db: Db, accountSid: string): Promise<ApiKeyRow[]> {
  return db.read(db.sql.selectFrom('api_keys').selectAll().where('account_sid', '=', accountSid).orderBy('date_created', 'asc'));
}

export async function deleteApiKey(db: Db, sid: string): Promise<boolean> {
  return (await db.write(db.sql.deleteFrom('api_keys').where('sid', '=', sid))).count > 0;
}

/** The secondary token becomes the primary and the old primary is gone; false when there was none. */
export async function promoteSecondaryToken(db: Db, sid: string, now: number): Promise<boolean> {
  const promote = db.sql
    .updateTable('accounts')
    .set((eb) => ({ auth_token: eb.ref('secondary_auth_token').$castTo<string>(), secondary_auth_token: null, date_updated: now }))
    .where('sid', '=', sid)
    .where('secondary_auth_token', 'is not', null);
  return (await db.write(promote)).count > 0;
}

/** Removes the secondary token; false when there was none. */
export async function deleteSecondaryToken(db: Db, sid: string, now: number): Promise<boolean> {
  const clear = db.sql
    .updateTable('accounts')
    .set({ secondary_auth_token: null, date_updated: now })
    .where('sid', '=', sid)
    .where('secondary_auth_token', 'is not', null);
  return (await db.write(clear)).count > 0;
}

/** The accounts whose emulator clock runs ahead of real time (a literal condition: the partial index's). */
export function clocksAhead(db: Db): Promise<Array<{ sid: string; clock_offset_ms: number }>> {
  return db.read(
    db.sql
      .selectFrom('accounts')
      .select(['sid', 'clock_offset_ms'])
      .where(sql<boolean>`clock_offset_ms > 0`),
  );
}

/** The account's clock offset; undefined when there is no such account. */
export async function clockOffsetOf(db: Db, sid: string): Promise<number | undefined> {
  return first(await db.read(db.sql.selectFrom('accounts').select('clock_offset_ms').where('sid', '=', sid)))?.clock_offset_ms;
}

/** Moves the account's clock offset to `offsetMs` unless it is already further: the clock never goes back. */
export async function moveClockOffset(db: Db, sid: string, offsetMs: number): Promise<boolean> {
  const move = db.sql
    .updateTable('accounts')
    .set({ clock_offset_ms: offsetMs })
    .where('sid', '=', sid)
    .where('clock_offset_ms', '<=', offsetMs);
  return (await db.write(move)).count > 0;
}
