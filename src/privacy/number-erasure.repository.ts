// The SQL of a data-subject erasure: one person's phone number in one account. Rows that other
// records count on (participants, interactions) are anonymised and stay; logs and stored texts
// about the person are deleted. Runs in the caller's transaction.

import { sql } from 'kysely';
import type { Db, Written } from '../db/unit-of-work.js';

/** Keeps IN lists well under either engine's parameter limit. */
const CHUNK = 500;

async function inChunks<T>(items: readonly T[], work: (chunk: T[]) => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < items.length; i += CHUNK) total += await work(items.slice(i, i + CHUNK));
  return total;
}

const deleted = (result: Written<unknown>) => result.count;
const updated = deleted;
const erasedIdentifier = (sidColumn: string) => sql<string>`'erased:' || ${sql.ref(sidColumn)}`;

export interface PersonParticipant {
  sid: string;
  session_sid: string;
}

/** Every participant the number ever was in the account, removed ones included. */
export async function findParticipants(uow: Db, accountSid: string, e164: string): Promise<PersonParticipant[]> {
  // Through the services: participants_identifier_history leads with service_sid.
  const services = uow.sql.selectFrom('services').select('sid').where('account_sid', '=', accountSid);
  return uow.read(
    uow.sql
      .selectFrom('participants')
      .select(['sid', 'session_sid'])
      .where('service_sid', 'in', services)
      .where('identifier', '=', e164)
      .where('account_sid', '=', accountSid),
  );
}

/**
 * The interactions those participants sent or received: read session by session (the sessions'
 * index), picked by participant here.
 */
export async function findInteractions(uow: Db, participants: readonly PersonParticipant[]): Promise<string[]> {
  const theirs = new Set(participants.map((p) => p.sid));
  const sessions = [...new Set(participants.map((p) => p.session_sid))];
  const found: string[] = [];
  await inChunks(sessions, async (chunk) => {
    const rows = await uow.read(
      uow.sql
        .selectFrom('interactions')
        .select(['sid', 'participant_sid', 'inbound_participant_sid', 'outbound_participant_sid'])
        .where('session_sid', 'in', chunk),
    );
    for (const row of rows) {
      if ([row.participant_sid, row.inbound_participant_sid, row.outbound_participant_sid].some((sid) => sid !== null && theirs.has(sid)))
        found.push(row.sid);
    }
    return rows.length;
  });
  return found;
}

/**
 * Each participant's identifier becomes `erased:<its SID>` (unique per session, as the index
 * requires, and never a number anyone can text), here and in its active assignments; the name goes.
 */
export async function anonymiseParticipants(
  uow: Db,
  sids: readonly string[],
  now: number,
): Promise<{ participants: number; assignments: number }> {
  const assignments = await inChunks(sids, async (chunk) =>
    updated(
      await uow.write(
        uow.sql
          .updateTable('assignments')
          .set({ identifier: erasedIdentifier('participant_sid') })
          .where('participant_sid', 'in', chunk),
      ),
    ),
  );
  const participants = await inChunks(sids, async (chunk) =>
    updated(
      await uow.write(
        uow.sql
          .updateTable('participants')
          .set({ identifier: erasedIdentifier('sid'), friendly_name: null, date_updated: now })
          .where('sid', 'in', chunk),
      ),
    ),
  );
  return { participants, assignments };
}

/** The bodies go; the interactions, their participants and statuses stay. How many had a body. */
export async function clearInteractionData(uow: Db, sids: readonly string[]): Promise<number> {
  return inChunks(sids, async (chunk) =>
    updated(
      await uow.write(uow.sql.updateTable('interactions').set({ data: null }).where('sid', 'in', chunk).where('data', 'is not', null)),
    ),
  );
}

/**
 * The simulator's handset log: what was from or to the number, and every copy of those
 * interactions; and the faults still planned for the number.
 */
