// The administration commands work on the server's database; they never create one. A mistyped
// DATABASE_URL (or none, in the wrong directory) would otherwise make an empty database, and the
// command would report "no account AC…" or, worse, create an account nobody's server reads.

import { existsSync } from 'node:fs';
import { AdminRefusal } from '../accounts/accounts.service.js';
import { ConfigError } from '../config.js';
import type { Config } from '../config.js';
import { openDatabase } from '../db/database.js';
import type { DatabaseHandle } from '../db/database.js';
import { hasParleySchema, migrateToLatest } from '../db/migrate.js';
import type { AdminContext } from './cli-kit.js';
import { UsageError } from './cli-kit.js';

const CREATE_IT = 'parley serve or parley migrate creates one';

/** Runs `work` on the database DATABASE_URL names, refusing a missing or a non-Parley one. */
export async function withExistingDatabase(config: Config, work: (context: AdminContext) => Promise<void>): Promise<void> {
  const database = await openExisting(config.databaseUrl);
  try {
    await work({ database, config });
  } catch (err) {
    // A refusal of the domain's ("no account AC…") is the operator's to fix: a usage error.
    throw err instanceof AdminRefusal ? new UsageError(err.message) : err;
  } finally {
    await database.destroy();
  }
}

/** The SQLite file DATABASE_URL names (null for PostgreSQL); `existing`: refused unless it exists. */
export function sqliteFileOf(url: string, existing: boolean): string | null {
  if (!url.startsWith('sqlite:')) return null;
  const path = url.slice('sqlite:'.length);
  if (path === ':memory:' || path === '') throw new ConfigError('DATABASE_URL', `is ${url} (an in-memory database holds nothing yet)`);
  if (existing && !existsSync(path)) throw new ConfigError('DATABASE_URL', `names ${path}, which does not exist (${CREATE_IT})`);
  return path;
}

async function openExisting(url: string): Promise<DatabaseHandle> {
  sqliteFileOf(url, true);
  // Checkpoints are the server's business: a command that runs for a moment needs no worker.
  const database = openDatabase(url, { checkpoints: false });
  try {
    if (!(await hasParleySchema(database.db))) {
      throw new ConfigError('DATABASE_URL', `names ${url.replace(/\/\/[^@/]*@/, '//***@')}, which holds no Parley database (${CREATE_IT})`);
    }
    // A Parley database of an older version: brought up to date, as the server would.
    await migrateToLatest(database.db);
    return database;
  } catch (err) {
    await database.destroy();
    throw err;
  }
}
