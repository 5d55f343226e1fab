// Every row an account owns, deleted children first. Some tables cascade from their parents and
// some only carry account_sid; deleting each table explicitly covers both and counts what went.
// Assignments are first: they hold pool numbers, and phone_numbers does not cascade to them.
// carrier_webhooks and carrier_status_reports record no account: they expire on their own.

import type { Db } from '../db/unit-of-work.js';

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
  'simulator_faults',
  'console_sessions',
  'accounts',
] as const;
export type AccountTable = (typeof ACCOUNT_TABLES)[number];

/** In the caller's unit of work: how many rows went from each table. */
export async function deleteAccountRows(uow: Db, sid: string): Promise<Record<AccountTable, number>> {
  const counts = {} as Record<AccountTable, number>;
  for (const table of ACCOUNT_TABLES) counts[table] = (await uow.write(deleteFrom(uow, table, sid))).count;
  return counts;
}

function deleteFrom(uow: Db, table: AccountTable, sid: string) {
  switch (table) {
    case 'accounts':
      return uow.sql.deleteFrom('accounts').where('sid', '=', sid);
    case 'assignments':
      // The one table without account_sid: reached through the account's services.
      return uow.sql
        .deleteFrom('assignments')
        .where('service_sid', 'in', uow.sql.selectFrom('services').select('sid').where('account_sid', '=', sid));
    default:
      return uow.sql.deleteFrom(table).where('account_sid', '=', sid);
  }
}
