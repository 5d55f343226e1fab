// `parley backup` and `parley restore` on PostgreSQL print the pg_dump and pg_restore commands
// instead of copying data, with the password left out of them. Printing needs no database (the URL
// names a closed loopback port); restore's emptiness check, and the round trip through the printed
// commands themselves, run on the PostgreSQL pass (PARLEY_TEST_ENGINE=postgres).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { createTestDatabase, testEngine } from '../helpers/database.js';
import type { TestDatabase } from '../helpers/database.js';

const onPostgres = testEngine() === 'postgres' ? false : 'PostgreSQL pass only (PARLEY_TEST_ENGINE=postgres)';
const withPgTools = onPostgres || (spawnSync('pg_dump', ['--version']).status === 0 ? false : 'pg_dump is not installed');

describe('parley backup and restore on PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-backup-pg-'));
  const databases: TestDatabase[] = [];
  after(async () => {
    await Promise.all(databases.map((database) => database.drop()));
    rmSync(dir, { recursive: true, force: true });
  });
  const parley = (args: string[], url: string) => runCli(args, { ...process.env, DATABASE_URL: url });
  const fresh = async () => {
    const database = await createTestDatabase();
    databases.push(database);
    return database.url;
  };
  /** The indented command lines of the output, by the program they run. */
  const commandLine = (stdout: string, program: string) =>
    stdout
      .split('\n')
      .find((line) => line.startsWith(`  ${program} `))
      ?.trim() ?? assert.fail(`no ${program} command in:\n${stdout}`);

  test('backup prints the pg_dump and pg_restore commands without the password', async () => {
    const file = join(dir, "it's.dump");
    const printed = await parley(['backup', file], 'postgres://parley:s3cret-pw@127.0.0.1:1/parley?sslmode=disable&password=s3cret-pw');
    assert.equal(printed.status, 0, printed.stderr);
    const url = `'postgres://parley@127.0.0.1:1/parley?sslmode=disable'`;
    const quoted = `'${file.replace("'", `'\\''`)}'`;
    assert.equal(commandLine(printed.stdout, 'pg_dump'), `pg_dump --format=custom --no-owner --file=${quoted} ${url}`);
    assert.equal(
      commandLine(printed.stdout, 'pg_restore'),
      `pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname=${url} ${quoted}`,
    );
    assert.match(printed.stdout, /PGPASSWORD=… in its environment, or in ~\/\.pgpass/);
    assert.ok(!(printed.stdout + printed.stderr).includes('s3cret-pw'), printed.stdout);
  });

  test('restore refuses a database holding data, and what is not a pg_dump archive', { skip: onPostgres }, async () => {
    const url = await fresh();
    assert.equal((await parley(['migrate'], url)).status, 0);
    assert.equal((await parley(['accounts', 'create', '--name', 'Acme'], url)).status, 0);
    const archive = join(dir, 'archive.dump');
    writeFileSync(archive, 'PGDMP and nothing a pg_restore would take, but restore only reads the signature');

    const busy = await parley(['restore', archive], url);
    assert.equal(busy.status, 2);
    assert.match(busy.stderr, /is not empty \(rows in accounts\): restore only into an absent database or an empty one/);
    assert.equal(busy.stdout, '');

    writeFileSync(join(dir, 'sqlite.db'), 'SQLite format 3\0');
    const foreign = await parley(['restore', join(dir, 'sqlite.db')], await fresh());
    assert.equal(foreign.status, 2);
    assert.match(foreign.stderr, /sqlite\.db is not a pg_dump archive in custom format/);
  });

  test('the printed commands dump a database and restore it into an empty one', { skip: withPgTools }, async () => {
    const source = await fresh();
    assert.equal((await parley(['migrate'], source)).status, 0);
    const created = await parley(['accounts', 'create', '--name', 'Round trip'], source);
    const sid = /AC[0-9a-f]{32}/.exec(created.stdout)?.[0] ?? assert.fail(created.stdout);
    const file = join(dir, 'round-trip.dump');
    const dump = commandLine((await parley(['backup', file], source)).stdout, 'pg_dump');
    const dumped = spawnSync('sh', ['-c', dump], { encoding: 'utf8' });
    assert.equal(dumped.status, 0, dumped.stderr);

    // The target has Parley's tables already, empty (`parley migrate`): --clean replaces them.
    const target = await fresh();
    assert.equal((await parley(['migrate'], target)).status, 0);
    const printed = await parley(['restore', file], target);
    assert.equal(printed.status, 0, printed.stderr);
    const restored = spawnSync('sh', ['-c', commandLine(printed.stdout, 'pg_restore')], { encoding: 'utf8' });
    assert.equal(restored.status, 0, restored.stderr);

    const listed = await parley(['accounts', 'list'], target);
    assert.equal(listed.status, 0, listed.stderr);
    assert.ok(listed.stdout.includes(sid), listed.stdout);
  });
});
