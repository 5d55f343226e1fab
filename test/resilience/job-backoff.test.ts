// Background jobs back off during a storage fault instead of logging on every tick: with the
// database refusing writes, hundreds of forced expiry-sweep ticks and outbox drains log one line
// per pause (1 s, 2 s, 4 s …), and one "recovered" line each once writes work again.
//
// The bound on lines is worked out from the time the test actually took, so a slow machine only
// loosens it: nothing here needs the machine to be fast. The fault: SQLite's query_only; on
// PostgreSQL a statement trigger raising disk_full on the tables the jobs write.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { enqueue } from '../../src/outbox/outbox.repository.js';
import { startTestApp, TEST_ACCOUNT_SID, TestClock } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { testEngine } from '../helpers/database.js';
import { logCollector } from '../helpers/log-collector.js';

const FORCED = 200;
const HOUR_MS = 3_600_000;

/** The most lines a job backing off can log in `elapsedMs`: one, then one per pause that ended. */
function mostLines(elapsedMs: number): number {
  let lines = 1;
  for (let at = 0, pauseMs = 1000; at + pauseMs <= elapsedMs; at += pauseMs, pauseMs = Math.min(2 * pauseMs, 60_000)) lines++;
  return lines;
}

async function breakWrites(t: TestApp, broken: boolean): Promise<void> {
  const { db } = t.app.parley.database;
  if (testEngine() === 'sqlite') {
    await sql.raw(`pragma query_only = ${broken ? 1 : 0}`).execute(db);
    return;
  }
  for (const table of ['sessions', 'outbox']) {
    await sql.raw(`drop trigger if exists test_fault on ${table}`).execute(db);
    if (broken)
      await sql
        .raw(`create trigger test_fault before update or delete on ${table} for each statement execute function test_disk_full()`)
        .execute(db);
  }
}

describe('background jobs during a storage fault', () => {
  let t: TestApp;
  // Real time the test moves: the fault keeps the database from taking an account clock's move.
  const clock = new TestClock();
  const log = logCollector();
  const logged = (job: string) => log.entries().filter((line) => String(line.msg).startsWith(`${job} `));
  before(async () => {
    t = await startTestApp({ PARLEY_LOG_LEVEL: 'info' }, { logStream: log.stream, clock });
    if (testEngine() === 'postgres') {
      await sql`create function test_disk_full() returns trigger language plpgsql as $$ begin raise exception 'no space left (test)' using errcode = 'disk_full'; end $$`.execute(
        t.app.parley.database.db,
      );
    }
  });
  after(() => t.close());

  test('forced ticks and drains log one line per pause, then "recovered" once', async () => {
    const { sweeper, outbox } = t.app.parley.components;
    // A callback that comes due only once the fault is in place, so that the outbox fails too.
    await enqueue(t.app.parley.database.queries, {
      accountSid: TEST_ACCOUNT_SID,
      kind: 'callback',
      payload: { url: 'http://127.0.0.1:9/', params: {} },
      now: clock.now() + HOUR_MS,
    });

    const began = Date.now();
    await breakWrites(t, true);
    clock.advance(HOUR_MS / 1000 + 1);
    for (let n = 0; n < FORCED; n++) {
      await sweeper.tick();
      await outbox.drain();
    }
    const elapsedMs = Date.now() - began;

    for (const job of ['expiry sweep', 'outbox worker']) {
      const failures = logged(job);
      assert.ok(failures.length >= 1, `${job}: the fault is logged`);
      assert.equal(failures[0]!.msg, `${job} failed`);
      assert.match(failures[0]!.err!.message, /readonly|read-only|no space left/, `${job}: the first line carries the database's error`);
      assert.ok(failures.slice(1).every((line) => line.msg === `${job} still failing`));
      assert.ok(
        failures.length <= mostLines(elapsedMs),
        `${job}: ${failures.length} lines in ${elapsedMs} ms, for ${FORCED} forced passes`,
      );
    }

    await breakWrites(t, false);
    // Explicit passes run at once, pause or not.
    await sweeper.run();
    await outbox.drain();
    for (let n = 0; n < 10; n++) await sweeper.run();
    for (const job of ['expiry sweep', 'outbox worker']) {
      assert.deepEqual(
        logged(job)
          .filter((line) => line.msg.endsWith('recovered'))
          .map((line) => line.msg),
        [`${job} recovered`],
      );
    }
    const [job] = await t.app.parley.database.db.selectFrom('outbox').select(['attempts', 'status']).execute();
    assert.ok(job!.attempts >= 1, 'the callback was claimed once writes worked again');
  });
});
