// What "an empty database" means to `parley restore`, on both engines: one that no table holds a row
// in, Parley's migration bookkeeping and the health check's scratch row aside. `parley migrate`
// leaves a database empty; `parley serve` does not (it makes its account at start-up), so a
// database any server ran on is never empty. Tables that are not Parley's count too: a database
// holding someone else's data is not a place to restore into.

import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE } from './migrate.js';

/** Rows in these mean nothing: the migrator's own, and the row /healthz writes to test storage. */
const BOOKKEEPING = new Set([MIGRATION_TABLE, MIGRATION_LOCK_TABLE, 'storage_probe']);

/** The tables of `db` that hold at least one row, by name (empty when the database is empty). */
export async function tablesHoldingRows(db: Kysely<any>): Promise<string[]> {
  const holding: string[] = [];
  for (const table of await db.introspection.getTables()) {
    if (BOOKKEEPING.has(table.name)) continue;
    const name = table.schema === undefined ? sql.table(table.name) : sql.table(`${table.schema}.${table.name}`);
    // `limit 1`: whether there is a row, not how many (a count would read a big table through).
    const found = await sql`select 1 as found from ${name} limit 1`.execute(db);
    if (found.rows.length > 0) holding.push(table.name);
  }
  return holding;
}
