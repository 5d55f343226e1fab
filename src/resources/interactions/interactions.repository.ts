import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { pageOf } from '../../db/keyset.js';
import { placeholders, prepare } from '../../db/prepared.js';
import type { Database, InteractionRow } from '../../db/schema.js';
import type { PageRequest } from '../../common/paging.js';
import type { ServiceKey } from '../../common/service-key.js';

const COLUMNS: Record<keyof InteractionRow, true> = {
  sid: true,
  account_sid: true,
  service_sid: true,
  session_sid: true,
  type: true,
  data: true,
  participant_sid: true,
  inbound_participant_sid: true,
  inbound_resource_sid: true,
  inbound_resource_status: true,
  inbound_resource_type: true,
  inbound_resource_url: true,
  outbound_participant_sid: true,
  outbound_resource_sid: true,
  outbound_resource_status: true,
  outbound_resource_type: true,
  outbound_resource_url: true,
  error_code: true,
  date_created: true,
  date_updated: true,
};
const insertRow = prepare((db, param) => db.insertInto('interactions').values(placeholders(COLUMNS, param)));

export async function insertInteraction(db: Kysely<Database>, row: InteractionRow): Promise<void> {
  await insertRow(db, row);
}

export async function findInteraction(
  db: Kysely<Database>,
  key: ServiceKey,
  sessionSid: string,
  sid: string,
): Promise<InteractionRow | undefined> {
  return db
    .selectFrom('interactions')
    .selectAll()
    .where('sid', '=', sid)
    .where('session_sid', '=', sessionSid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid)
    .executeTakeFirst();
}

export async function listInteractions(
  db: Kysely<Database>,
  key: ServiceKey,
  sessionSid: string,
  page: PageRequest,
): Promise<InteractionRow[]> {
  const query = db
    .selectFrom('interactions')
    .selectAll()
    .where('session_sid', '=', sessionSid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid);
  return pageOf(query, 'interactions', page).execute();
}

/** The MessageInteractions created through the API for one participant. */
export async function listMessageInteractions(
  db: Kysely<Database>,
  key: ServiceKey,
  sessionSid: string,
  participantSid: string,
  page: PageRequest,
): Promise<InteractionRow[]> {
  const query = db
    .selectFrom('interactions')
    .selectAll()
    .where('participant_sid', '=', participantSid)
    .where('session_sid', '=', sessionSid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid);
  return pageOf(query, 'interactions', page).execute();
}

export async function deleteInteraction(db: Kysely<Database>, key: ServiceKey, sessionSid: string, sid: string): Promise<boolean> {
  const result = await db
    .deleteFrom('interactions')
    .where('sid', '=', sid)
    .where('session_sid', '=', sessionSid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * The interaction one of whose carrier legs (those with a carrier URL: Twilio's) is this Call or
 * Message. The `url is not null` terms match the partial indexes on the resource SIDs.
 */
export async function findByResource(
  db: Kysely<Database>,
  resourceSid: string,
): Promise<{ row: InteractionRow; leg: 'inbound' | 'outbound' } | undefined> {
  const outbound = await db
    .selectFrom('interactions')
    .selectAll()
    .where('outbound_resource_sid', '=', resourceSid)
    .where(sql<boolean>`outbound_resource_url is not null`)
    .executeTakeFirst();
  if (outbound !== undefined) return { row: outbound, leg: 'outbound' };
  const inbound = await db
    .selectFrom('interactions')
    .selectAll()
    .where('inbound_resource_sid', '=', resourceSid)
    .where(sql<boolean>`inbound_resource_url is not null`)
    .executeTakeFirst();
  return inbound === undefined ? undefined : { row: inbound, leg: 'inbound' };
}

export async function updateInteraction(db: Kysely<Database>, sid: string, changes: Partial<InteractionRow>): Promise<void> {
  await db.updateTable('interactions').set(changes).where('sid', '=', sid).execute();
}

export async function findInteractionBySid(db: Kysely<Database>, sid: string): Promise<InteractionRow | undefined> {
  return db.selectFrom('interactions').selectAll().where('sid', '=', sid).executeTakeFirst();
}
