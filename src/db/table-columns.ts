// The columns of a table, as the database itself has them (Kysely's introspection), read once per
// database. For the few queries that must name every column (a join that takes whole rows of two
// tables with the same column names): no list kept by hand that a migration could leave behind.

import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Db } from './unit-of-work.js';

const known = new WeakMap<object, Promise<Map<string, string[]>>>();

/**
 * Reads every table's columns, for `db`; the app does it at start-up (reading through `via`, its
 * maintenance connection), so no request pays for it.
 */
export function loadColumns(db: Db, via: Kysely<Database> = db.sql): Promise<Map<string, string[]>> {
  const adapter = db.sql.getExecutor().adapter;
  let tables = known.get(adapter);
  if (tables === undefined) {
    tables = via.introspection
      .getTables()
      .then((metadata) => new Map(metadata.map((t) => [t.name, t.columns.map((column) => column.name)])));
    known.set(adapter, tables);
  }
  return tables;
}

export async function columnsOf(db: Db, table: keyof Database & string): Promise<readonly string[]> {
  const columns = (await loadColumns(db)).get(table);
  if (columns === undefined) throw new Error(`no table ${table}`);
  return columns;
}
