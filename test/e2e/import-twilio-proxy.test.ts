// `parley import twilio-proxy` at size: 10,000 sessions with their participants, from a second
// Parley playing Twilio (it speaks the same API), into a fresh database, as a user runs the
// command. Every SID, date, expiry and proxy assignment arrives as the source holds it; a Parley
// served on the target answers the source's SIDs with the source's resources; a second run
// changes nothing and says so; a later run closes what closed at the source before it gives the
// freed numbers to the sessions that took them there, wherever they are listed.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { HttpClient } from '../helpers/http-client.js';
import { countsOf, importTarget, rowsOf, succeeded } from '../helpers/import.js';
import type { ImportTarget } from '../helpers/import.js';
import { newSid } from '../../src/common/sids.js';
import { acquire } from '../../src/pool/pool.repository.js';
import { insertParticipant } from '../../src/resources/participants/participants.repository.js';
import { insertSession } from '../../src/resources/sessions/sessions.repository.js';
import { assignmentOf, populateSource } from '../helpers/proxy-source.js';
import type { PopulatedSource } from '../helpers/proxy-source.js';

const SESSIONS = 10_000;

describe('parley import twilio-proxy: 10,000 sessions', () => {
  let source: TestApp;
  let populated: PopulatedSource;
  let target: ImportTarget;
  let afterFirst: Record<string, unknown[]>;

  before(async () => {
    source = await startTestApp();
    populated = await populateSource(source.app.parley.database, TEST_ACCOUNT_SID, { sessions: SESSIONS });
    target = await importTarget();
  });
  after(async () => {
    await target.close();
    await source.close();
  });

  test('copies every service, number, session, participant and assignment, with their SIDs, dates and expiry', async () => {
    const run = succeeded(await target.run(source, '--include-closed'));
    assert.deepEqual(countsOf(run, 'services'), [1, 0, 0, 0]);
    assert.deepEqual(countsOf(run, 'phone numbers'), [100, 0, 0, 0]);
    assert.deepEqual(countsOf(run, 'sessions'), [SESSIONS, 0, 0, 0]);
    assert.deepEqual(countsOf(run, 'participants'), [2 * SESSIONS, 0, 0, 0]);
    assert.match(run.stderr, new RegExp(`${populated.service.sid} sessions ${SESSIONS}/${SESSIONS}`));

    const [copied, original] = await Promise.all([rowsOf(target.handle()), rowsOf(source.app.parley.database)]);
    afterFirst = copied;
    // Sessions and participants arrive column for column: SIDs, unique names, statuses, ttl,
    // date_expiry and every date, and the expiry Parley derives from them.
    assert.deepEqual(copied.sessions, original.sessions);
    assert.deepEqual(copied.participants, original.participants);
    assert.deepEqual(copied.services, original.services);
    // Each active participant holds the proxy number it holds at the source; closed sessions hold none.
    const assignment = (row: any) => [row.participant_sid, row.session_sid, row.identifier, row.phone_number_sid, row.date_created];
    assert.deepEqual(copied.assignments!.map(assignment), original.assignments!.map(assignment));
    assert.equal(copied.assignments!.length, 2 * (SESSIONS - SESSIONS / 10));
    // The pool: the same numbers, reservations and capabilities, and in_use counts its assignments.
    const number = ({ last_assigned_at: _, ...row }: any) => row;
    assert.deepEqual(copied.phone_numbers!.map(number), original.phone_numbers!.map(number));
  });

  test('a Parley on the target answers the source SIDs with the source resources', async () => {
    const app = await buildApp(
      loadConfig({
        DATABASE_URL: target.url,
        PARLEY_ACCOUNT_SID: TEST_ACCOUNT_SID,
        PARLEY_AUTH_TOKEN: TEST_AUTH_TOKEN,
        PARLEY_LOG_LEVEL: 'silent',
      }),
    );
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const imported = new HttpClient(base, { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN });
      const service = `/v1/Services/${populated.service.sid}`;
      for (const path of [
        service,
        `${service}/PhoneNumbers/${populated.pool[3]!.sid}`,
        ...[0, 1, 9, 4242, SESSIONS - 1].flatMap((i) => {
          const session = populated.sessions[i]!;
          return [`${service}/Sessions/${session.sid}`, `${service}/Sessions/${session.sid}/Participants?PageSize=10`];
        }),
      ]) {
        const [there, here] = await Promise.all([source.api.get(path), imported.get(path)]);
        assert.equal(here.status, 200, `${path}: ${here.text}`);
        assert.equal(here.text.replaceAll(base, ''), there.text.replaceAll(source.baseUrl, ''), path);
      }
    } finally {
      await app.close();
    }
  });

  test('a second run changes nothing, and says so', async () => {
    const run = succeeded(await target.run(source, '--include-closed'));
    assert.deepEqual(countsOf(run, 'services'), [0, 0, 1, 0]);
    assert.deepEqual(countsOf(run, 'phone numbers'), [0, 0, 100, 0]);
    assert.deepEqual(countsOf(run, 'sessions'), [0, 0, SESSIONS, 0]);
    assert.deepEqual(countsOf(run, 'participants'), [0, 0, 2 * SESSIONS, 0]);
    assert.doesNotMatch(run.stdout, /refused \(/);
    assert.deepEqual(await rowsOf(target.handle()), afterFirst);
  });

  test('a session closed at the source since gives its numbers back before a session listed earlier takes them', async () => {
    // At the source: a session of the last page closes, and its courier's number goes (sticky) to
    // a session listed on the first page (created earlier, inserted straight into the database).
    const ended = populated.sessions[SESSIONS - 10]!;
    const courier = populated.participants.find((p) => p.session_sid === ended.sid && p.friendly_name === 'Courier')!;
    const closed = await source.api.post(`/v1/Services/${populated.service.sid}/Sessions/${ended.sid}`, { Status: 'closed' });
    assert.equal(closed.status, 200, closed.text);
    const early = {
      ...populated.sessions[0]!,
      sid: newSid('KC'),
      unique_name: null,
      date_created: populated.sessions[0]!.date_created - 1000,
    };
    const member = {
      ...courier,
      sid: newSid('KP'),
      session_sid: early.sid,
      date_created: early.date_created,
      date_updated: early.date_created,
    };
    await source.app.parley.database.transactions.run(async (uow) => {
      insertSession(uow, early);
      insertParticipant(uow, member);
      acquire(uow, assignmentOf(member));
    });

    const run = succeeded(await target.run(source, '--include-closed'));
    assert.deepEqual(countsOf(run, 'sessions'), [1, 1, SESSIONS - 1, 0]);
    const held = await target
      .handle()
      .db.selectFrom('assignments')
      .select('session_sid')
      .where('identifier', '=', courier.identifier)
      .where('phone_number_sid', '=', courier.proxy_identifier_sid)
      .execute();
    assert.deepEqual(held, [{ session_sid: early.sid }]);
  });
});
