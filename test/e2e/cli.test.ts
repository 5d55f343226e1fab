// `parley serve` and `parley migrate` as a user runs them: a real process, a real SQLite file.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { basic, CLI, serve } from '../helpers/cli-process.js';

describe('the parley command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(dir, 'nested', 'parley.db')}`,
    PORT: '0',
    HOST: '127.0.0.1',
  };
  delete env.PARLEY_ACCOUNT_SID;
  delete env.PARLEY_AUTH_TOKEN;
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('invalid configuration stops start-up with one line naming the variable', () => {
    const run = spawnSync(process.execPath, [...CLI, 'serve'], { env: { ...env, PORT: 'eighty' }, encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /^parley: PORT must be an integer/);
  });

  test('migrate creates the schema, then has nothing to do', () => {
    const first = spawnSync(process.execPath, [...CLI, 'migrate'], { env, encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /applied: 0001-initial/);
    const second = spawnSync(process.execPath, [...CLI, 'migrate'], { env, encoding: 'utf8' });
    assert.match(second.stdout, /schema is up to date/);
  });

  test('serve prints working credentials once, keeps them across restarts and stops on SIGTERM', async () => {
    const first = await serve(env);
    assert.match(first.banner, /account SID {2}AC[0-9a-f]{32} {3}\(new\)/);
    assert.ok(first.banner.includes(`web console  ${first.url}/console`), first.banner);
    const token = first.token ?? assert.fail(`the first start prints the generated token:\n${first.banner}`);
    const health = await fetch(`${first.url}/healthz`);
    assert.equal(health.status, 200);
    const authorised = await fetch(`${first.url}/v1/Services`, { headers: { authorization: basic(first.sid, token) } });
    assert.equal(authorised.status, 200);
    assert.equal(await first.stop(), 0, first.exitReport());

    // Later starts say where the token is instead of printing it into every log again.
    const second = await serve(env);
    assert.equal(second.sid, first.sid);
    assert.equal(second.token, null);
    assert.ok(!second.banner.includes(token), 'a later start does not print the token');
    assert.ok(
      second.banner.includes(`auth token   (printed on the first start; \`parley accounts token ${first.sid}\` shows it)`),
      second.banner,
    );
    assert.doesNotMatch(second.banner, /\(new\)/);
    const still = await fetch(`${second.url}/v1/Services`, { headers: { authorization: basic(first.sid, token) } });
    assert.equal(still.status, 200);
    assert.equal(await second.stop(), 0, second.exitReport());

    // The command the banner names shows it.
    const shown = spawnSync(process.execPath, [...CLI, 'accounts', 'token', first.sid], { env, encoding: 'utf8' });
    assert.equal(shown.status, 0, shown.stderr);
    assert.equal(shown.stdout, `auth_token           ${token}\n`);
  });
});
