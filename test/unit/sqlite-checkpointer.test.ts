// The SQLite checkpoint worker (src/db/sqlite-checkpointer.ts): while the server writes, the WAL is
// copied back into the database file by the worker, not by the request connection.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { eventually, sleep } from '../helpers/eventually.js';

test('the checkpoint worker copies the WAL into the database file while the server runs', () => checkpointsWhileWriting());

test('the worker finds better-sqlite3 when the server runs from a folder without node_modules', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  const cwd = process.cwd();
  process.on('warning', onWarning);
  try {
    await checkpointsWhileWriting((dir) => process.chdir(dir));
  } finally {
    process.chdir(cwd);
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, []);
});

async function checkpointsWhileWriting(inScratch: (dir: string) => void = () => {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-checkpoint-'));
  inScratch(dir);
  const path = join(dir, 'parley.db');
  const handle = openDatabase(`sqlite:${path}`);
  try {
    await migrateToLatest(handle.db);
    await sleep(500);
    const before = statSync(path).size;
    const now = Date.now();
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      sid: `AC${String(i).padStart(32, '0')}`,
      auth_token: 'x'.repeat(200),
      friendly_name: 'f',
      date_created: now,
      date_updated: now,
    }));
    for (let i = 0; i < rows.length; i += 100)
      await handle.db
        .insertInto('accounts')
        .values(rows.slice(i, i + 100))
        .execute();
    // The request connection only checkpoints at ~400 MB of WAL: growth of the file is the worker's.
    await eventually(() => assert.ok(statSync(path).size > before, `database file did not grow (${before} bytes)`), { intervalMs: 50 });
  } finally {
    await handle.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
