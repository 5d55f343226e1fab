// `parley import twilio-proxy`'s options, on a small source of two services: --dry-run writes
// nothing and reports what a run would do; --service takes one service (by SID or unique name);
// closed sessions come only with --include-closed; interactions only with --interactions; the
// account is created when missing, with a new auth token printed once or with --keep-auth-token
// the Twilio account's; progress goes to stderr, a line per page when it is not a terminal.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { countsOf, rowsOf, succeeded, targetsPerTest } from '../helpers/import.js';
import { populateSource } from '../helpers/proxy-source.js';
import type { PopulatedSource } from '../helpers/proxy-source.js';

const SESSIONS = 20;
/** Every tenth session of the source is closed. */
const ACTIVE = SESSIONS - SESSIONS / 10;
const RESOURCES = ['services', 'phone numbers', 'sessions', 'participants', 'interactions'];

describe('parley import twilio-proxy options', () => {
  let source: TestApp;
  let first: PopulatedSource;
  let second: PopulatedSource;
  const freshTarget = targetsPerTest();

  before(async () => {
    source = await startTestApp();
    const database = source.app.parley.database;
    first = await populateSource(database, TEST_ACCOUNT_SID, { sessions: SESSIONS, poolSize: 10, couriers: 3, interactions: 2 });
    second = await populateSource(database, TEST_ACCOUNT_SID, { sessions: SESSIONS, poolSize: 10, couriers: 3, firstNumber: 100 });
  });
  after(async () => {
    await source.close();
  });

  test('--dry-run writes nothing, and reports what the import then does', async () => {
    const target = await freshTarget();
    const dry = succeeded(await target.run(source, '--dry-run', '--include-closed', '--interactions'));
    assert.match(dry.stdout, new RegExp(`^account ${TEST_ACCOUNT_SID} is not in Parley: an import would create it$`, 'm'));
    assert.match(dry.stdout, /\(nothing was written\):/);
    assert.deepEqual(countsOf(dry, 'services'), [2, 0, 0, 0]);
    assert.deepEqual(countsOf(dry, 'sessions'), [2 * SESSIONS, 0, 0, 0]);
    assert.deepEqual(countsOf(dry, 'interactions'), [2 * SESSIONS, 0, 0, 0]);
    for (const [table, rows] of Object.entries(await rowsOf(target.handle()))) assert.deepEqual(rows, [], table);
    assert.deepEqual(await target.handle().db.selectFrom('accounts').selectAll().execute(), []);

    const real = succeeded(await target.run(source, '--include-closed', '--interactions'));
    for (const resource of RESOURCES) assert.deepEqual(countsOf(real, resource), countsOf(dry, resource), resource);
    // And a dry run over what is there now sees nothing to do.
    const again = succeeded(await target.run(source, '--dry-run', '--include-closed', '--interactions'));
    assert.deepEqual(countsOf(again, 'sessions'), [0, 0, 2 * SESSIONS, 0]);
  });

  test('the account is created with a new auth token, printed once, or with the Twilio one (--keep-auth-token)', async () => {
    const target = await freshTarget();
    const run = succeeded(await target.run(source, '--service', first.service.sid));
    const printed = /^auth_token {2}([0-9a-f]{32})$/m.exec(run.stdout)?.[1];
    assert.ok(printed, run.stdout);
    const stored = await target
      .handle()
      .db.selectFrom('accounts')
      .select('auth_token')
      .where('sid', '=', TEST_ACCOUNT_SID)
      .executeTakeFirst();
    assert.equal(stored?.auth_token, printed);
    const again = succeeded(await target.run(source, '--service', first.service.sid));
    assert.doesNotMatch(again.stdout, /auth_token|created account/, 'an existing account is left as it is');

    const keeping = await freshTarget();
    const kept = succeeded(await keeping.run(source, '--service', first.service.sid, '--keep-auth-token'));
    assert.match(kept.stdout, /created account AC[0-9a-f]{32} in Parley, with the Twilio account's auth token/);
    assert.doesNotMatch(kept.stdout, /auth_token/);
    const token = await keeping.handle().db.selectFrom('accounts').select('auth_token').executeTakeFirst();
    assert.equal(token?.auth_token, TEST_AUTH_TOKEN);
  });

  test('--service imports that service only, named by SID or by unique name', async () => {
    const target = await freshTarget();
    const run = succeeded(await target.run(source, '--service', second.service.unique_name));
    assert.deepEqual(countsOf(run, 'services'), [1, 0, 0, 0]);
    assert.deepEqual(countsOf(run, 'sessions'), [ACTIVE, 0, 0, 0]);
    const rows = await rowsOf(target.handle(), ['services', 'sessions', 'phone_numbers']);
    assert.deepEqual(
      rows.services!.map((row: any) => row.sid),
      [second.service.sid],
    );
    assert.ok(rows.sessions!.every((row: any) => row.service_sid === second.service.sid));
    assert.equal(rows.phone_numbers!.length, second.pool.length);
    const missing = await target.run(source, '--service', `KS${'0'.repeat(32)}`);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /the import stopped: the source has no service KS0{32}/);
  });

  test('closed sessions come only with --include-closed; interactions only with --interactions', async () => {
    const target = await freshTarget();
    const open = succeeded(await target.run(source, '--service', first.service.sid));
    assert.deepEqual(countsOf(open, 'sessions'), [ACTIVE, 0, 0, 0]);
    assert.deepEqual(countsOf(open, 'interactions'), [0, 0, 0, 0]);
    const statuses = await target.handle().db.selectFrom('sessions').select('status').distinct().orderBy('status').execute();
    assert.deepEqual(
      statuses.map((row) => row.status),
      ['in-progress', 'open'],
    );

    const all = succeeded(await target.run(source, '--service', first.service.sid, '--include-closed', '--interactions'));
    assert.deepEqual(countsOf(all, 'sessions'), [SESSIONS - ACTIVE, 0, ACTIVE, 0]);
    assert.deepEqual(countsOf(all, 'participants'), [2 * (SESSIONS - ACTIVE), 0, 2 * ACTIVE, 0]);
    assert.deepEqual(countsOf(all, 'interactions'), [2 * SESSIONS, 0, 0, 0]);
    const [copied, original] = await Promise.all([
      rowsOf(target.handle(), ['sessions', 'participants', 'interactions']),
      rowsOf(source.app.parley.database, ['sessions', 'participants', 'interactions']),
    ]);
    const ofFirst = (rows: unknown[]) => rows.filter((row: any) => row.service_sid === first.service.sid);
    assert.deepEqual(copied.sessions, ofFirst(original.sessions!));
    assert.deepEqual(copied.participants, ofFirst(original.participants!));
    assert.deepEqual(copied.interactions, ofFirst(original.interactions!));
  });

  test('progress: a line per step on stderr when it is not a terminal', async () => {
    const target = await freshTarget();
    const run = succeeded(await target.run(source, '--service', first.service.sid));
    assert.equal(
      run.stderr,
      `parley import: ${first.service.sid} listed ${SESSIONS} sessions\nparley import: ${first.service.sid} sessions ${SESSIONS}/${SESSIONS}\n`,
    );
  });
});
