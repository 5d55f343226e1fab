import type { Kysely } from 'kysely';
import { pageOf } from '../../db/keyset.js';
import { prepare } from '../../db/prepared.js';
import type { Database, NewServiceRow, ServiceRow, ServiceUpdate } from '../../db/schema.js';
import type { PageRequest } from '../../common/paging.js';

/** Where a nested resource lives: a service of an account. Every nested query is scoped by both. */
export async function insertService(db: Kysely<Database>, row: NewServiceRow): Promise<void> {
  await db.insertInto('services').values(row).execute();
}

const selectService = prepare((db, param) =>
  db.selectFrom('services').selectAll().where('sid', '=', param('sid')).where('account_sid', '=', param('accountSid')),
);

export async function findService(db: Kysely<Database>, accountSid: string, sid: string): Promise<ServiceRow | undefined> {
  return (await selectService(db, { sid, accountSid }))[0];
}

export async function findServiceByUniqueName(
  db: Kysely<Database>,
  accountSid: string,
  uniqueName: string,
): Promise<ServiceRow | undefined> {
  return db
    .selectFrom('services')
    .selectAll()
    .where('account_sid', '=', accountSid)
    .where('unique_name', '=', uniqueName)
    .executeTakeFirst();
}

export async function listServices(db: Kysely<Database>, accountSid: string, page: PageRequest): Promise<ServiceRow[]> {
  return pageOf(db.selectFrom('services').selectAll().where('account_sid', '=', accountSid), 'services', page).execute();
}

export async function updateService(db: Kysely<Database>, sid: string, changes: ServiceUpdate): Promise<void> {
  await db.updateTable('services').set(changes).where('sid', '=', sid).execute();
}

/** Sessions go with it through the foreign key's ON DELETE CASCADE. */
export async function deleteService(db: Kysely<Database>, accountSid: string, sid: string): Promise<boolean> {
  const result = await db.deleteFrom('services').where('account_sid', '=', accountSid).where('sid', '=', sid).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
