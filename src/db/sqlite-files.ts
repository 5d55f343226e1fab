// The SQLite database holds every account's auth token and every participant's real number, so
// only the server's own user may read it. better-sqlite3 would create the file 0644 under the
// usual umask, and SQLite gives the -wal and -shm files the database file's mode; so the file is
// created 0600 before SQLite opens it, and missing directories 0700. Files and directories that
// already exist keep the modes their owner gave them.

import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export function createPrivately(path: string): void {
  // Only the directories created here get the mode (mkdir leaves existing ones alone).
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    // 'wx' creates the file or fails: a file that exists (or appears meanwhile) is left as it is.
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'EEXIST') throw err;
  }
}
