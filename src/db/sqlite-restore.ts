// `parley restore` on SQLite: a backup becomes the database DATABASE_URL names, only where that
// loses nothing. The target must be empty (table-rows.ts): absent, or a database no table of which
// holds a row. Any database a server ran on holds its account, so a running server's database is
// always refused, and nothing is renamed over a file a server has open (its writes would go on into
// the replaced file, unseen). There is no --force: replacing data is `rm` first, a step the
// operator takes knowingly.
//
// The backup is copied next to the target, checked there (what is checked is what is installed),
// brought up to this build's schema, and only then renamed into place; the target's stale -wal and
// -shm go first, as SQLite would otherwise replay the old WAL into the new file.

import { chmodSync, constants, copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { MIGRATION_NAMES, migrateToLatest } from './migrate.js';
import { discardPartial, installFile, partialPathFor } from './file-install.js';
import { BackupRefusal, examineBackup } from './sqlite-backup.js';
import type { BackupContents } from './sqlite-backup.js';
import { tablesHoldingRows } from './table-rows.js';

export interface Restored extends BackupContents {
  /** The migrations run on the copy: the backup was made by an older Parley. */
  applied: string[];
}

export async function restoreSqlite(file: string, target: string): Promise<Restored> {
  if (!existsSync(file)) throw new BackupRefusal(`${file} does not exist`);
  await refuseUnlessEmpty(target);
  // A new machine's data directory may not exist yet: made as the server would (sqlite-files.ts).
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const partial = partialPathFor(target);
  discardPartial(partial);
  try {
    copyFileSync(file, partial, constants.COPYFILE_EXCL);
    chmodSync(partial, 0o600);
    const contents = examineBackup(partial, file);
    const unknown = contents.migrations.filter((name) => !MIGRATION_NAMES.includes(name));
    if (unknown.length > 0) {
      throw new BackupRefusal(`${file} was made by a newer Parley (migration ${unknown.join(', ')} is unknown to this one): upgrade first`);
    }
    const applied = await migrateFile(partial);
    // Once more, just before replacing it: a server may have started on it since the first look.
    await refuseUnlessEmpty(target);
    for (const stale of [`${target}-wal`, `${target}-shm`]) rmSync(stale, { force: true });
    installFile(partial, target, true);
    return { ...contents, applied };
  } catch (err) {
    discardPartial(partial);
    throw err;
  }
}

async function refuseUnlessEmpty(target: string): Promise<void> {
  if (!existsSync(target)) return;
  // Read-only: a refused target is left as it was.
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(target, { readonly: true, fileMustExist: true }) }) });
  let holding: string[];
  try {
    holding = await tablesHoldingRows(db);
  } catch (err) {
    if (!(err instanceof SQLite.SqliteError)) throw err;
    throw new BackupRefusal(`${target} exists and is not an empty SQLite database (${err.message}): restore into a new file`);
  } finally {
    await db.destroy();
  }
  if (holding.length > 0) throw new BackupRefusal(notEmpty(target, holding));
}

/** The refusal for a target that holds data, on either engine. */
export function notEmpty(target: string, holding: string[]): string {
  return (
    `${target} is not empty (rows in ${holding.join(', ')}): restore only into an absent database or an empty one ` +
    `(no rows in any table but Parley's migration records; a database a server ran on holds its account); ` +
    `remove it yourself if you mean to replace it`
  );
}

/** Brings the copy up to this build's schema, before it takes the target's name. */
async function migrateFile(path: string): Promise<string[]> {
  const sqlite = new SQLite(path, { fileMustExist: true });
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    return await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}
