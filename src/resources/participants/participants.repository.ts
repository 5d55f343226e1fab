import { pageOf } from '../../db/keyset.js';
import { placeholders, prepare } from '../../db/prepared.js';
import type { ParticipantRow } from '../../db/schema.js';
import { first } from '../../db/unit-of-work.js';
import type { Db, Refusal } from '../../db/unit-of-work.js';
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

export function insertParticipant(db: Db, row: ParticipantRow, refusal?: Refusal) {
  return db.write(insertRow(db, row), refusal);
}

export async function findParticipant(db: Db, key: ServiceKey, sessionSid: string, sid: string): Promise<ParticipantRow | undefined> {
  const query = db.sql
    .selectFrom('participants')
    .selectAll()
    .where('sid', '=', sid)
    .where('session_sid', '=', sessionSid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid);
  return first(await db.read(query));
}

/** Every participant of the session, removed ones included (their date_deleted is set). */
export function listParticipants(db: Db, key: ServiceKey, sessionSid: string, page: PageRequest): Promise<ParticipantRow[]> {
  const query = db.sql
    .selectFrom('participants')
    .selectAll()
    .where('session_sid', '=', sessionSid)
    .where('service_sid', '=', key.serviceSid)
    .where('account_sid', '=', key.accountSid);
  return db.read(pageOf(query, 'participants', page));
}

export function markRemoved(db: Db, sid: string, now: number) {
  return db.write(db.sql.updateTable('participants').set({ date_deleted: now, date_updated: now }).where('sid', '=', sid));
}

const selectIdentifiers = prepare((db, param) =>
  db.selectFrom('participants').select(['identifier', 'date_deleted']).where('session_sid', '=', param('sessionSid')),
);

/** Someone who is (date_deleted null) or was in a session. */
export type Member = Pick<ParticipantRow, 'identifier' | 'date_deleted'>;

/** Who is or was in the session: enough to check duplicates and the limit in one query. */
export function identifiersOf(db: Db, sessionSid: string): Promise<Member[]> {
  return db.read(selectIdentifiers(db, { sessionSid }));
}
