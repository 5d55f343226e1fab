// `parley restore FILE`: on SQLite, the backup becomes the database DATABASE_URL names, if that
// database is empty (db/sqlite-restore.ts: the checks, and why there is no --force); on
// PostgreSQL, the same emptiness check of the target, then the pg_restore command to run.

import { closeSync, openSync, readSync } from 'node:fs';
import type { Config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { notEmpty, restoreSqlite } from '../db/sqlite-restore.js';
import { tablesHoldingRows } from '../db/table-rows.js';
import { counts, out, UsageError } from './cli-kit.js';
import { asUsageError, describeContents } from './backup-output.js';
import { sqliteFileOf } from './existing-database.js';
import { PASSWORD_ADVICE, pgRestoreCommand, withoutPassword } from './pg-commands.js';

export async function restoreCommand(config: Config, args: string[]): Promise<void> {
  const file = args[0];
  if (file === undefined) throw new UsageError('parley restore FILE');
  const target = sqliteFileOf(config.databaseUrl, false);
  if (target === null) return printPgRestore(config.databaseUrl, file);
  const restored = await asUsageError(() => restoreSqlite(file, target), target);
  const schema = restored.applied.length > 0 ? `migrated forward: ${restored.applied.join(', ')}` : 'schema is up to date';
  out(counts(`restored ${file} into ${target}: ${describeContents(restored)}; ${schema}`, restored.counts));
}

/** pg_dump's custom format begins with these bytes; a SQLite backup (or anything else) does not. */
const PG_DUMP_MAGIC = 'PGDMP';

async function printPgRestore(databaseUrl: string, file: string): Promise<void> {
  if (leadingBytes(file, PG_DUMP_MAGIC.length) !== PG_DUMP_MAGIC) {
    throw new UsageError(`${file} is not a pg_dump archive in custom format (pg_dump --format=custom; parley backup prints the command)`);
  }
  const database = openDatabase(databaseUrl, { poolSize: 1 });
  try {
    const holding = await database.maintain((db) => tablesHoldingRows(db));
    if (holding.length > 0) throw new UsageError(notEmpty(withoutPassword(databaseUrl).url, holding));
  } finally {
    await database.destroy();
  }
  out([
    'DATABASE_URL names a PostgreSQL database, and it is empty. Restore the dump with:',
    '',
    `  ${pgRestoreCommand(databaseUrl, file)}`,
    '',
    'then `parley migrate` (or start the server) brings its schema up to date if the dump is older.',
    PASSWORD_ADVICE,
  ]);
}

function leadingBytes(file: string, count: number): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new UsageError(`${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    const buffer = Buffer.alloc(count);
    return buffer.subarray(0, readSync(fd, buffer, 0, count, 0)).toString('latin1');
  } finally {
    closeSync(fd);
  }
}
