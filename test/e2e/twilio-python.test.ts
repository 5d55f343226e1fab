// The second official client: twilio-python (Debian's python3-twilio), driven against the real
// server. Skipped, with the reason, when the package is not installed (.ci/run installs it).

import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

// Debian's package lives in the system interpreter, which may not be the first python3 on PATH.
const PYTHONS = ['/usr/bin/python3', 'python3'];
const python = PYTHONS.find((candidate) => spawnSync(candidate, ['-c', 'import twilio'], { stdio: 'ignore' }).status === 0);

describe(
  'twilio-python against Parley',
  { skip: python === undefined && 'python3-twilio is not installed (apt-get install python3-twilio)' },
  () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp();
    });
    after(() => t.close());

    test('services and sessions: every operation, paging and errors', async () => {
      // Asynchronously: the server under test runs in this process and must keep answering.
      const run = await promisify(execFile)(python!, ['test/e2e/python/proxy_e2e.py', t.baseUrl, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN], {
        encoding: 'utf8',
        timeout: 60_000,
      }).catch((err: { stdout: string; stderr: string; code: number }) => {
        assert.fail(`twilio-python script failed (exit ${err.code}):\n${err.stdout}\n${err.stderr}`);
      });
      assert.equal(run.stdout.trim(), 'ok');
    });
  },
);
