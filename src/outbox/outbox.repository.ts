// The outbox: work that must happen after a commit, durably (a service callback, a message to send
// through Twilio). Jobs are written in the same transaction as the change they report; a worker
// claims due jobs, runs them outside any transaction, and records the outcome.

import type { ExpressionBuilder } from 'kysely';
import type { ClockScope } from '../common/clock.js';
import { sql } from 'kysely';
import { prepareInsert } from '../db/prepared.js';
import type { Database, OutboxRow } from '../db/schema.js';
import type { Db } from '../db/unit-of-work.js';
import { newSid } from '../common/sids.js';

export type OutboxKind = 'callback' | 'twilio-message' | 'signalwire-message' | 'telnyx-message';

const insertJob = prepareInsert('outbox');

/** In the caller's transaction, with the change the job reports. */
export function enqueue(db: Db, job: { accountSid: string; kind: OutboxKind; payload: unknown; now: number }) {
  const row: OutboxRow = {
    sid: newSid('OB'),
    account_sid: job.accountSid,
    kind: job.kind,
    payload: JSON.stringify(job.payload),
    status: 'pending',
    attempts: 0,
    next_attempt_at: job.now,
    locked_until: null,
    last_error: null,
    response_status: null,
    outcome: null,
    date_created: job.now,
    date_updated: job.now,
  };
  return db.write(insertJob(db, row));
}

/** How many due jobs a claim looks at, for each one it may take (see claimDue). */
const LOOK_FACTOR = 4;

export interface ClaimRequest {
  /** Real time: a claim lasts `lockMs` of it, whatever any account's clock says. */
  now: number;
  /** Whose jobs are looked at (every account's, or one account's), and the time they are due by. */
  due: ClockScope;
  /** How long a claimed job stays claimed: it is not due for anyone else until then. */
  lockMs: number;
  /** Jobs to claim at most (the caller's free delivery slots). */
  limit: number;
  /** Deliveries one account may have under way at once, on the caller's node. */
  perAccount: number;
  /** The caller's deliveries under way, by account. */
  inFlight: ReadonlyMap<string, number>;
}

export interface Claim {
  jobs: OutboxRow[];
  /**
   * More may be claimable at once: another node won some of the jobs picked, or the look at the
   * backlog stopped short while slots are still free (an account that filled it is at its cap now,
   * and left out of the next claim).
   */
  more: boolean;
}

/**
 * Claims due jobs fairly between accounts: never more than `limit` in all, never more for an
 * account than its free slots (`perAccount` less its deliveries in flight), and none of an account
 * at its cap, so that one account's backlog cannot fill a claim.
 *
 * Two statements. A plain SELECT picks candidates: of the oldest due jobs (a bounded look, so the
 * cost does not grow with a backlog), each account's first `perAccount` (row_number() over the
 * account), taken round-robin (every account's first, then every account's second, …). PostgreSQL
 * allows no FOR UPDATE beside a window function, so that SELECT locks nothing. The claim is an
 * UPDATE of the picks that locks them, skipping rows another node is claiming (the plugin in
 * db/row-locks.ts drops the lock on SQLite), re-checks that each is still pending and unclaimed,
 * and returns only those it won. So nodes that pick the same jobs claim each once, never wait for
 * each other nor deadlock, and a node that lost some of its picks looks again (`more`).
 */
