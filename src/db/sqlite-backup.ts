// `parley backup` on SQLite: a consistent copy of the database while the server keeps writing.
//
// The copy is one `VACUUM INTO`, a single statement and so a single read transaction: it sees the
// database as of the moment it began, whatever commits meanwhile. In WAL mode a reader never blocks
// the writer, so the server's requests carry on; what the read transaction holds back, for as long
// as the copy takes, is the checkpoint, which cannot recycle the WAL past the copy's snapshot (the
// WAL grows meanwhile and is checkpointed after). SQLite's online backup API was the other way, but
// stepwise it restarts whenever another connection writes, so under steady load it may never end;
// VACUUM INTO does not care, and writes a compact file in rollback-journal mode (one file, no -wal).
// The copy is checked (integrity_check, Parley's schema) before it takes the destination's name.

import { closeSync, openSync, statSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { MIGRATION_TABLE } from './migrate.js';
import { discardPartial, installFile, partialPathFor } from './file-install.js';

/** Something about the files that the operator must sort out: the command says what, and stops. */
export class BackupRefusal extends Error {}

export interface BackupContents {
  bytes: number;
  /** Every migration that ran on it, oldest first; the last is its schema version. */
  migrations: string[];
  /** Rows of the tables a person recognises their data by. */
  counts: Array<[string, number]>;
}

const COUNTED = ['accounts', 'services', 'sessions', 'participants'];

/** Copies the live database at `source` to `destination`; an existing one is replaced only if `replace`. */
export function backupSqlite(source: string, destination: string, replace: boolean): BackupContents {
  const partial = partialPathFor(destination);
  discardPartial(partial);
  // Created 0600 before SQLite writes into it (VACUUM INTO takes an empty file): the copy holds auth
  // tokens and phone numbers, as the database does (sqlite-files.ts).
  closeSync(openSync(partial, 'wx', 0o600));
  try {
    const sqlite = new SQLite(source, { fileMustExist: true });
    try {
      sqlite.pragma('busy_timeout = 5000');
      if (!hasTable(sqlite, MIGRATION_TABLE)) throw new BackupRefusal(`${source} holds no Parley database`);
      sqlite.prepare('VACUUM INTO ?').run(partial);
    } finally {
      sqlite.close();
    }
    const contents = examineBackup(partial, 'the copy');
    installFile(partial, destination, replace);
    return contents;
  } catch (err) {
    discardPartial(partial);
    throw err;
  }
}

/**
 * What a backup file holds, once SQLite's integrity check passes and Parley's schema is there;
 * otherwise a BackupRefusal that says why, naming the file as `named`.
 */
export function examineBackup(path: string, named: string): BackupContents {
  const refuse = (why: string) => new BackupRefusal(`${named} is not a Parley backup: ${why}`);
  let sqlite: SQLite.Database | null = null;
  try {
    sqlite = new SQLite(path, { fileMustExist: true });
    const problems = (sqlite.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check);
    if (problems.join() !== 'ok') throw refuse(`SQLite's integrity check fails (${problems.slice(0, 3).join('; ')})`);
    if (!hasTable(sqlite, MIGRATION_TABLE)) throw refuse('it holds no Parley schema');
    const migrations = (sqlite.prepare(`select name from ${MIGRATION_TABLE} order by name`).all() as Array<{ name: string }>).map(
      (row) => row.name,
    );
    if (migrations.length === 0) throw refuse('no migration ever ran on it');
    const db = sqlite;
    const counts = COUNTED.filter((table) => hasTable(db, table)).map((table): [string, number] => [
      table,
      (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n,
    ]);
    return { bytes: statSync(path).size, migrations, counts };
  } catch (err) {
    // "file is not a database", "database disk image is malformed": SQLite's own words say it best.
    if (err instanceof SQLite.SqliteError) throw refuse(err.message);
    throw err;
  } finally {
    sqlite?.close();
  }
}

function hasTable(sqlite: SQLite.Database, name: string): boolean {
  return sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(name) !== undefined;
}
