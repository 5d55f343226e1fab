// What `parley backup` and `parley restore` share: how a backup's contents read on the terminal,
// and which failures are the operator's to fix (exit status 2) rather than Parley's.

import type { BackupContents } from '../db/sqlite-backup.js';
import { BackupRefusal } from '../db/sqlite-backup.js';
import { UsageError } from './cli-kit.js';

/** "123456 bytes, schema 0008-console, integrity check ok" */
export function describeContents(contents: BackupContents): string {
  return `${contents.bytes} bytes, schema ${contents.migrations.at(-1)}, integrity check ok`;
}

/** Runs `work`; a refusal, or a destination that appeared meanwhile, becomes a usage error. */
export async function asUsageError<T>(work: () => T | Promise<T>, destination: string): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BackupRefusal) throw new UsageError(err.message);
    if ((err as { code?: unknown }).code === 'EEXIST') throw new UsageError(`${destination} exists: pass --force to replace it`);
    throw err;
  }
}
