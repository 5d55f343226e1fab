import { pageOf } from '../../db/keyset.js';
import { placeholders, prepare } from '../../db/prepared.js';
import type { SimulatorCallRow, SimulatorMessageRow } from '../../db/schema.js';
import { first } from '../../db/unit-of-work.js';
import type { Db } from '../../db/unit-of-work.js';
import type { PageRequest } from '../../common/paging.js';

const MESSAGE_COLUMNS: Record<keyof SimulatorMessageRow, true> = {
  sid: true,
  account_sid: true,
  from_number: true,
  to_number: true,
  body: true,
  media_urls: true,
  direction: true,
  status: true,
  interaction_sid: true,
  session_sid: true,
  date_created: true,
};
const insertMessageRow = prepare((db, param) => db.insertInto('simulator_messages').values(placeholders(MESSAGE_COLUMNS, param)));

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
