import { sql } from 'kysely';
import { pageOf } from '../../db/keyset.js';
import { prepareInsert } from '../../db/prepared.js';
import type { InteractionRow } from '../../db/schema.js';
import { first } from '../../db/unit-of-work.js';
import type { Db } from '../../db/unit-of-work.js';
import type { PageRequest } from '../../common/paging.js';
import type { ServiceKey } from '../../common/service-key.js';

const insertRow = prepareInsert('interactions');

export function insertInteraction(db: Db, row: InteractionRow) {
  return db.write(insertRow(db, row));
}

export async function findInteraction(db: Db, key: ServiceKey, sessionSid: string, sid: string): Promise<InteractionRow | undefined> {
  const query = db.sql
    .selectFrom('interactions')
    .selectAll()
    .where('sid', '=', sid)
    .where('session_sid', '=', sessionSid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid);
  return first(await db.read(query));
}

export function listInteractions(db: Db, key: ServiceKey, sessionSid: string, page: PageRequest): Promise<InteractionRow[]> {
  const query = db.sql
    .selectFrom('interactions')
    .selectAll()
    .where('session_sid', '=', sessionSid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid);
  return db.read(pageOf(query, 'interactions', page));
}

/** The MessageInteractions created through the API for one participant. */
export function listMessageInteractions(
  db: Db,
  key: ServiceKey,
  sessionSid: string,
  participantSid: string,
  page: PageRequest,
): Promise<InteractionRow[]> {
  const query = db.sql
    .selectFrom('interactions')
    .selectAll()
    .where('participant_sid', '=', participantSid)
    .where('session_sid', '=', sessionSid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid);
  return db.read(pageOf(query, 'interactions', page));
}

export async function deleteInteraction(db: Db, key: ServiceKey, sessionSid: string, sid: string): Promise<boolean> {
  const query = db.sql
    .deleteFrom('interactions')
    .where('sid', '=', sid)
    .where('session_sid', '=', sessionSid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid);
  return (await db.write(query)).count > 0;
}

/**
 * The interaction one of whose carrier legs (those with a carrier URL: Twilio's) is this Call or
 * Message. The `url is not null` terms match the partial indexes on the resource SIDs.
 */
export async function findByResource(
  db: Db,
  resourceSid: string,
): Promise<{ row: InteractionRow; leg: 'inbound' | 'outbound' } | undefined> {
  const outbound = first(
    await db.read(
      db.sql
        .selectFrom('interactions')
        .selectAll()
        .where('outbound_resource_sid', '=', resourceSid)
        .where(sql<boolean>`outbound_resource_url is not null`),
    ),
  );
  if (outbound !== undefined) return { row: outbound, leg: 'outbound' };
  const inbound = first(
    await db.read(
      db.sql
        .selectFrom('interactions')
        .selectAll()
        .where('inbound_resource_sid', '=', resourceSid)
        .where(sql<boolean>`inbound_resource_url is not null`),
    ),
  );
  return inbound === undefined ? undefined : { row: inbound, leg: 'inbound' };
}

export function updateInteraction(db: Db, sid: string, changes: Partial<InteractionRow>) {
  return db.write(db.sql.updateTable('interactions').set(changes).where('sid', '=', sid));
}

export async function findInteractionBySid(db: Db, sid: string): Promise<InteractionRow | undefined> {
  return first(await db.read(db.sql.selectFrom('interactions').selectAll().where('sid', '=', sid)));
}
