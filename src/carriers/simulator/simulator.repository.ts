import { pageOf } from '../../db/keyset.js';
import { prepareInsert } from '../../db/prepared.js';
import type { SimulatorCallRow, SimulatorMessageRow } from '../../db/schema.js';
import { first } from '../../db/unit-of-work.js';
import type { Db } from '../../db/unit-of-work.js';
import type { PageRequest } from '../../common/paging.js';

const insertMessageRow = prepareInsert('simulator_messages');

export function insertSimulatorMessage(db: Db, row: SimulatorMessageRow) {
  return db.write(insertMessageRow(db, row));
}

/** Newest first, as a phone shows them; optionally only those to / from a number. */
export function listSimulatorMessages(
  db: Db,
  accountSid: string,
  filter: { to?: string; from?: string },
  page: PageRequest,
): Promise<SimulatorMessageRow[]> {
  let query = db.sql.selectFrom('simulator_messages').selectAll().where('account_sid', '=', accountSid);
  if (filter.to !== undefined) query = query.where('to_number', '=', filter.to);
  if (filter.from !== undefined) query = query.where('from_number', '=', filter.from);
  return db.read(pageOf(query, 'simulator_messages', page, 'desc'));
}

export function insertSimulatorCall(db: Db, row: SimulatorCallRow) {
  return db.write(db.sql.insertInto('simulator_calls').values(row));
}

export async function findSimulatorCall(db: Db, accountSid: string, sid: string): Promise<SimulatorCallRow | undefined> {
  return first(
    await db.read(db.sql.selectFrom('simulator_calls').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid)),
  );
}

export function updateSimulatorCall(db: Db, sid: string, changes: Partial<SimulatorCallRow>) {
  return db.write(db.sql.updateTable('simulator_calls').set(changes).where('sid', '=', sid));
}
