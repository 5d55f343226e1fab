import type { Kysely } from 'kysely';
import { pageOf } from '../../db/keyset.js';
import { placeholders, prepare } from '../../db/prepared.js';
import type { Database, SimulatorCallRow, SimulatorMessageRow } from '../../db/schema.js';
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

export async function insertSimulatorMessage(db: Kysely<Database>, row: SimulatorMessageRow): Promise<void> {
  await insertMessageRow(db, row);
}

/** Newest first, as a phone shows them; optionally only those to / from a number. */
export async function listSimulatorMessages(
  db: Kysely<Database>,
  accountSid: string,
  filter: { to?: string; from?: string },
  page: PageRequest,
): Promise<SimulatorMessageRow[]> {
  let query = db.selectFrom('simulator_messages').selectAll().where('account_sid', '=', accountSid);
  if (filter.to !== undefined) query = query.where('to_number', '=', filter.to);
  if (filter.from !== undefined) query = query.where('from_number', '=', filter.from);
  return pageOf(query, 'simulator_messages', page, 'desc').execute();
}

export async function insertSimulatorCall(db: Kysely<Database>, row: SimulatorCallRow): Promise<void> {
  await db.insertInto('simulator_calls').values(row).execute();
}

export async function findSimulatorCall(db: Kysely<Database>, accountSid: string, sid: string): Promise<SimulatorCallRow | undefined> {
  return db.selectFrom('simulator_calls').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
}

export async function updateSimulatorCall(db: Kysely<Database>, sid: string, changes: Partial<SimulatorCallRow>): Promise<void> {
  await db.updateTable('simulator_calls').set(changes).where('sid', '=', sid).execute();
}
