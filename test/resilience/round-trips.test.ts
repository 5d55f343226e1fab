// The round trips each write operation costs on PostgreSQL, counted by the transaction runner
// (db/pg-connections.ts publishes every unit's on `parley:db:unit`). On a small machine the round
// trips, not the statements, set the pace, and the unit of work keeps them where they were
// designed: statements written one after another leave together, and COMMIT leaves with the last
// write. docs/architecture.md states these numbers; a change that costs a round trip fails here.

import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { after, before, describe, test } from 'node:test';
import type { UnitReport } from '../../src/db/pg-connections.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { testEngine } from '../helpers/database.js';

const postgresOnly = { skip: testEngine() !== 'postgres' && 'round trips are PostgreSQL’s (SQLite runs in process)' };

/** The units of work `action` ran whose statements touch `table` (background jobs run beside it). */
async function unitsOf(table: string, action: () => Promise<unknown>): Promise<UnitReport[]> {
  const units: UnitReport[] = [];
  const listener = (message: unknown) => {
    const unit = message as UnitReport;
    if (unit.statements.some((statement) => new RegExp(`^(insert into|update) "${table}"`).test(statement))) units.push(unit);
  };
  subscribe('parley:db:unit', listener);
  try {
    await action();
  } finally {
    unsubscribe('parley:db:unit', listener);
  }
  return units;
}

describe('round trips per operation on PostgreSQL', postgresOnly, () => {
  let t: TestApp;
  let service: string;
  before(async () => {
    // Background jobs far apart, so their units do not get in the way.
    t = await startTestApp({ PARLEY_EXPIRY_SWEEP_MS: '3600000', PARLEY_OUTBOX_POLL_MS: '60000' });
    service = `/v1/Services/${(await t.api.post('/v1/Services', { UniqueName: 'round-trips' })).body.sid}`;
    for (const number of ['+14155550180', '+14155550181']) await t.api.post(`${service}/PhoneNumbers`, { PhoneNumber: number });
  });
  after(() => t.close());

  test('session create: one (BEGIN, INSERT and COMMIT leave together)', async () => {
    const [unit, ...more] = await unitsOf('sessions', () => t.api.post(`${service}/Sessions`, { UniqueName: 'one-trip' }));
    assert.deepEqual(more, []);
    assert.equal(unit!.roundTrips, 1, unit!.statements.join('\n'));
  });

  test('participant create: three (the lock with the reads, the number choice, the writes with COMMIT)', async () => {
    const session = (await t.api.post(`${service}/Sessions`, {})).body.sid;
    const [unit] = await unitsOf('participants', () =>
      t.api.post(`${service}/Sessions/${session}/Participants`, { Identifier: '+12125550180' }),
    );
    assert.equal(unit!.roundTrips, 3, unit!.statements.join('\n'));
  });

  test('routing a message: three (the route, the writes, COMMIT)', async () => {
    const created = await t.api.post(`${service}/Sessions`, {
      Participants: [JSON.stringify({ Identifier: '+12125550181' }), JSON.stringify({ Identifier: '+12125550182' })],
    });
    const participants = (await t.api.get(`${service}/Sessions/${created.body.sid}/Participants`)).body.participants;
    const proxy = participants.find((p: { identifier: string }) => p.identifier === '+12125550181').proxy_identifier;
    const [unit] = await unitsOf('interactions', () =>
      t.api.post('/simulator/v1/Messages', { From: '+12125550181', To: proxy, Body: 'how many trips?' }),
    );
    assert.equal(unit!.roundTrips, 3, unit!.statements.join('\n'));
  });
});
