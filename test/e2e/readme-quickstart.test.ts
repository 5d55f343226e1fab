// The README's examples, run as a new user would run them: the simulator quick start (a shell
// block with fictional +1 555 numbers) against a running server, and the test-suite example,
// which test/e2e/start-emulator.test.ts must hold word for word.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const readme = readFileSync(resolve(repo, 'README.md'), 'utf8');

/** The fenced code right after `marker` in the README. */
function codeAfter(marker: string, fence: string): string {
  const start = readme.indexOf(marker);
  assert.ok(start >= 0, `the README has no ${marker}`);
  const open = readme.indexOf('```' + fence + '\n', start) + fence.length + 4;
  return readme.slice(open, readme.indexOf('```', open));
}

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

test('the simulator quick start shows a masked conversation', async () => {
  // The user's own lines (their credentials, their address) are this server's.
  const script = codeAfter('<!-- quickstart:start -->', 'sh')
    .split('\n')
    .filter((line) => !/^(SID|API)=/.test(line))
    .join('\n');
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', `${script}\necho "bob-proxy=$BOB_PROXY alice-proxy=$ALICE_PROXY"`], {
    env: { PATH: process.env.PATH, SID: TEST_ACCOUNT_SID, TOKEN: TEST_AUTH_TOKEN, API: t.baseUrl },
  });
  const [from, status, proxies] = stdout.trim().split('\n');
  const { bob, alice } = /bob-proxy=(?<bob>\S+) alice-proxy=(?<alice>\S+)/.exec(proxies!)!.groups!;
  assert.match(bob!, /^\+1555555010[01]$/);
  assert.notEqual(bob, alice);
  assert.equal(from, bob, "Bob's handset got Alice's text from Bob's proxy number");
  assert.equal(status, 'completed');
});

test('the test-suite example is the one test/e2e/start-emulator.test.ts runs', () => {
  const start = readme.indexOf("test('a text between two masked participants");
  assert.ok(start >= 0, 'the README has no test-suite example');
  const body = readme.slice(start, readme.indexOf('```', start));
  const suite = readFileSync(resolve(repo, 'test/e2e/start-emulator.test.ts'), 'utf8');
  assert.ok(suite.includes(body.trim()), 'the README example and start-emulator.test.ts differ');
});
