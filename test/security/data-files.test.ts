// Data at rest: the SQLite database holds auth tokens and real phone numbers, so its file and the
// -wal and -shm files beside it are the server user's alone (0600), and so is a data directory the
// server creates (0700). Directories and files that already exist keep their modes.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import { testEngine } from '../helpers/database.js';

const sqliteOnly = { skip: testEngine() === 'postgres' && 'SQLite files' };

const mode = (path: string) => statSync(path).mode & 0o777;

/** A fresh directory that already exists with the usual 0755, to create the data directory in. */
function parentDirectory(): { root: string; parent: string } {
  const root = mkdtempSync(join(tmpdir(), 'parley-files-'));
  const parent = join(root, 'srv');
  mkdirSync(parent);
  chmodSync(parent, 0o755);
  return { root, parent };
}

describe('data files', () => {
  test('a new database: data directories 0700, the file, -wal and -shm 0600', sqliteOnly, async () => {
    const { root, parent } = parentDirectory();
    const path = join(parent, 'parley', 'data', 'parley.db');
    const t = await startTestApp({ DATABASE_URL: `sqlite:${path}` });
    try {
      assert.equal((await t.api.post('/v1/Services', { UniqueName: 'at-rest' })).status, 201);
      assert.equal(mode(join(parent, 'parley')).toString(8), '700');
      assert.equal(mode(join(parent, 'parley', 'data')).toString(8), '700');
      for (const file of [path, `${path}-wal`, `${path}-shm`]) assert.equal(mode(file).toString(8), '600', file);
      assert.equal(mode(parent).toString(8), '755', 'a directory that existed keeps its mode');
    } finally {
      await t.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('an existing database file keeps the mode its owner gave it', sqliteOnly, async () => {
    const { root, parent } = parentDirectory();
    const path = join(parent, 'parley.db');
    writeFileSync(path, '');
    chmodSync(path, 0o640);
    const t = await startTestApp({ DATABASE_URL: `sqlite:${path}` });
    try {
      assert.equal((await t.api.post('/v1/Services', { UniqueName: 'at-rest' })).status, 201);
      assert.equal(mode(path).toString(8), '640');
    } finally {
      await t.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
