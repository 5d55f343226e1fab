import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { pageOf } from '../../db/keyset.js';
import { placeholders, prepare } from '../../db/prepared.js';
import type { Database, ParticipantRow } from '../../db/schema.js';
import type { PageRequest } from '../../http/paging.js';
import type { ServiceKey } from '../services/services.repository.js';

const COLUMNS: Record<keyof ParticipantRow, true> = {
  sid: true,
  account_sid: true,
  service_sid: true,
  session_sid: true,
  identifier: true,
  friendly_name: true,
  proxy_identifier: true,
  proxy_identifier_sid: true,
  date_deleted: true,
  date_created: true,
  date_updated: true,
};
const insertRow = prepare((db, param) => db.insertInto('participants').values(placeholders(COLUMNS, param)));

export async function insertParticipant(db: Kysely<Database>, row: ParticipantRow): Promise<void> {
  await insertRow(db, row);
}

export async function findParticipant(
  db: Kysely<Database>,
  key: ServiceKey,
  sessionSid: string,
  sid: string,
): Promise<ParticipantRow | undefined> {
  return db
    .selectFrom('participants')
    .selectAll()
    .where('sid', '=', sid)
    .where('session_sid', '=', sessionSid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid)
    .executeTakeFirst();
}

const selectByIdentifier = prepare((db, param) =>
  db.selectFrom('participants').selectAll().where('session_sid', '=', param('sessionSid')).where('identifier', '=', param('identifier')),
);

/** The participant with this identifier in the session, removed or not. */
export async function findByIdentifier(db: Kysely<Database>, sessionSid: string, identifier: string): Promise<ParticipantRow | undefined> {
  return (await selectByIdentifier(db, { sessionSid, identifier }))[0];
}

/** Every participant of the session, removed ones included (their date_deleted is set). */
export async function listParticipants(
  db: Kysely<Database>,
  key: ServiceKey,
  sessionSid: string,
  page: PageRequest,
): Promise<ParticipantRow[]> {
  const query = db
    .selectFrom('participants')
    .selectAll()
    .where('session_sid', '=', sessionSid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid);
  return pageOf(query, 'participants', page).execute();
}

export async function markRemoved(db: Kysely<Database>, sid: string, now: number): Promise<void> {
  await db.updateTable('participants').set({ date_deleted: now, date_updated: now }).where('sid', '=', sid).execute();
}

/**
 * Takes one of the session's two participant places; false when both are taken. A conditional
 * UPDATE, so two concurrent requests can never both take the last place.
 */
const takePlace = prepare((db, param) =>
  db
    .updateTable('sessions')
    .set({ participant_count: sql`participant_count + 1` })
    .where('sid', '=', param('sessionSid'))
    .where('participant_count', '<', param('limit'))
    .returning('participant_count'),
);

export async function takeParticipantPlace(db: Kysely<Database>, sessionSid: string, limit: number): Promise<boolean> {
  return (await takePlace(db, { sessionSid, limit })).length > 0;
}

export async function freeParticipantPlace(db: Kysely<Database>, sessionSid: string): Promise<void> {
  await db.updateTable('sessions').set({ participant_count: sql`participant_count - 1` }).where('sid', '=', sessionSid).execute();
}
