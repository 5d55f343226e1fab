// A service's sessions, a page (1000) at a time: the page's participants (and interactions) are
// read from the source, a few requests at once, then the page is planned and written in one unit
// of work, while the next page is being read.
//
// Two passes over the source's list. The first only counts the sessions (for the progress bar) and
// finds those that ended at the source but are still active in the target (imported by an earlier
// run): they are imported first, so the numbers they give back are free for the sessions that took
// them since (with prefer-sticky a participant's next session usually gets the same number), and a
// second run a week later refuses nothing the first run did not.

import type { PhoneNumberRow, ServiceRow } from '../db/schema.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import { acquire, release } from '../pool/pool.repository.js';
import { asOf, isActive } from '../resources/sessions/sessions.expiry.js';
import { SESSION_STATUSES } from '../resources/sessions/sessions.model.js';
import { step } from './import-context.js';
import type { ImportContext } from './import-context.js';
import { GoneError } from './import-errors.js';
import { toSessionRow } from './import-mapping.js';
import { activeSessionSids, upsert } from './import.repository.js';
import { PAGE_SIZE } from './proxy-api-client.js';
import type { Json } from './proxy-api-client.js';
import { planSessions } from './session-plan.js';
import type { ServiceState, SessionPlan, SourceSession } from './session-plan.js';
import { INTERACTION_COLUMNS, PARTICIPANT_COLUMNS, SESSION_COLUMNS } from './session-target.js';

export async function importSessions(ctx: ImportContext, service: ServiceRow, pool: ReadonlyMap<string, PhoneNumberRow>): Promise<void> {
  const state: ServiceState = { service, pool, claimed: new Map(), released: new Set() };
  const list = `/v1/Services/${service.sid}/Sessions`;
  const now = ctx.clock.now(ctx.accountSid);
  let total = 0;
  const ended: Json[] = [];
  for await (const page of ctx.source.pages(list, 'sessions')) {
    total += page.length;
    const candidates = page.filter((record) => endsNow(record, service, now));
    const active = await activeSessionSids(
      ctx.database.queries,
      candidates.map((record) => record.sid as string),
    );
    ended.push(...candidates.filter((record) => active.has(record.sid as string)));
    ctx.progress({ serviceSid: service.sid, stage: 'listing', done: total, total: null });
  }
  const writer = new PageWriter(ctx, state);
  const first = new Set(ended.map((record) => record.sid as string));
  for (let start = 0; start < ended.length; start += PAGE_SIZE) await writer.add(ended.slice(start, start + PAGE_SIZE));
  let done = 0;
  for await (const page of ctx.source.pages(list, 'sessions')) {
    const chosen = page.filter((record) => !first.has(record.sid as string) && (ctx.includeClosed || !closedAtSource(record)));
    await writer.add(chosen);
    done += page.length;
    // Sessions created at the source since the first pass make the total grow.
    total = Math.max(total, done);
    ctx.progress({ serviceSid: service.sid, stage: 'importing', done, total });
  }
  await writer.finish();
}

/** Closed (or failed, or unknown) as the source says: imported only with --include-closed. Anything else is mapped, and refused if it is no status at all. */
function closedAtSource(record: Json): boolean {
  return typeof record.status === 'string' && !isActive(record.status) && (SESSION_STATUSES as readonly string[]).includes(record.status);
}

/** Closed at the source, or past its expiry (the target's sweeper would close it). */
function endsNow(record: Json, service: ServiceRow, now: number): boolean {
  if (typeof record.sid !== 'string') return false;
  try {
    return !isActive(asOf(toSessionRow(record, service), now).status);
  } catch {
    return false; // refused with its reason in the second pass
  }
}

/** Reads a page's children while the page before is written; writes one page at a time, in order. */
class PageWriter {
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ImportContext,
    private readonly state: ServiceState,
  ) {}

  async add(records: Json[]): Promise<void> {
    if (records.length === 0) return;
    const items = await readChildren(this.ctx, this.state.service, records);
    await this.#writing;
    this.#writing = this.#write(items);
    // Awaited by the next add() or finish(); until then a failure must not count as unhandled.
    this.#writing.catch(() => {});
  }

  finish(): Promise<void> {
    return this.#writing;
  }

  async #write(items: SourceSession[]): Promise<void> {
    const plan = await step(
      this.ctx,
      (db) => planSessions(db, this.ctx, this.state, items),
      (uow, planned) => applySessions(uow, planned),
    );
    for (const [key, session] of plan.claims) this.state.claimed.set(key, session);
    for (const session of plan.release) this.state.released.add(session);
  }
}

async function applySessions(uow: UnitOfWork, plan: SessionPlan): Promise<void> {
  upsert(uow, 'sessions', plan.sessions, SESSION_COLUMNS);
  await release(uow, { sessionSids: plan.release });
  upsert(uow, 'participants', plan.participants, PARTICIPANT_COLUMNS);
  for (const assignment of plan.acquire) acquire(uow, assignment);
  upsert(
    uow,
    'interactions',
    plan.interactions.map((row) => ({ ...row, error_code: null })),
    INTERACTION_COLUMNS,
  );
}

/** Each session's participants and interactions; a session deleted at the source meanwhile is left out. */
async function readChildren(ctx: ImportContext, service: ServiceRow, records: Json[]): Promise<SourceSession[]> {
  const read = async (record: Json): Promise<SourceSession | null> => {
    if (typeof record.sid !== 'string' || !/^KC[0-9a-fA-F]{32}$/.test(record.sid)) return { record, participants: [], interactions: [] };
    const path = `/v1/Services/${service.sid}/Sessions/${record.sid}`;
    try {
      const participants = await all(ctx, `${path}/Participants`, 'participants');
      const interactions = ctx.interactions ? await all(ctx, `${path}/Interactions`, 'interactions') : [];
      return { record, participants, interactions };
    } catch (err) {
      if (err instanceof GoneError) return null;
      throw err;
    }
  };
  return (await inParallel(records, ctx.concurrency, read)).filter((item): item is SourceSession => item !== null);
}

async function all(ctx: ImportContext, path: string, key: string): Promise<Json[]> {
  const items: Json[] = [];
  for await (const page of ctx.source.pages(path, key)) items.push(...page);
  return items;
}

/** `work` on every item, at most `limit` at once, answers in the items' order; the first failure stops it. */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
