// The administration commands work on the server's database and never create one: a missing
// SQLite file, or a database Parley's migrations never ran on (an empty SQLite file, a fresh
// PostgreSQL database), is an error naming DATABASE_URL, and nothing is written. On a Parley
// database, lists say when there is nothing to list, and revoking a revoked key says so.

import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, testEngine } from '../helpers/database.js';
import type { TestDatabase } from '../helpers/database.js';
import { runCli } from '../helpers/cli-process.js';

const SOME_ACCOUNT = `AC${'1'.repeat(32)}`;
/** Every command that needs an existing database, with arguments it would otherwise accept. */
const ADMIN_COMMANDS: string[][] = [
  ['accounts', 'create', '--name', 'Ghost'],
  ['accounts', 'list'],
  ['accounts', 'set', SOME_ACCOUNT, '--name', 'Ghost'],
  ['accounts', 'token', SOME_ACCOUNT],
  ['accounts', 'secondary-token', SOME_ACCOUNT],
  ['accounts', 'delete', SOME_ACCOUNT],
  ['keys', 'create', '--account', SOME_ACCOUNT],
  ['keys', 'list', '--account', SOME_ACCOUNT],
  ['keys', 'revoke', `SK${'1'.repeat(32)}`],
  ['erase-number', '+12125550123', '--account', SOME_ACCOUNT],
  // The database is checked before the source is read (nothing listens on port 9).
  ['import', 'twilio-proxy', '--account-sid', SOME_ACCOUNT, '--auth-token', 'token', '--from-url', 'http://127.0.0.1:9'],
];

describe('parley administration commands need an existing database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-existing-'));
  let database: TestDatabase | null = null;
  const base: NodeJS.ProcessEnv = { ...process.env, PARLEY_LOG_LEVEL: 'warn' };
  delete base.PARLEY_ACCOUNT_SID;
  delete base.PARLEY_AUTH_TOKEN;
  before(async () => {
    if (testEngine() === 'postgres') database = await createTestDatabase();
  });
  after(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every administration command refuses the database, with one line naming DATABASE_URL; their error output. */
  async function expectRefused(env: NodeJS.ProcessEnv, problem: RegExp): Promise<string> {
    const runs = await Promise.all(ADMIN_COMMANDS.map((args) => runCli(args, env)));
    runs.forEach((run, i) => {
      const what = `parley ${ADMIN_COMMANDS[i]!.join(' ')}`;
      assert.equal(run.status, 1, `${what}: exit ${run.status}\n${run.stderr}${run.stdout}`);
      assert.match(run.stderr, /^parley: DATABASE_URL /, what);
      assert.match(run.stderr.trimEnd(), problem, what);
      assert.equal(run.stderr.trimEnd().split('\n').length, 1, `${what}: one line\n${run.stderr}`);
      assert.equal(run.stdout, '', what);
    });
    return runs.map((run) => run.stderr).join('');
  }

  test('a SQLite file that does not exist is not created', { skip: testEngine() === 'postgres' }, async () => {
    const path = join(dir, 'missing', 'parley.db');
    await expectRefused(
      { ...base, DATABASE_URL: `sqlite:${path}` },
      /names .*parley\.db, which does not exist \(parley serve or parley migrate creates one\)$/,
    );
    assert.ok(!existsSync(join(dir, 'missing')), 'neither the file nor its directory');
    // --database-url is checked the same way.
    const run = await runCli(['accounts', 'list', '--database-url', `sqlite:${path}`], { ...base, DATABASE_URL: 'sqlite::memory:' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^parley: DATABASE_URL names .*missing\/parley\.db, which does not exist/);
    const memory = await runCli(['accounts', 'list'], { ...base, DATABASE_URL: 'sqlite::memory:' });
    assert.equal(memory.status, 1);
    assert.match(memory.stderr, /^parley: DATABASE_URL is sqlite::memory: \(an in-memory database holds nothing yet\)\n$/);
  });

  test('a database Parley never migrated is refused, and no schema is created in it', async () => {
    let url: string;
    if (database !== null) url = database.url;
    else {
      const path = join(dir, 'empty.db');
      closeSync(openSync(path, 'w'));
      url = `sqlite:${path}`;
    }
    const refusals = await expectRefused(
      { ...base, DATABASE_URL: url },
      /which holds no Parley database \(parley serve or parley migrate creates one\)$/,
    );
    // The URL's credentials are not repeated.
    const credentials = /\/\/([^@/]+)@/.exec(url)?.[1];
    if (credentials !== undefined) assert.ok(!refusals.includes(`${credentials}@`), refusals);
    // Had one of them migrated it, the same command would now run.
    const again = await runCli(['accounts', 'list'], { ...base, DATABASE_URL: url });
    assert.equal(again.status, 1, again.stdout);
  });

  test('on a Parley database: empty lists say so, a revoked key is said to be revoked', async () => {
    const url = database !== null ? database.url : `sqlite:${join(dir, 'parley.db')}`;
    const env = { ...base, DATABASE_URL: url };
    assert.equal((await runCli(['migrate'], env)).status, 0);

    const accounts = await runCli(['accounts', 'list'], env);
    assert.equal(accounts.status, 0, accounts.stderr);
    assert.equal(accounts.stdout, '');
    assert.match(accounts.stderr, /^no accounts /);

    const created = await runCli(['accounts', 'create'], env);
    const sid = /account_sid (AC[0-9a-f]{32})/.exec(created.stdout)?.[1] ?? assert.fail(created.stderr);
    const keys = await runCli(['keys', 'list', '--account', sid], env);
    assert.equal(keys.status, 0, keys.stderr);
    assert.equal(keys.stdout, '');
    assert.equal(keys.stderr, `no API keys for ${sid}\n`);

    const key =
      /key_sid (SK[0-9a-f]{32})/.exec((await runCli(['keys', 'create', '--account', sid], env)).stdout)?.[1] ?? assert.fail('a key');
    const revoked = await runCli(['keys', 'revoke', key], env);
    assert.equal(revoked.stdout, `revoked ${key}\n`);
    const again = await runCli(['keys', 'revoke', key], env);
    assert.equal(again.status, 2);
    assert.equal(again.stderr, `parley: no key ${key}: it is already revoked, or never existed\n`);
  });
});
