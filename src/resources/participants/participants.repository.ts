import type { Kysely } from 'kysely';
import { pageOf } from '../../db/keyset.js';
import { placeholders, prepare } from '../../db/prepared.js';
import type { Database, ParticipantRow } from '../../db/schema.js';
import type { PageRequest } from '../../common/paging.js';
import type { ServiceKey } from '../../common/service-key.js';

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

const selectIdentifiers = prepare((db, param) =>
  db.selectFrom('participants').select(['identifier', 'date_deleted']).where('session_sid', '=', param('sessionSid')),
);

/** Someone who is (date_deleted null) or was in a session. */
export type Member = Pick<ParticipantRow, 'identifier' | 'date_deleted'>;

/** Who is or was in the session: enough to check duplicates and the limit in one query. */
export async function identifiersOf(db: Kysely<Database>, sessionSid: string): Promise<Member[]> {
  return selectIdentifiers(db, { sessionSid });
}
