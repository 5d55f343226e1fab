// A carrier leg's status, in the Interaction's words, whichever carrier reported it. Carriers
// report out of order (each report is its own HTTP request, retried on its own), so a status never
// moves back: delivered stays delivered when a late "sent" arrives, completed stays completed when
// a late "ringing" does. Each carrier maps its own words first (legStatus's `aliases`).

import type { InteractionRow } from '../db/schema.js';
import { RESOURCE_STATUSES } from '../resources/interactions/interactions.model.js';

/** A carrier's word as the Interaction's enum says it: its alias, else the word itself if the enum has it, else unknown. */
export function legStatus(word: string | undefined, aliases: Readonly<Record<string, string>> = {}): string {
  const aliased = aliases[word ?? ''] ?? word ?? '';
  return (RESOURCE_STATUSES as readonly string[]).includes(aliased) ? aliased : 'unknown';
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
