// What `parley backup` and `parley restore` refuse on SQLite files, and that a refusal leaves every
// file as it was: an existing backup without --force, the database itself, a target holding data,
// and files that are not Parley backups (random bytes, a truncated backup, a foreign database, one
// from a newer Parley). And the one restore that may replace a file: into an empty database,
// from an older backup, which is migrated forward. Always SQLite files, whatever the engine.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { openDatabase } from '../../src/db/database.js';
import { MIGRATION_NAMES, migrateUpTo } from '../../src/db/migrate.js';
import { runCli } from '../helpers/cli-process.js';

describe('parley backup and restore refusals', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-backup-refusals-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const path = (name: string) => join(dir, name);
  const parley = (args: string[], database: string) => runCli(args, { ...process.env, DATABASE_URL: `sqlite:${path(database)}` });
  const leftovers = () => readdirSync(dir).filter((name) => name.endsWith('.partial') || name.includes('.partial-'));

  before(async () => {
    assert.equal((await parley(['migrate'], 'live.db')).status, 0);
    assert.equal((await parley(['accounts', 'create', '--name', 'Acme'], 'live.db')).status, 0);
    const backup = await parley(['backup', path('good.db')], 'live.db');
    assert.equal(backup.status, 0, backup.stderr);
  });

  test('backup replaces an existing file only with --force, and never the database itself', async () => {
    writeFileSync(path('precious.db'), 'an earlier backup');
    const refused = await parley(['backup', path('precious.db')], 'live.db');
    assert.equal(refused.status, 2);
    assert.equal(refused.stderr, `parley: ${path('precious.db')} exists: pass --force to replace it\n`);
    assert.equal(readFileSync(path('precious.db'), 'utf8'), 'an earlier backup');

    const forced = await parley(['backup', path('precious.db'), '--force'], 'live.db');
    assert.equal(forced.status, 0, forced.stderr);
    assert.equal(readFileSync(path('precious.db')).subarray(0, 15).toString(), 'SQLite format 3');

    const itself = await parley(['backup', path('live.db'), '--force'], 'live.db');
    assert.equal(itself.status, 2);
    assert.match(itself.stderr, /live\.db is the database itself \(or one of its files\): back up to another file/);
    assert.deepEqual(leftovers(), []);
  });

  test('restore refuses a target that holds data, and leaves it as it was', async () => {
    const before = readFileSync(path('live.db'));
    const refused = await parley(['restore', path('good.db')], 'live.db');
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /live\.db is not empty \(rows in accounts\): restore only into an absent database or an empty one/);
    assert.deepEqual(readFileSync(path('live.db')), before);
    assert.deepEqual(leftovers(), []);
  });

  test('restore refuses what is not a Parley backup, and writes no target', async () => {
    const good = readFileSync(path('good.db'));
    writeFileSync(path('random.bin'), Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
    writeFileSync(path('truncated.db'), good.subarray(0, Math.floor(good.length / 2)));
    new SQLite(path('foreign.db')).exec('create table notes (body text)').close();
    writeFileSync(path('newer.db'), good);
    new SQLite(path('newer.db')).prepare(`insert into parley_migrations (name, timestamp) values ('9999-future', 'x')`).run();

    const cases: Array<[string, RegExp]> = [
      ['random.bin', /random\.bin is not a Parley backup: file is not a database/],
      ['truncated.db', /truncated\.db is not a Parley backup: (database disk image is malformed|SQLite's integrity check fails)/],
      ['foreign.db', /foreign\.db is not a Parley backup: it holds no Parley schema/],
      ['newer.db', /newer\.db was made by a newer Parley \(migration 9999-future is unknown to this one\): upgrade first/],
      ['missing.db', /missing\.db does not exist/],
    ];
    // Side by side: each refusal is independent of the others (partial files are named by process).
    const runs = await Promise.all(cases.map(([file]) => parley(['restore', path(file)], 'target.db')));
    cases.forEach(([file, message], i) => {
      assert.equal(runs[i]!.status, 2, `${file}: ${runs[i]!.stderr}`);
      assert.match(runs[i]!.stderr, message);
    });
    assert.equal(existsSync(path('target.db')), false, 'a refused restore left a target behind');
    assert.deepEqual(leftovers(), []);
  });

  test('restore fills an empty database, drops its stale WAL, and migrates an older backup forward', async () => {
    // A database as the previous release left it, with one account: a cold copy is a backup too.
    const previous = MIGRATION_NAMES.at(-2)!;
    const old = openDatabase(`sqlite:${path('old.db')}`, { checkpoints: false });
    await migrateUpTo(old.db, previous);
    await old.db
      .insertInto('accounts')
      .values({ sid: `AC${'1'.repeat(32)}`, auth_token: 'x'.repeat(32), friendly_name: 'Old', date_created: 0, date_updated: 0 } as never)
      .execute();
    await old.destroy();

    assert.equal((await parley(['migrate'], 'empty.db')).status, 0);
    writeFileSync(path('empty.db-wal'), 'a WAL left over from the database being replaced');
    const restored = await parley(['restore', path('old.db')], 'empty.db');
    assert.equal(restored.status, 0, restored.stderr);
    assert.match(restored.stdout, new RegExp(`schema ${previous}, integrity check ok; migrated forward: ${MIGRATION_NAMES.at(-1)}\\n`));
    assert.match(restored.stdout, /accounts {6}1\n/);
    assert.equal(existsSync(path('empty.db-wal')), false);

    const listed = await parley(['accounts', 'list'], 'empty.db');
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /AC1{32}/);
    assert.deepEqual(leftovers(), []);
  });
});
