import { sql } from 'kysely';
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

/**
 * A phone's newest messages, sent and received (the console's threads). Two index walks
 * (simulator_messages_from / _to) merged, rather than an OR the planner may scan the table for.
 */
export async function handsetMessages(db: Db, accountSid: string, number: string, limit: number): Promise<SimulatorMessageRow[]> {
  const sides = ['from_number', 'to_number'].map((column) => newestWhere(db, 'simulator_messages', column, accountSid, number, limit));
  return newestFirst((await Promise.all(sides)).flat() as SimulatorMessageRow[], limit);
}

/** A phone's newest calls: those it placed and those bridged to it (simulator_calls_from / _to). */
export async function handsetCalls(db: Db, accountSid: string, number: string, limit: number): Promise<SimulatorCallRow[]> {
  const sides = ['from_number', 'bridged_to'].map((column) => newestWhere(db, 'simulator_calls', column, accountSid, number, limit));
  return newestFirst((await Promise.all(sides)).flat() as SimulatorCallRow[], limit);
}

function newestWhere(
  db: Db,
  table: 'simulator_messages' | 'simulator_calls',
  column: string,
  accountSid: string,
  number: string,
  limit: number,
) {
  const query = db.sql
    .selectFrom(table)
    .selectAll()
    .where('account_sid', '=', accountSid)
    .where(sql.ref(column), '=', number)
    .orderBy('date_created', 'desc')
    .limit(limit);
  return db.read(query);
}

function newestFirst<Row extends { sid: string; date_created: number }>(rows: Row[], limit: number): Row[] {
  const unique = [...new Map(rows.map((row) => [row.sid, row])).values()];
  unique.sort((a, b) => b.date_created - a.date_created || (a.sid < b.sid ? 1 : -1));
  return unique.slice(0, limit);
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
