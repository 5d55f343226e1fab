// `parley serve` as a service manager starts it: from a working directory that is not the
// package's (systemd's is /), with the database given by an absolute path. Everything the server
// loads must resolve from its own files, not from the working directory; the SQLite checkpoint
// worker once looked for better-sqlite3 in the working directory and stopped at start.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import { testEngine } from '../helpers/database.js';
import { HttpClient } from '../helpers/http-client.js';
import { launchServe } from '../helpers/server-process.js';

// A SQLite matter: the PostgreSQL pass has nothing to add.
describe('parley serve from another working directory', { skip: testEngine() === 'postgres' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-elsewhere-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('serves from a working directory outside the package, the checkpoint worker included', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: `sqlite:${join(dir, 'parley.db')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      PARLEY_ACCOUNT_SID: TEST_ACCOUNT_SID,
      PARLEY_AUTH_TOKEN: TEST_AUTH_TOKEN,
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_SHUTDOWN_DRAIN_MS: '0',
    };
    const server = await launchServe(env, undefined, { cwd: tmpdir() });
    try {
      const api = new HttpClient(server.baseUrl, { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN });
      for (let i = 0; i < 5; i++) assert.equal((await api.post('/v1/Services', { UniqueName: `elsewhere-${i}` })).status, 201);
    } finally {
      // The shutdown stops the worker (a last checkpoint), so a worker that failed has said so by then.
      assert.equal(await server.stop(), 0, server.exitReport());
    }
    assert.doesNotMatch(server.output(), /checkpoint worker|Cannot find module|Warning/i, server.output());
  });
});