export async function claimDue(db: Db, request: ClaimRequest): Promise<Claim> {
  const saturated = [...request.inFlight].filter(([, running]) => running >= request.perAccount).map(([account]) => account);
  // Enough candidates to fill `limit` after picking: picking drops at most, for each account, as
  // many candidates as that account has in flight.
  const running = [...request.inFlight.values()].reduce((sum, n) => sum + n, 0);
  const wanted = request.limit + running;
  const look = LOOK_FACTOR * wanted;
  const due = db.sql
    .selectFrom('outbox')
    .select(['sid', 'account_sid', 'next_attempt_at'])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', request.due.now)
    .where(unclaimed(request.now))
    .$if(request.due.accountSid !== null, (q) => q.where('account_sid', '=', request.due.accountSid!))
    .$if(saturated.length > 0, (q) => q.where('account_sid', 'not in', padded(saturated)))
    .orderBy('next_attempt_at')
    .limit(look);
  const ranked = db.sql
    .selectFrom(due.as('due'))
    .selectAll()
    .select((eb) => [
      eb.fn
        .agg<number>('row_number')
        .over((over) => over.partitionBy('account_sid').orderBy('next_attempt_at').orderBy('sid'))
        .as('place'),
      eb.fn.countAll<number>().over().as('looked'),
    ]);
  const candidates = await db.read(
    db.sql
      .selectFrom(ranked.as('ranked'))
      .select(['sid', 'account_sid', 'looked'])
      .where('place', '<=', request.perAccount)
      .orderBy('place')
      .orderBy('next_attempt_at')
      .orderBy('sid')
      .limit(wanted),
  );
  const picks = pick(candidates, request);
  if (picks.length === 0) return { jobs: [], more: false };
  const claim = db.sql
    .updateTable('outbox')
    .set({ locked_until: request.now + request.lockMs, attempts: sql`attempts + 1` })
    .where('sid', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('sid')
        .where('sid', 'in', padded(picks))
        .where('status', '=', 'pending')
        .where(unclaimed(request.now))
        .forUpdate()
        .skipLocked(),
    )
    .where('status', '=', 'pending')
    .returningAll();
  const jobs = (await db.write(claim)).rows;
  // PostgreSQL counts in bigint, which pg hands over as a string.
  const cutShort = Number(candidates[0]!.looked) === look && picks.length < request.limit;
  return { jobs, more: jobs.length < picks.length || cutShort };
}

/** Never claimed, or its claim has run out. */
function unclaimed(now: number) {
  return (eb: ExpressionBuilder<Database, 'outbox'>) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]);
}

/** The candidates that fit: in their order, within `limit`, within each account's free slots. */
function pick(candidates: Array<{ sid: string; account_sid: string }>, request: ClaimRequest): string[] {
  const busy = new Map(request.inFlight);
  const picks: string[] = [];
  for (const { sid, account_sid: account } of candidates) {
    if (picks.length === request.limit) break;
    const running = busy.get(account) ?? 0;
    if (running >= request.perAccount) continue;
    busy.set(account, running + 1);
    picks.push(sid);
  }
  return picks;
}

/**
 * The list with its last element repeated up to a power-of-two length: `in (…)` means the same,
 * and the statement takes few distinct texts (PostgreSQL prepares each text once per connection
 * under a name, from a bounded supply: db/pg-connections.ts).
 */
function padded(list: string[]): string[] {
  let size = 1;
  while (size < list.length) size *= 2;
  return list.concat(Array<string>(size - list.length).fill(list[list.length - 1]!));
}

/** How an attempt ended: its error (none when it succeeded) and the HTTP status it was answered with. */
export interface AttemptOutcome {
  error: string | null;
  responseStatus: number | null;
}

export async function markDone(db: Db, sid: string, now: number, responseStatus: number | null = null): Promise<void> {
  const changes = { status: 'done', locked_until: null, last_error: null, response_status: responseStatus, date_updated: now };
  await db.write(db.sql.updateTable('outbox').set(changes).where('sid', '=', sid));
}

export async function scheduleRetry(db: Db, sid: string, at: number, outcome: AttemptOutcome, now: number): Promise<void> {
  const changes = { next_attempt_at: at, locked_until: null, ...failure(outcome), date_updated: now };
  await db.write(db.sql.updateTable('outbox').set(changes).where('sid', '=', sid));
}

export async function giveUp(db: Db, sid: string, outcome: AttemptOutcome, now: number): Promise<void> {
  const changes = { status: 'failed', locked_until: null, ...failure(outcome), date_updated: now };
  await db.write(db.sql.updateTable('outbox').set(changes).where('sid', '=', sid));
}

function failure(outcome: AttemptOutcome) {
  return { last_error: (outcome.error ?? '').slice(0, 1000), response_status: outcome.responseStatus };
}
