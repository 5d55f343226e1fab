import type { Kysely, Migration, MigrationProvider, MigrationResultSet } from 'kysely';
import { Migrator } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as numberPool from './migrations/0002-number-pool-and-participants.js';
import * as interactions from './migrations/0003-interactions-and-outbox.js';
import * as apiKeys from './migrations/0004-api-keys-and-rate-limits.js';
import * as ownership from './migrations/0005-ownership-webhooks-retention.js';
import * as accountClocks from './migrations/0006-account-clocks.js';
import * as callbackLog from './migrations/0007-callback-log-and-faults.js';
import * as consoleMigration from './migrations/0008-console.js';
import * as sessionStatusCounts from './migrations/0009-session-status-counts.js';

// Listed explicitly (not read from disk) so the compiled server and the tests run the same set.
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-number-pool-and-participants': numberPool,
  '0003-interactions-and-outbox': interactions,
  '0004-api-keys-and-rate-limits': apiKeys,
  '0005-ownership-webhooks-retention': ownership,
  '0006-account-clocks': accountClocks,
  '0007-callback-log-and-faults': callbackLog,
  '0008-console': consoleMigration,
  '0009-session-status-counts': sessionStatusCounts,
};

/** The migrations this build knows, oldest first: a database that ran any other is from a newer Parley. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);
/** The newest migration this build knows: the schema a started server runs on. */
export const LATEST_MIGRATION = MIGRATION_NAMES.at(-1)!;

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };
export const MIGRATION_TABLE = 'parley_migrations';
export const MIGRATION_LOCK_TABLE = 'parley_migrations_lock';

/** Whether Parley's migrations ever ran on this database (an empty or a foreign one: false). */
export async function hasParleySchema(db: Kysely<any>): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((table) => table.name === MIGRATION_TABLE);
}

/** Brings the schema up to date; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return applied(await migrator(db).migrateToLatest());
}

/** Brings the schema to `name` and no further: a database as an older Parley left it (tests of upgrades). */
export async function migrateUpTo(db: Kysely<any>, name: string): Promise<string[]> {
  return applied(await migrator(db).migrateTo(name));
}

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider, migrationTableName: MIGRATION_TABLE, migrationLockTableName: MIGRATION_LOCK_TABLE });
}

function applied({ error, results = [] }: MigrationResultSet): string[] {
  if (error) throw error;
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Whether the database has this build's newest migration (for /healthz/ready: one primary-key lookup). */
export async function hasLatestMigration(db: Kysely<any>): Promise<boolean> {
  const row = await db.selectFrom(MIGRATION_TABLE).select('name').where('name', '=', LATEST_MIGRATION).executeTakeFirst();
  return row !== undefined;
}
