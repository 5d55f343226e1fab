// What `parley import twilio-proxy` refuses rather than break Parley's rules: a session in which a
// participant would hold a proxy number it already holds in another active session of the service
// (the masking invariant), and a pool number that is already another service's (a number has one
// owner), with the sessions that need it. Each refusal is listed with its reason, the rest is
// imported, nothing of a refused record is written, and the exit status is 3; a dry run says the same.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAccountWithSid } from '../../src/accounts/accounts.service.js';
import { systemClock } from '../../src/common/clock.js';
import { newSid } from '../../src/common/sids.js';
import type { ParticipantRow, SessionRow } from '../../src/db/schema.js';
import { acquire } from '../../src/pool/pool.repository.js';
import { insertPhoneNumber } from '../../src/resources/phone-numbers/phone-numbers.repository.js';
import { insertParticipant } from '../../src/resources/participants/participants.repository.js';
import { insertService } from '../../src/resources/services/services.repository.js';
import { insertSession } from '../../src/resources/sessions/sessions.repository.js';
import { startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { countsOf, succeeded, targetsPerTest } from '../helpers/import.js';
import { assignmentOf, populateSource } from '../helpers/proxy-source.js';
import type { PopulatedSource } from '../helpers/proxy-source.js';

const SESSIONS = 20;
const ACTIVE = SESSIONS - SESSIONS / 10;
const NEWCOMER = '+19175559999';

describe('parley import twilio-proxy refuses what would break the masking invariant', () => {
  let source: TestApp;
  let populated: PopulatedSource;
  const freshTarget = targetsPerTest();

  before(async () => {
    source = await startTestApp();
    populated = await populateSource(source.app.parley.database, TEST_ACCOUNT_SID, { sessions: SESSIONS, poolSize: 10, couriers: 3 });
  });
  after(async () => {
    await source.close();
  });

  test('a participant holding a number it already holds in another active session of the service', async () => {
    const target = await freshTarget();
    succeeded(await target.run(source));
    // In Parley (a session created there, say), the newcomer holds the service's first number...
    const number = populated.pool[0]!;
    const local = { ...populated.sessions[0]!, sid: newSid('KC'), unique_name: 'made in Parley' };
    const holder: ParticipantRow = { ...populated.participants[0]!, sid: newSid('KP'), session_sid: local.sid, identifier: NEWCOMER };
    Object.assign(holder, { proxy_identifier: number.phone_number, proxy_identifier_sid: number.sid });
    await target.handle().transactions.run(async (uow) => {
      insertSession(uow, local as SessionRow);
      insertParticipant(uow, holder);
      acquire(uow, assignmentOf(holder));
    });
    // ... and at the source, a new session gives it the same number; another new session is fine.
    const service = `/v1/Services/${populated.service.sid}`;
    const conflicting = await source.api.post(`${service}/Sessions`, {
      Participants: [JSON.stringify({ Identifier: NEWCOMER, ProxyIdentifierSid: number.sid })],
    });
    assert.equal(conflicting.status, 201, conflicting.text);
    const fine = await source.api.post(`${service}/Sessions`, { Participants: [JSON.stringify({ Identifier: '+19175558888' })] });
    assert.equal(fine.status, 201, fine.text);

    const run = await target.run(source);
    assert.equal(run.status, 3, run.stdout + run.stderr);
    assert.deepEqual(countsOf(run, 'sessions'), [1, 0, ACTIVE, 1]);
    assert.deepEqual(countsOf(run, 'participants'), [1, 0, 2 * ACTIVE, 1]);
    assert.match(
      run.stdout,
      new RegExp(
        `^refused \\(1\\):\\n  session ${conflicting.body.sid}: participant KP[0-9a-f]{32} \\(\\+19•+9999\\) already holds ${number.sid} \\(\\+14•+1000\\) in session ${local.sid}, active in Parley\\n`,
        'm',
      ),
    );
    const db = target.handle().db;
    const sessions = (await db.selectFrom('sessions').select('sid').execute()).map((row) => row.sid);
    assert.ok(!sessions.includes(conflicting.body.sid), 'nothing of the refused session is written');
    assert.ok(sessions.includes(fine.body.sid));
    const held = await db.selectFrom('assignments').selectAll().where('identifier', '=', NEWCOMER).execute();
    assert.deepEqual(
      held.map((row) => row.session_sid),
      [local.sid],
    );
    const counter = await db.selectFrom('phone_numbers').select('in_use').where('sid', '=', number.sid).executeTakeFirstOrThrow();
    const assigned = await db.selectFrom('assignments').select('participant_sid').where('phone_number_sid', '=', number.sid).execute();
    assert.equal(counter.in_use, assigned.length, 'in_use counts the assignments');
  });

  test("a pool number that is another service's in Parley, and the sessions that need it", async () => {
    const target = await freshTarget();
    // A service of its own at the source (the one above grew in the test before).
    const source2 = await populateSource(source.app.parley.database, TEST_ACCOUNT_SID, {
      sessions: SESSIONS,
      poolSize: 10,
      couriers: 3,
      firstNumber: 100,
    });
    // The target's account already has a service of its own holding the source's sixth number.
    const taken = source2.pool[5]!;
    const other = { ...source2.service, sid: newSid('KS'), unique_name: 'made in Parley' };
    await createAccountWithSid(target.handle().queries, systemClock, TEST_ACCOUNT_SID, 'token-made-in-parley', 'Parley');
    await target.handle().transactions.run(async (uow) => {
      insertService(uow, other);
      insertPhoneNumber(uow, { ...taken, sid: newSid('PN'), service_sid: other.sid });
    });
    const needing = new Set(source2.participants.filter((p) => p.proxy_identifier_sid === taken.sid).map((p) => p.session_sid));
    const activeNeeding = source2.sessions.filter((s) => s.status !== 'closed' && needing.has(s.sid)).length;
    assert.ok(activeNeeding > 0, 'the fixture has sessions on that number');

    const dry = await target.run(source, '--dry-run', '--service', source2.service.sid);
    const run = await target.run(source, '--service', source2.service.sid);
    for (const [name, outcome] of [
      ['dry run', dry],
      ['import', run],
    ] as const) {
      assert.equal(outcome.status, 3, `${name}: ${outcome.stdout}${outcome.stderr}`);
      assert.deepEqual(countsOf(outcome, 'phone numbers'), [9, 0, 0, 1], name);
      assert.deepEqual(countsOf(outcome, 'sessions'), [ACTIVE - activeNeeding, 0, 0, activeNeeding], name);
      assert.match(
        outcome.stdout,
        new RegExp(`phone number ${taken.sid}: \\+14•+1105 is already in the pool of service ${other.sid} in Parley`),
      );
      assert.match(
        outcome.stdout,
        new RegExp(
          `the proxy number ${taken.sid} \\(\\+14•+1105\\) of participant KP[0-9a-f]{32} \\(\\+1[0-9•]+\\) is not in the service's pool in Parley`,
        ),
      );
    }
    const refusals = (stdout: string) => stdout.slice(stdout.indexOf('refused ('));
    assert.equal(refusals(run.stdout), refusals(dry.stdout), 'the dry run refuses what the import refuses');
    const numbers = await target
      .handle()
      .db.selectFrom('phone_numbers')
      .select(['sid', 'service_sid'])
      .where('phone_number', '=', taken.phone_number)
      .execute();
    assert.deepEqual(numbers, [{ sid: numbers[0]!.sid, service_sid: other.sid }], 'the number stays where it was');
  });
});
