// Twilio's status reports for a message or call leg. Reports can arrive out of order, and a
// message's first report can arrive before Parley has stored the SID Twilio answered with; a
// status never moves back (delivered stays delivered), and early reports wait for their SID
// (carrier-status.repository.ts).

import type { InteractionRow } from '../../db/schema.js';
import { RESOURCE_STATUSES } from '../../resources/interactions/interactions.model.js';

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

/** The later of a leg's current status and a report. */
export function laterStatus(interaction: InteractionRow, leg: 'inbound' | 'outbound', reported: string): string {
  const current = leg === 'inbound' ? interaction.inbound_resource_status : interaction.outbound_resource_status;
  return advances(current, reported) ? reported : current!;
}
