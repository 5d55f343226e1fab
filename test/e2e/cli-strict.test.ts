// The `parley` command is strict: an unknown command, option or argument is an error that names
// it, prints the usage and exits 2, and nothing runs. `--version` prints package.json's version;
// serve's --port, --host and --database-url override PORT, HOST and DATABASE_URL.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { launchServe } from '../helpers/server-process.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('the parley command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-strict-'));
  const database = join(dir, 'parley.db');
  // The commands must not get as far as a database: this one never exists.
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `sqlite:${database}`, PARLEY_LOG_LEVEL: 'warn' };
  delete env.PARLEY_ACCOUNT_SID;
  delete env.PARLEY_AUTH_TOKEN;
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('an unknown command, option or argument names it, prints the usage and exits 2', async () => {
    const cases: Array<[string[], string]> = [
      [['frobnicate'], 'unknown command "frobnicate"'],
      [['accounts', 'frobnicate'], 'unknown command "accounts frobnicate"'],
      [['keys', 'delete', 'SK0'], 'unknown command "keys delete"'],
      [['--frobnicate'], 'unknown option "--frobnicate"'],
      [['serve', '--prot', '3000'], "Unknown option '--prot' for parley serve"],
      [['migrate', '--port', '3000'], "Unknown option '--port' for parley migrate"],
      [['accounts', 'secondary-token', 'AC0', '--promte'], "Unknown option '--promte' for parley accounts secondary-token"],
      [['accounts', 'list', '--account', 'AC0'], "Unknown option '--account' for parley accounts list"],
      [['keys', 'revoke', 'SK0', 'SK1'], 'unexpected argument "SK1" for parley keys revoke'],
      [['accounts', 'list', 'everything'], 'unexpected argument "everything" for parley accounts list'],
      [['serve', 'now'], 'unexpected argument "now" for parley serve'],
      [['version', '--short'], "Unknown option '--short' for parley version"],
      [['help', 'me'], 'unexpected argument "me" for parley help'],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args, env)));
    cases.forEach(([args, named], i) => {
      const run = runs[i]!;
      const what = `parley ${args.join(' ')}`;
      assert.equal(run.status, 2, `${what}: exit ${run.status}\n${run.stderr}${run.stdout}`);
      assert.ok(run.stderr.startsWith(`parley: ${named}\n\nUsage: parley <command>`), `${what}:\n${run.stderr}`);
      assert.match(run.stderr, /keys revoke SK…/, `${what}: the whole usage`);
      assert.equal(run.stdout, '', what);
    });
    assert.ok(!existsSync(database), 'no command got as far as the database');
  });

  test('a missing value, or a bad one for an option that overrides a variable, exits 2 naming the option', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['keys', 'list', '--account'], /^parley: Option '--account <value>' argument missing for parley keys list$/],
      [['serve', '--port', 'eighty'], /^parley: --port must be an integer from 0 to 65535, got "eighty"$/],
      [
        ['serve', '--database-url', 'mysql://db'],
        /^parley: --database-url must be sqlite:PATH, sqlite::memory: or postgres:\/\/…, got "mysql:\/\/db"$/,
      ],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, env);
      assert.equal(run.status, 2, `parley ${args.join(' ')}: exit ${run.status}\n${run.stderr}`);
      assert.match(run.stderr.trimEnd(), message);
    }
  });

  test('--version and version print the version in package.json; help and --help the usage', async () => {
    for (const args of [['--version'], ['version']]) {
      const run = await runCli(args, env);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, `${VERSION}\n`);
      assert.equal(run.stderr, '');
    }
    const help = await runCli(['help'], env);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: parley <command>/);
    assert.match(help.stdout, /serve \[--port P\] \[--host H\] \[--database-url URL\]/);
    assert.match(help.stdout, /version, --version/);
    for (const args of [['--help'], ['-h'], ['accounts', '--help'], ['keys', 'create', '--help']]) {
      assert.equal((await runCli(args, env)).stdout, help.stdout, args.join(' '));
    }
  });

  test('serve --port, --host and --database-url override PORT, HOST and DATABASE_URL', async () => {
    const given = join(dir, 'given.db');
    const server = await launchServe({ ...env, PORT: '1', HOST: '192.0.2.1', PARLEY_SHUTDOWN_DRAIN_MS: '0' }, undefined, {
      args: ['--port', '0', '--host', '127.0.0.1', '--database-url', `sqlite:${given}`],
    });
    try {
      assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.doesNotMatch(server.baseUrl, /:1$/);
      assert.ok(server.output().includes(`database     sqlite:${given}`), server.output());
      assert.equal((await fetch(`${server.baseUrl}/healthz`)).status, 200);
      assert.ok(existsSync(given), 'the database the option named');
      assert.ok(!existsSync(database), 'not the one DATABASE_URL named');
    } finally {
      assert.equal(await server.stop(), 0, server.exitReport());
    }
  });
});
