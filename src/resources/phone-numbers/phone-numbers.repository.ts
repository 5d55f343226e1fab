import { pageOf } from '../../db/keyset.js';
import { prepare } from '../../db/prepared.js';
import type { PhoneNumberRow } from '../../db/schema.js';
import { first } from '../../db/unit-of-work.js';
import type { Db } from '../../db/unit-of-work.js';
import type { PageRequest } from '../../common/paging.js';
import type { ServiceKey } from '../../common/service-key.js';

export function insertPhoneNumber(db: Db, row: PhoneNumberRow) {
  return db.write(db.sql.insertInto('phone_numbers').values(row));
}

const selectBySid = prepare((db, param) =>
  db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('sid', '=', param('sid'))
    .where('service_sid', '=', param('serviceSid'))
    .where('account_sid', '=', param('accountSid')),
);

export async function findPhoneNumber(db: Db, key: ServiceKey, sid: string): Promise<PhoneNumberRow | undefined> {
  return first(await db.read(selectBySid(db, { sid, ...key })));
}

export async function findPhoneNumberByNumber(db: Db, key: ServiceKey, e164: string): Promise<PhoneNumberRow | undefined> {
  const query = db.sql
    .selectFrom('phone_numbers')
    .selectAll()
    .where('account_sid', '=', key.accountSid)
    .where('phone_number', '=', e164)
    .where('service_sid', '=', key.serviceSid);
  return first(await db.read(query));
}

/** The account's number with this E.164 or SID, in whichever service holds it. */
export async function findInAccount(db: Db, accountSid: string, by: { e164?: string; sid?: string }): Promise<PhoneNumberRow | undefined> {
  let query = db.sql.selectFrom('phone_numbers').selectAll().where('account_sid', '=', accountSid);
  if (by.e164 !== undefined) query = query.where('phone_number', '=', by.e164);
  if (by.sid !== undefined) query = query.where('sid', '=', by.sid);
  return first(await db.read(query));
}

export async function countPool(db: Db, serviceSid: string, reserved: boolean): Promise<number> {
  const query = db.sql
    .selectFrom('phone_numbers')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('service_sid', '=', serviceSid)
    .where('is_reserved', '=', reserved ? 1 : 0);
  return Number(first(await db.read(query))?.count ?? 0);
}

export interface PoolUsage {
  total: number;
  reserved: number;
  /** Numbers that hold at least one active session. */
  busy: number;
  /** Active sessions' assignments over all the numbers. */
  assignments: number;
}

/** One pass over the service's numbers (phone_numbers_service_listing). */
export async function poolUsage(db: Db, key: ServiceKey): Promise<PoolUsage> {
  const query = db.sql
    .selectFrom('phone_numbers')
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      eb.fn.sum<number>(eb.ref('is_reserved')).as('reserved'),
      eb.fn.sum<number>(eb.case().when('in_use', '>', 0).then(1).else(0).end()).as('busy'),
      eb.fn.sum<number>(eb.ref('in_use')).as('assignments'),
    ])
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid);
  const row = first(await db.read(query));
  return {
    total: Number(row?.total ?? 0),
    reserved: Number(row?.reserved ?? 0),
    busy: Number(row?.busy ?? 0),
    assignments: Number(row?.assignments ?? 0),
  };
}

export function listPhoneNumbers(db: Db, key: ServiceKey, page: PageRequest): Promise<PhoneNumberRow[]> {
  const query = db.sql
    .selectFrom('phone_numbers')
    .selectAll()
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid);
  return db.read(pageOf(query, 'phone_numbers', page));
}

export function setReserved(db: Db, sid: string, reserved: boolean, now: number) {
  return db.write(
    db.sql
      .updateTable('phone_numbers')
      .set({ is_reserved: reserved ? 1 : 0, date_updated: now })
      .where('sid', '=', sid),
  );
}

/** Deletes the number only while no active session holds it; answers whether it did. */
export async function deleteIdleNumber(db: Db, key: ServiceKey, sid: string): Promise<boolean> {
  const query = db.sql
    .deleteFrom('phone_numbers')
    .where('sid', '=', sid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid)
    .where('in_use', '=', 0);
  return (await db.write(query)).count > 0;
}
