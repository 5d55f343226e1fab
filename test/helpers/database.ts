// Each test app gets a database of its own: an in-memory SQLite one, or a fresh PostgreSQL
// database on the server named by PARLEY_TEST_DATABASE_URL when PARLEY_TEST_ENGINE=postgres; a
// test that restarts a server on its database takes a durable one (a SQLite file).

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type TestEngine = 'sqlite' | 'postgres';

export function testEngine(): TestEngine {
  return process.env.PARLEY_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testEngine() === 'sqlite') return { url: 'sqlite::memory:', drop: async () => {} };
  const serverUrl = process.env.PARLEY_TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('PARLEY_TEST_ENGINE=postgres needs PARLEY_TEST_DATABASE_URL');
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(serverUrl, `drop database if exists ${name} with (force)`),
  };
}

/**
 * A database that outlives one app, for tests that restart a server on it or run two on it: a
 * SQLite file in a directory of its own, or a fresh PostgreSQL database; drop() removes either.
 */
export async function createDurableDatabase(): Promise<TestDatabase> {
  if (testEngine() === 'postgres') return createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  return { url: `sqlite:${join(dir, 'parley.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
