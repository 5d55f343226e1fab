// `parley migrate`: creates the database (the one command besides serve that may) or brings its
// schema up to date.

import type { Config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { out } from './cli-kit.js';

export async function migrateCommand(config: Config): Promise<void> {
  const database = openDatabase(config.databaseUrl, { checkpoints: false });
  try {
    const applied = await migrateToLatest(database.db);
    out([applied.length > 0 ? `applied: ${applied.join(', ')}` : 'schema is up to date']);
  } finally {
    await database.destroy();
  }
}
