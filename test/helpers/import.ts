// The target side of `parley import twilio-proxy` tests: a fresh Parley database (a SQLite file,
// or a PostgreSQL database on the PostgreSQL pass) with the schema in place, the command run
// against it as a user runs it, and its tables read back for comparison.

import assert from 'node:assert/strict';
import { after } from 'node:test';
import { openDatabase } from '../../src/db/database.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './app.js';
import type { TestApp } from './app.js';
import { runCli } from './cli-process.js';
import type { CliRun } from './cli-process.js';
import { createDurableDatabase } from './database.js';
import type { TestDatabase } from './database.js';

export interface ImportTarget {
  url: string;
  /** Opened on demand, closed by close(). */
  handle(): DatabaseHandle;
  /** `parley import twilio-proxy` from `source` (the test account's credentials) with these options. */
  run(source: TestApp, ...args: string[]): Promise<CliRun>;
  close(): Promise<void>;
}

export async function importTarget(): Promise<ImportTarget> {
  const database: TestDatabase = await createDurableDatabase();
  let handle: DatabaseHandle | null = openDatabase(database.url, { checkpoints: false });
  await migrateToLatest(handle.db);
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url, PARLEY_LOG_LEVEL: 'warn' };
  for (const name of ['PARLEY_ACCOUNT_SID', 'PARLEY_AUTH_TOKEN', 'PARLEY_CARRIER', 'PARLEY_NUMBER_CHECK']) delete env[name];
  return {
    url: database.url,
    handle: () => (handle ??= openDatabase(database.url, { checkpoints: false })),
    run: (source, ...args) =>
      runCli(
        [
          'import',
          'twilio-proxy',
          '--account-sid',
          TEST_ACCOUNT_SID,
          '--auth-token',
          TEST_AUTH_TOKEN,
          '--from-url',
          source.baseUrl,
          ...args,
        ],
        env,
      ),
    close: async () => {
      await handle?.destroy();
      handle = null;
      await database.drop();
    },
  };
}

/** For a describe block: a fresh target whenever a test asks, every one closed after the block. */
export function targetsPerTest(): () => Promise<ImportTarget> {
  const targets: ImportTarget[] = [];
  after(async () => {
    for (const target of targets) await target.close();
  });
  return async () => {
    const target = await importTarget();
    targets.push(target);
    return target;
  };
}

/** The report's row for `resource` as [created, updated, unchanged, refused]. */
export function countsOf(run: CliRun, resource: string): number[] {
  const row = new RegExp(`^  ${resource} +([\\d ]+)$`, 'm').exec(run.stdout);
  assert.ok(row, `no "${resource}" row in:\n${run.stdout}\n${run.stderr}`);
  return row[1]!.trim().split(/\s+/).map(Number);
}

export function succeeded(run: CliRun, what = 'the import'): CliRun {
  assert.equal(run.status, 0, `${what}: exit ${run.status}\n${run.stdout}\n${run.stderr}`);
  return run;
}

const TABLES = ['services', 'phone_numbers', 'sessions', 'participants', 'assignments', 'interactions'] as const;
export type Table = (typeof TABLES)[number];

/** Every row of the tables the import writes, in a stable order: for "nothing changed" and "equal to the source". */
export async function rowsOf(database: DatabaseHandle, tables: readonly Table[] = TABLES): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const order = table === 'assignments' ? 'participant_sid' : 'sid';
    out[table] = await database.db
      .selectFrom(table)
      .selectAll()
      .orderBy(order as any)
      .execute();
  }
  return out;
}
