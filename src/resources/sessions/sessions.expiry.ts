// When a session stops being active. The rule (issue #2, behaviour reference §3.1):
//   date_expiry if set; else ttl_started_at + ttl when ttl > 0; else ttl_started_at + the
//   service's default_ttl when that is > 0; else never.
// ttl_started_at is the creation time, moved forward by every interaction and by a re-open.
// It lives here alone, in TypeScript and, for the statements that apply it to many sessions at
// once, in SQL (the *Sql forms below, which sessions.repository.ts uses); a test holds the two
// forms to the same answers (test/unit/session-expiry.test.ts).

import { sql } from 'kysely';
import type { SessionRow } from '../../db/schema.js';
import { ACTIVE_STATUSES } from './sessions.model.js';
import type { SessionStatus } from './sessions.model.js';

export type ExpiryReason = 'date-expiry' | 'ttl';

export function expiresAt(session: Pick<SessionRow, 'date_expiry' | 'ttl' | 'ttl_started_at'>, serviceDefaultTtl: number): number | null {
  if (session.date_expiry !== null) return session.date_expiry;
  const ttl = session.ttl > 0 ? session.ttl : serviceDefaultTtl;
  return ttl > 0 ? session.ttl_started_at + ttl * 1000 : null;
}

export function isActive(status: string): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}

export function isExpired(session: Pick<SessionRow, 'status' | 'expires_at'>, now: number): boolean {
  return isActive(session.status) && session.expires_at !== null && session.expires_at <= now;
}

/** The closed_reason an expired session gets: which of the two limits ended it. */
export function expiryReason(session: Pick<SessionRow, 'date_expiry'>): ExpiryReason {
  return session.date_expiry !== null ? 'date-expiry' : 'ttl';
}

/** expiryReason(), in SQL, for the expiry job's UPDATE. */
export const expiryReasonSql = sql<ExpiryReason>`case when date_expiry is not null then 'date-expiry' else 'ttl' end`;

/**
 * expiresAt() for the sessions that live by their service's default (ttl 0, no date_expiry), in
 * SQL: what they become when that default changes.
 */
export function defaultTtlExpiresAtSql(serviceDefaultTtl: number) {
  return serviceDefaultTtl > 0 ? sql<number>`ttl_started_at + ${serviceDefaultTtl * 1000}` : sql<null>`null`;
}

/**
 * The session as it is at `now`: one past its expiry reads as closed even before the expiry
 * job has written that down, with the same values the job will write.
 */
export function asOf(session: SessionRow, now: number): SessionRow {
  if (!isExpired(session, now)) return session;
  return {
    ...session,
    status: 'closed' satisfies SessionStatus,
    closed_reason: expiryReason(session),
    date_ended: session.expires_at,
    date_updated: session.expires_at!,
  };
}
