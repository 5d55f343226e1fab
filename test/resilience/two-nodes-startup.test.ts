// Two Parley nodes starting together on a fresh PostgreSQL database come up on one account: both
// migrate it and both ensure the default account, and they used to race (a duplicate key for
// PARLEY_ACCOUNT_SID, or two generated accounts). In process, so that both reach the account step
// at the same moment. PostgreSQL only: several nodes share a PostgreSQL database, not a SQLite file.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createTestDatabase, testEngine } from '../helpers/database.js';
import { inspectDatabase } from '../helpers/invariants.js';

const describeOnPostgres = testEngine() === 'postgres' ? describe : describe.skip;
if (testEngine() !== 'postgres') {
  test('two nodes starting together', { skip: 'PostgreSQL only: several nodes share a PostgreSQL database, not a SQLite file' }, () => {});
}

describeOnPostgres('two nodes starting together on one PostgreSQL database', () => {
  test('nodes starting together on a fresh database come up on one account', async () => {
    // In process, so that both reach the account step at the same moment (the window is short).
    const configured = { PARLEY_ACCOUNT_SID: `AC${'0f'.repeat(16)}`, PARLEY_AUTH_TOKEN: 'two-nodes-token-0123' };
    for (let round = 0; round < 5; round++) {
      for (const extra of [configured, {}]) {
        const database = await createTestDatabase();
        try {
          const config = loadConfig({ DATABASE_URL: database.url, PARLEY_LOG_LEVEL: 'silent', ...extra });
          const started = await Promise.allSettled([buildApp(config), buildApp(config)]);
          const apps = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
          for (const app of apps) await app.close();
          const failures = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
          assert.deepEqual(
            failures,
            [],
            `round ${round}: both nodes start (${'PARLEY_ACCOUNT_SID' in extra ? 'configured' : 'generated'} account)`,
          );
          assert.equal(apps[0]!.parley.account.sid, apps[1]!.parley.account.sid, `round ${round}: both nodes serve the same account`);
          const inspector = inspectDatabase(database.url);
          try {
            const accounts = await inspector.db.selectFrom('accounts').select('sid').execute();
            assert.equal(accounts.length, 1, `round ${round}: one account in the database`);
          } finally {
            await inspector.destroy();
          }
        } finally {
          await database.drop();
        }
      }
    }
  });
});
