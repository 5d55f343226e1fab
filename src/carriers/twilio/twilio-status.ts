// Twilio's status reports for a message or call leg. Reports can arrive out of order, and a
// message's first report can arrive before Parley has stored the SID Twilio answered with; a
// status never moves back (delivered stays delivered), and early reports wait for their SID.

import type { Kysely } from 'kysely';
import type { Database, InteractionRow } from '../../db/schema.js';
import { RESOURCE_STATUSES } from '../../resources/interactions/interactions.schemas.js';

/** Twilio's statuses, in the Interaction's enum ("read" is a delivered message; anything new is unknown). */
export function resourceStatus(status: string | undefined): string {
  if (status === 'read') return 'delivered';
  return (RESOURCE_STATUSES as readonly string[]).includes(status ?? '') ? status! : 'unknown';
}

const RANK: Record<string, number> = {
  accepted: 1,
  scheduled: 1,
  queued: 1,
  initiated: 1,
  sending: 2,
  ringing: 2,
  receiving: 2,
  sent: 3,
  'in-progress': 3,
  answered: 3,
  received: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  completed: 4,
  busy: 4,
  'no-answer': 4,
  canceled: 4,
  'delivery-unknown': 4,
};

/** Whether `next` is news after `current` (a final status is never replaced by an earlier one). */
export function advances(current: string | null, next: string): boolean {
  return (RANK[next] ?? 0) >= (RANK[current ?? ''] ?? 0);
}

/** Keeps a report for a SID no interaction has yet. */
export async function keepEarlyReport(db: Kysely<Database>, resourceSid: string, status: string, now: number): Promise<void> {
  await db
    .insertInto('carrier_status_reports')
    .values({ resource_sid: resourceSid, status, date_created: now })
    .onConflict((conflict) => conflict.column('resource_sid').doUpdateSet({ status, date_created: now }))
    .execute();
}

/** The report that came before its SID was known, if any, consumed. */
export async function takeEarlyReport(db: Kysely<Database>, resourceSid: string): Promise<string | undefined> {
  const report = await db
    .deleteFrom('carrier_status_reports')
    .where('resource_sid', '=', resourceSid)
    .returning('status')
    .executeTakeFirst();
  return report?.status;
}

/** The later of a leg's current status and a report. */
export function laterStatus(interaction: InteractionRow, leg: 'inbound' | 'outbound', reported: string): string {
  const current = leg === 'inbound' ? interaction.inbound_resource_status : interaction.outbound_resource_status;
  return advances(current, reported) ? reported : current!;
}
