// The SQL of faults on demand (faults.service.ts). A fault is used by an UPDATE of its
// `remaining`: on PostgreSQL the routing unit read it FOR UPDATE beside the route, so two units
// never use the same last one; SQLite runs units one after another.

import { prepare, prepareInsert } from '../../db/prepared.js';
import type { SimulatorFaultRow } from '../../db/schema.js';
import { first } from '../../db/unit-of-work.js';
import type { Db } from '../../db/unit-of-work.js';

const insertFaultRow = prepareInsert('simulator_faults');

export function insertFault(db: Db, row: SimulatorFaultRow) {
  return db.write(insertFaultRow(db, row));
}

/** The account's faults still to use on a channel, oldest first, locked until the unit commits. */
const pendingOn = prepare((db, param) =>
  db
    .selectFrom('simulator_faults')
    .selectAll()
    .where('account_sid', '=', param('account'))
    .where('channel', '=', param('channel'))
    .where('remaining', '>', 0)
    .orderBy('date_created')
    .orderBy('sid')
    .forUpdate(),
);

export function pendingFaults(db: Db, accountSid: string, channel: string): Promise<SimulatorFaultRow[]> {
  return db.read(pendingOn(db, { account: accountSid, channel }));
}

/** Uses one of the fault's deliveries (in the caller's unit of work, after pendingFaults). */
export function useFault(db: Db, sid: string, now: number) {
  return db.write(
    db.sql
      .updateTable('simulator_faults')
      .set((eb) => ({ remaining: eb('remaining', '-', 1), date_updated: now }))
      .where('sid', '=', sid)
      .where('remaining', '>', 0),
  );
}

/**
 * Uses the oldest fault for this number on this channel, if any, in one statement (outside a
 * routing unit: a call's); the fault used.
 */
export async function takeFault(db: Db, accountSid: string, number: string, channel: string, now: number) {
  const query = db.sql
    .updateTable('simulator_faults')
    .set((eb) => ({ remaining: eb('remaining', '-', 1), date_updated: now }))
    .where('sid', 'in', (eb) =>
      eb
        .selectFrom('simulator_faults')
        .select('sid')
        .where('account_sid', '=', accountSid)
        .where('phone_number', '=', number)
        .where('channel', '=', channel)
        .where('remaining', '>', 0)
        .orderBy('date_created')
        .orderBy('sid')
        .limit(1)
        .forUpdate(),
    )
    .where('remaining', '>', 0)
    .returningAll();
  return first((await db.write(query)).rows);
}

/** The account's faults with deliveries left, newest first. */
export function listFaults(db: Db, accountSid: string): Promise<SimulatorFaultRow[]> {
  return db.read(
    db.sql
      .selectFrom('simulator_faults')
      .selectAll()
      .where('account_sid', '=', accountSid)
      .where('remaining', '>', 0)
      .orderBy('date_created', 'desc')
      .orderBy('sid', 'desc'),
  );
}

/** The account's faults: all of them, or those used up; how many went. */
export async function deleteFaults(db: Db, accountSid: string, only: 'all' | 'used'): Promise<number> {
  const query = db.sql
    .deleteFrom('simulator_faults')
    .where('account_sid', '=', accountSid)
    .$if(only === 'used', (q) => q.where('remaining', '=', 0));
  return (await db.write(query)).count;
}
