// `parley backup FILE [--force]`: on SQLite, a consistent copy of the database taken while the
// server runs (db/sqlite-backup.ts says what it holds and for how long), checked, then put under
// FILE in one step; on PostgreSQL, the pg_dump command to run instead (pg-commands.ts).

import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config.js';
import { backupSqlite } from '../db/sqlite-backup.js';
import { counts, out, UsageError } from './cli-kit.js';
import type { Options } from './cli-kit.js';
import { asUsageError, describeContents } from './backup-output.js';
import { sqliteFileOf } from './existing-database.js';
import { PASSWORD_ADVICE, pgDumpCommand, pgRestoreCommand } from './pg-commands.js';

export async function backupCommand(config: Config, args: string[], options: Options): Promise<void> {
  const file = args[0];
  if (file === undefined) throw new UsageError('parley backup FILE [--force]');
  const source = sqliteFileOf(config.databaseUrl, true);
  if (source === null) return printPgDump(config.databaseUrl, file);
  if (!existsSync(dirname(file))) throw new UsageError(`${dirname(file)} does not exist: make the directory first`);
  const replace = options.force === true;
  if (existsSync(file)) {
    if (!replace) throw new UsageError(`${file} exists: pass --force to replace it`);
    if (isPartOf(file, source)) throw new UsageError(`${file} is the database itself (or one of its files): back up to another file`);
  }
  const contents = await asUsageError(() => backupSqlite(source, file, replace), file);
  out(counts(`backed up ${source} to ${file}: ${describeContents(contents)}`, contents.counts));
}

/** Whether `file` is the database or its -wal, -shm or -journal, under whatever name (a link). */
function isPartOf(file: string, database: string): boolean {
  const target = statSync(file);
  return ['', '-wal', '-shm', '-journal'].some((suffix) => {
    const part = statSync(database + suffix, { throwIfNoEntry: false });
    return part !== undefined && part.dev === target.dev && part.ino === target.ino;
  });
}

function printPgDump(databaseUrl: string, file: string): void {
  out([
    'DATABASE_URL names a PostgreSQL database: Parley does not dump it itself; pg_dump takes a consistent',
    "snapshot without blocking the server's writes. Run:",
    '',
    `  ${pgDumpCommand(databaseUrl, file)}`,
    '',
    'To restore it, into an empty database (`parley restore FILE` checks that, then prints this again):',
    '',
    `  ${pgRestoreCommand(databaseUrl, file)}`,
    '',
    PASSWORD_ADVICE,
  ]);
}