export async function deleteSimulatorRecords(
  uow: Db,
  accountSid: string,
  e164: string,
  interactionSids: readonly string[],
): Promise<{ messages: number; calls: number; faults: number }> {
  const faults = deleted(
    await uow.write(uow.sql.deleteFrom('simulator_faults').where('account_sid', '=', accountSid).where('phone_number', '=', e164)),
  );
  let messages = deleted(
    await uow.write(
      uow.sql
        .deleteFrom('simulator_messages')
        .where('account_sid', '=', accountSid)
        .where((eb) => eb.or([eb('from_number', '=', e164), eb('to_number', '=', e164)])),
    ),
  );
  let calls = deleted(
    await uow.write(
      uow.sql
        .deleteFrom('simulator_calls')
        .where('account_sid', '=', accountSid)
        .where((eb) =>
          eb.or([eb('from_number', '=', e164), eb('to_number', '=', e164), eb('bridged_from', '=', e164), eb('bridged_to', '=', e164)]),
        ),
    ),
  );
  messages += await inChunks(interactionSids, async (chunk) =>
    deleted(
      await uow.write(uow.sql.deleteFrom('simulator_messages').where('account_sid', '=', accountSid).where('interaction_sid', 'in', chunk)),
    ),
  );
  calls += await inChunks(interactionSids, async (chunk) =>
    deleted(
      await uow.write(uow.sql.deleteFrom('simulator_calls').where('account_sid', '=', accountSid).where('interaction_sid', 'in', chunk)),
    ),
  );
  return { messages, calls, faults };
}

/**
 * "This stored text is about the person": it carries the number (as JSON and TwiML write it, or
 * form-encoded as %2B…, and not followed by another digit, which would make a longer number), or
 * the SID of one of their interactions (a callback carries the body beside it). `likes` are
 * LIKE patterns that find every such text (and a few more, which `test` drops), in chunks;
 * `numberLike` is the one for the number alone.
 */
function mentionOf(
  e164: string,
  interactionSids: readonly string[],
): { numberLike: string; likes: string[][]; test: (text: string | null) => boolean } {
  const digits = e164.slice(1);
  const number = new RegExp(`(?:\\+|%2B)${digits}(?!\\d)`, 'i');
  const interactions = new Set(interactionSids);
  const numberLike = `%${digits}%`;
  const likes = [numberLike, ...interactionSids.map((sid) => `%${sid}%`)];
  const chunks: string[][] = [];
  for (let i = 0; i < likes.length; i += LIKES_PER_QUERY) chunks.push(likes.slice(i, i + LIKES_PER_QUERY));
  return {
    numberLike,
    likes: chunks,
    test: (text) => text !== null && (number.test(text) || (text.match(/KI[0-9a-f]{32}/g) ?? []).some((sid) => interactions.has(sid))),
  };
}

/** Each query scans the account's rows once, whatever the number of patterns. */
const LIKES_PER_QUERY = 100;

/**
 * Stored texts about the person: outbox jobs (callback parameters, messages to send),
 * Idempotency-Key responses (replayed API answers), carrier webhook answers (TwiML). Webhook
 * answers record no account, so those with the number go in every account: they are a one-day
 * replay cache.
 */
export async function deleteStoredTexts(
  uow: Db,
  accountSid: string,
  e164: string,
  interactionSids: readonly string[],
): Promise<{ outbox: number; idempotencyKeys: number; carrierWebhooks: number }> {
  const mention = mentionOf(e164, interactionSids);
  const jobs = new Set<string>();
  const keys = new Set<string>();
  for (const likes of mention.likes) {
    const jobRows = await uow.read(
      uow.sql
        .selectFrom('outbox')
        .select(['sid', 'payload'])
        .where('account_sid', '=', accountSid)
        .where((eb) => eb.or(likes.map((like) => eb('payload', 'like', like)))),
    );
    for (const row of jobRows) if (mention.test(row.payload)) jobs.add(row.sid);
    const keyRows = await uow.read(
      uow.sql
        .selectFrom('idempotency_keys')
        .select(['key', 'response'])
        .where('account_sid', '=', accountSid)
        .where((eb) => eb.or(likes.map((like) => eb('response', 'like', like)))),
    );
    for (const row of keyRows) if (mention.test(row.response)) keys.add(row.key);
  }
  const outbox = await inChunks([...jobs], async (chunk) =>
    deleted(await uow.write(uow.sql.deleteFrom('outbox').where('sid', 'in', chunk))),
  );
  const idempotencyKeys = await inChunks([...keys], async (chunk) =>
    deleted(await uow.write(uow.sql.deleteFrom('idempotency_keys').where('account_sid', '=', accountSid).where('key', 'in', chunk))),
  );
  const answers = await uow.read(
    uow.sql.selectFrom('carrier_webhooks').select(['carrier', 'resource_sid', 'answer']).where('answer', 'like', mention.numberLike),
  );
  let carrierWebhooks = 0;
  for (const answer of answers.filter((row) => mention.test(row.answer))) {
    carrierWebhooks += deleted(
      await uow.write(
        uow.sql.deleteFrom('carrier_webhooks').where('carrier', '=', answer.carrier).where('resource_sid', '=', answer.resource_sid),
      ),
    );
  }
  return { outbox, idempotencyKeys, carrierWebhooks };
}
