// The outbox as the worker leaves it, read straight from a test app's database: what was tried,
// how often, with what outcome. Waits go through `eventually`: a busy machine only makes them slower.

import assert from 'node:assert/strict';
import type { TestApp } from './app.js';
import { eventually } from './eventually.js';

export type OutboxRow = Awaited<ReturnType<typeof outboxRows>>[number];

/** Every outbox job, oldest first. */
export async function outboxRows(t: TestApp) {
  return t.app.parley.database.db.selectFrom('outbox').selectAll().orderBy('date_created').execute();
}

/** Waits until the jobs of this kind have been tried `attempts` times each and none is claimed; answers them. */
export async function attempted(t: TestApp, attempts: number, kind = 'callback'): Promise<OutboxRow[]> {
  return eventually(async () => {
    const rows = (await outboxRows(t)).filter((row) => row.kind === kind);
    assert.ok(
      rows.length > 0 && rows.every((row) => row.attempts >= attempts && row.locked_until === null),
      `${kind} jobs tried ${attempts} time(s): ${JSON.stringify(rows.map((row) => [row.attempts, row.locked_until]))}`,
    );
    return rows;
  });
}

/**
 * Waits until the worker has recorded the outcome of an attempt at the job whose payload names
 * `text` (an interaction SID): not claimed, and `done` says it is the outcome waited for.
 */
export async function settled(t: TestApp, text: string, done: (row: OutboxRow) => boolean): Promise<OutboxRow> {
  return eventually(async () => {
    const row = (await outboxRows(t)).find((job) => job.payload.includes(text));
    assert.ok(row !== undefined && row.locked_until === null && done(row), `the job of ${text} did not settle: ${JSON.stringify(row)}`);
    return row;
  });
}

/** For `settled`: the attempt with this number has been recorded. */
export const attempt = (n: number) => (row: { attempts: number }) => row.attempts === n;
