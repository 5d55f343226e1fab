import { pageOf } from '../../db/keyset.js';
import { prepare, prepareInsert } from '../../db/prepared.js';
import type { ParticipantRow } from '../../db/schema.js';
import { first } from '../../db/unit-of-work.js';
import type { Db, Refusal } from '../../db/unit-of-work.js';
import type { PageRequest } from '../../common/paging.js';
import type { ServiceKey } from '../../common/service-key.js';

const insertRow = prepareInsert('participants');

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
