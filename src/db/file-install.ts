// How `parley backup` and `parley restore` put a database file in place: written in full under a
// name of its own next to the destination (same directory, so same file system), synced, then moved
// under the destination's name in one step. A crash at any moment leaves either the old state or
// the whole new file under that name, never half of one; at worst a `.partial` file lies beside it.

import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The name the file is written under until it is complete: hidden, and saying what it is. */
export function partialPathFor(destination: string): string {
  return join(dirname(destination), `.${basename(destination)}.${process.pid}.partial`);
}

/** Removes a partial file and the journal SQLite may have left beside it; missing files are fine. */
export function discardPartial(partial: string): void {
  for (const path of [partial, `${partial}-journal`, `${partial}-wal`, `${partial}-shm`]) rmSync(path, { force: true });
}

/**
 * Moves the complete `partial` to `destination`. Without `replace`, an existing destination is an
 * EEXIST error even if it appeared a moment ago (link() never overwrites, where rename() would).
 */
export function installFile(partial: string, destination: string, replace: boolean): void {
  syncPath(partial, 'r+');
  if (replace) {
    renameSync(partial, destination);
  } else {
    linkSync(partial, destination);
    unlinkSync(partial);
  }
  // The new directory entry is durable only once the directory itself is synced.
  syncPath(dirname(destination), 'r');
}

function syncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
