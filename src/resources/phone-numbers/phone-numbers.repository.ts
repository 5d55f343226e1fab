import type { Kysely } from 'kysely';
import { pageOf } from '../../db/keyset.js';
import { prepare } from '../../db/prepared.js';
import type { Database, PhoneNumberRow } from '../../db/schema.js';
import type { PageRequest } from '../../common/paging.js';
import type { ServiceKey } from '../../common/service-key.js';

export async function insertPhoneNumber(db: Kysely<Database>, row: PhoneNumberRow): Promise<void> {
  await db.insertInto('phone_numbers').values(row).execute();
}

const selectBySid = prepare((db, param) =>
  db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('sid', '=', param('sid'))
    .where('service_sid', '=', param('serviceSid'))
    .where('account_sid', '=', param('accountSid')),
);

export async function findPhoneNumber(db: Kysely<Database>, key: ServiceKey, sid: string): Promise<PhoneNumberRow | undefined> {
  return (await selectBySid(db, { sid, ...key }))[0];
}

export async function findPhoneNumberByNumber(db: Kysely<Database>, key: ServiceKey, e164: string): Promise<PhoneNumberRow | undefined> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('account_sid', '=', key.accountSid)
    .where('phone_number', '=', e164)
    .where('service_sid', '=', key.serviceSid)
    .executeTakeFirst();
}

/** The account's number with this E.164 or SID, in whichever service holds it. */
export async function findInAccount(
  db: Kysely<Database>,
  accountSid: string,
  by: { e164?: string; sid?: string },
): Promise<PhoneNumberRow | undefined> {
  let query = db.selectFrom('phone_numbers').selectAll().where('account_sid', '=', accountSid);
  if (by.e164 !== undefined) query = query.where('phone_number', '=', by.e164);
  if (by.sid !== undefined) query = query.where('sid', '=', by.sid);
  return query.executeTakeFirst();
}

export async function countPool(db: Kysely<Database>, serviceSid: string, reserved: boolean): Promise<number> {
  const row = await db
    .selectFrom('phone_numbers')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('service_sid', '=', serviceSid)
    .where('is_reserved', '=', reserved ? 1 : 0)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function listPhoneNumbers(db: Kysely<Database>, key: ServiceKey, page: PageRequest): Promise<PhoneNumberRow[]> {
  const query = db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid);
  return pageOf(query, 'phone_numbers', page).execute();
}

export async function setReserved(db: Kysely<Database>, sid: string, reserved: boolean, now: number): Promise<void> {
  await db
    .updateTable('phone_numbers')
    .set({ is_reserved: reserved ? 1 : 0, date_updated: now })
    .where('sid', '=', sid)
    .execute();
}

/** Deletes the number only while no active session holds it; answers whether it did. */
export async function deleteIdleNumber(db: Kysely<Database>, key: ServiceKey, sid: string): Promise<boolean> {
  const result = await db
    .deleteFrom('phone_numbers')
    .where('sid', '=', sid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid)
    .where('in_use', '=', 0)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
