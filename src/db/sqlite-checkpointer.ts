// SQLite writes a commit into the WAL and, every so often, copies the WAL back into the database
// file (a checkpoint, which also syncs it). Done by the committing connection, that copy stalls
// the request thread for tens of milliseconds at a time; a worker thread with its own connection
// does it instead, and the request thread only appends. The request connection keeps a far
// larger automatic checkpoint as a backstop, should the worker ever fall behind.

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const INTERVAL_MS = 200;

// The worker's code, run as a script (eval) so that it needs no build step or loader of its own.
// An eval'd worker resolves `require` from the working directory, not from this file: started by a
// service manager from / or /tmp it would find no better-sqlite3. So the module is resolved here,
// from this file's own location, and the worker loads it by its absolute path.
// A PASSIVE checkpoint never blocks the writer or the readers.
const SQLITE_MODULE = createRequire(import.meta.url).resolve('better-sqlite3');
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.sqliteModule);
const sqlite = new SQLite(workerData.path);
sqlite.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try { sqlite.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy for a moment: next tick */ }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  sqlite.close();
  parentPort.postMessage('stopped');
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(path: string): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, intervalMs: INTERVAL_MS, sqliteModule: SQLITE_MODULE } });
  worker.unref();
  // A failing checkpoint worker must not take the server down (the backstop still checkpoints),
  // but it must not fail silently either.
  worker.on('error', (err) => process.emitWarning(`SQLite checkpoint worker stopped: ${err.message}`));
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (worker.threadId === -1) return resolve();
        worker.once('exit', () => resolve());
        worker.once('message', () => void worker.terminate());
        worker.postMessage('stop');
      }),
  };
}
