import { pageOf } from '../../db/keyset.js';
import { prepare } from '../../db/prepared.js';
import type { NewServiceRow, ServiceRow, ServiceUpdate } from '../../db/schema.js';
import { first } from '../../db/unit-of-work.js';
import type { Db, Refusal } from '../../db/unit-of-work.js';
import type { PageRequest } from '../../common/paging.js';

export function insertService(db: Db, row: NewServiceRow, refusal?: Refusal) {
  return db.write(db.sql.insertInto('services').values(row), refusal);
}

const selectService = prepare((db, param) =>
  db.selectFrom('services').selectAll().where('sid', '=', param('sid')).where('account_sid', '=', param('accountSid')),
);

export async function findService(db: Db, accountSid: string, sid: string): Promise<ServiceRow | undefined> {
  return first(await db.read(selectService(db, { sid, accountSid })));
}

export async function findServiceByUniqueName(db: Db, accountSid: string, uniqueName: string): Promise<ServiceRow | undefined> {
  return first(
    await db.read(db.sql.selectFrom('services').selectAll().where('account_sid', '=', accountSid).where('unique_name', '=', uniqueName)),
  );
}

export function listServices(db: Db, accountSid: string, page: PageRequest): Promise<ServiceRow[]> {
  return db.read(pageOf(db.sql.selectFrom('services').selectAll().where('account_sid', '=', accountSid), 'services', page));
}

export function updateService(db: Db, sid: string, changes: ServiceUpdate, refusal?: Refusal) {
  return db.write(db.sql.updateTable('services').set(changes).where('sid', '=', sid), refusal);
}

/** Sessions go with it through the foreign key's ON DELETE CASCADE. */
export async function deleteService(db: Db, accountSid: string, sid: string): Promise<boolean> {
  return (await db.write(db.sql.deleteFrom('services').where('account_sid', '=', accountSid).where('sid', '=', sid))).count > 0;
}
