// The callback log's words: the kinds of outgoing call and the statuses a record can have, and
// the outbox's names for them.

export const CALLBACK_KINDS = ['status_callback', 'intercept', 'out_of_session'] as const;
export type CallbackKind = (typeof CALLBACK_KINDS)[number];

export const CALLBACK_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** The outbox's kind of each (its twilio-message jobs are carrier sends, not callbacks). */
export const OUTBOX_KIND: Record<CallbackKind, string> = {
  status_callback: 'callback',
  intercept: 'intercept',
  out_of_session: 'out-of-session',
};

export function kindOf(outboxKind: string): CallbackKind {
  return (Object.keys(OUTBOX_KIND) as CallbackKind[]).find((kind) => OUTBOX_KIND[kind] === outboxKind)!;
}

/** A job waiting is pending until its first attempt, retrying after (one under way included). */
export function statusOf(row: { status: string; attempts: number }): CallbackStatus {
  if (row.status === 'done') return 'delivered';
  if (row.status === 'failed') return 'failed';
  return row.attempts === 0 ? 'pending' : 'retrying';
}
