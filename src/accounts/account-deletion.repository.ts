// Every row an account owns, deleted children first. Some tables cascade from their parents and
// some only carry account_sid; deleting each table explicitly covers both and counts what went.
// Assignments are first: they hold pool numbers, and phone_numbers does not cascade to them.
// carrier_webhooks and carrier_status_reports record no account: they expire on their own.

import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** The tables an account's rows live in, in the order they are deleted. */
export const ACCOUNT_TABLES = [
  'assignments',
  'participants',
  'interactions',
  'sessions',
  'phone_numbers',
  'services',
  'outbox',
  'idempotency_keys',
  'api_keys',
  'simulator_messages',
  'simulator_calls',
  'accounts',
] as const;
export type AccountTable = (typeof ACCOUNT_TABLES)[number];

/** In the caller's transaction: how many rows went from each table. */
export async function deleteAccountRows(trx: Kysely<Database>, sid: string): Promise<Record<AccountTable, number>> {
  const counts = {} as Record<AccountTable, number>;
  for (const table of ACCOUNT_TABLES) {
    const result = await deleteFrom(trx, table, sid).executeTakeFirst();
    counts[table] = Number(result.numDeletedRows);
  }
  return counts;
}

function deleteFrom(trx: Kysely<Database>, table: AccountTable, sid: string) {
  switch (table) {
    case 'accounts':
      return trx.deleteFrom('accounts').where('sid', '=', sid);
    case 'assignments':
      // The one table without account_sid: reached through the account's services.
      return trx
        .deleteFrom('assignments')
        .where('service_sid', 'in', trx.selectFrom('services').select('sid').where('account_sid', '=', sid));
    default:
      return trx.deleteFrom(table).where('account_sid', '=', sid);
  }
}
