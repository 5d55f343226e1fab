// Scratch PostgreSQL databases for a benchmark: created (afresh) on the server the bench was
// given, and dropped when it is done.

import pg from 'pg';

/** The server to bench on: PARLEY_BENCH_DATABASE_URL, else PARLEY_TEST_DATABASE_URL; undefined for none. */
export function benchPostgresServer(): string | undefined {
  return process.env.PARLEY_BENCH_DATABASE_URL ?? process.env.PARLEY_TEST_DATABASE_URL;
}

/** Creates `parley_bench_<name>` (dropping any left from an earlier run) and answers its URL. */
export async function createPgDatabase(serverUrl: string, name: string): Promise<string> {
  const database = `parley_bench_${name}`;
  await administer(serverUrl, async (client) => {
    await client.query(`drop database if exists ${database} with (force)`);
    await client.query(`create database ${database}`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Drops a database createPgDatabase() made, whoever is still connected to it. */
export async function dropPgDatabase(serverUrl: string, databaseUrl: string): Promise<void> {
  const database = new URL(databaseUrl).pathname.slice(1);
  if (!/^parley_bench_\w+$/.test(database)) throw new Error(`not a bench database: ${database}`);
  await administer(serverUrl, (client) => client.query(`drop database if exists ${database} with (force)`));
}

async function administer(serverUrl: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
