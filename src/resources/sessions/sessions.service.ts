import type { AccountClock, ClockScope } from '../../common/clock.js';
import type { NumberCheck } from '../../config.js';
import { isForeignKeyViolation, isUniqueViolation, uniqueViolationAs } from '../../db/constraint-errors.js';
import type { ParticipantRow, ServiceRow, SessionRow } from '../../db/schema.js';
import { ApiError, invalidParameter } from '../../errors/api-error.js';
import type { PageRequest } from '../../common/paging.js';
import { isSid, newSid } from '../../common/sids.js';
import type { Transactions } from '../../db/database.js';
import { identifierLockKey, retryOnConflict, sessionLockKey } from '../../pool/conflict-retry.js';
import { acquire, assignmentsOfSession, release } from '../../pool/pool.repository.js';
import { parseIdentifier } from '../../phone/phone-number.js';
import type { PhoneNumber } from '../../phone/phone-number.js';
import { asOf, expiresAt, isActive } from './sessions.expiry.js';
import { findService } from '../services/services.repository.js';
import * as repo from './sessions.repository.js';
import type { ServiceKey } from '../../common/service-key.js';
import type { SessionMode, SessionStatus } from './sessions.model.js';
import type { Db, UnitOfWork } from '../../db/unit-of-work.js';

/** A participant as a create names it (Participant create, or one of Session create's `Participants`). */
export interface ParticipantInput {
  identifier: string;
  friendlyName?: string;
  proxyIdentifier?: string;
  proxyIdentifierSid?: string;
}

/** Twilio's limit (80609). */
export const MAX_PARTICIPANTS = 2;

/**
 * Adds one participant to a session in the caller's unit of work (participants/add-participant.ts,
 * handed in by components.ts: participants build on sessions, not the other way round). `members`
 * are everyone who is or was in the session; `located` prefixes the errors of its writes.
 */
export type AddParticipant = (
  uow: UnitOfWork,
  destination: { service: ServiceRow; session: SessionRow; members: ReadonlyArray<Pick<ParticipantRow, 'identifier' | 'date_deleted'>> },
  input: ParticipantInput,
  identifier: PhoneNumber,
  now: number,
  located: string,
) => Promise<ParticipantRow>;

/** Sessions the expiry job closes in one transaction. */
const EXPIRY_BATCH = 500;

export interface NewSession {
  uniqueName?: string | null;
  dateExpiry?: number | null;
  ttl?: number;
  mode?: SessionMode;
  status?: SessionStatus;
  participants: ParticipantInput[];
}

export interface SessionChanges {
  /** null clears the expiry date. */
  dateExpiry?: number | null;
  ttl?: number;
  status?: SessionStatus;
}

export class SessionsService {
  constructor(
    private readonly db: Db,
    private readonly clock: AccountClock,
    private readonly transactions: Transactions,
    private readonly addParticipant: AddParticipant,
    private readonly numberCheck: NumberCheck,
  ) {}

  /**
   * The session and its inline participants in one transaction: if any participant fails,
   * nothing is created and the error names the participant.
   */
  async create(service: ServiceRow, input: NewSession): Promise<SessionRow> {
    const status = input.status ?? 'open';
    if (status !== 'open' && status !== 'in-progress') {
      throw new ApiError(80608, { detail: `a session starts as open or in-progress, not ${status}` });
    }
    if (input.participants.length > MAX_PARTICIPANTS) throw new ApiError(80609);
    const identifiers = input.participants.map((participant, index) =>
      within(index, () => parseIdentifier(participant.identifier, this.numberCheck)),
    );
    return retryOnConflict(() =>
      this.transactions.run(async (uow) => {
        const distinct = [...new Set(identifiers.map((identifier) => identifier.e164))].sort();
        uow.lock(...distinct.map((e164) => identifierLockKey(service.sid, e164)));
        const now = this.clock.now(service.account_sid);
        const dateExpiry = input.dateExpiry ?? null;
        requireFuture(dateExpiry, now);
        const ttl = input.ttl ?? 0;
        const row: SessionRow = {
          sid: newSid('KC'),
          account_sid: service.account_sid,
          service_sid: service.sid,
          unique_name: input.uniqueName ?? null,
          status,
          closed_reason: null,
          mode: input.mode ?? 'voice-and-message',
          ttl,
          date_expiry: dateExpiry,
          date_started: status === 'in-progress' ? now : null,
          date_ended: null,
          date_last_interaction: null,
          ttl_started_at: now,
          expires_at: expiresAt({ date_expiry: dateExpiry, ttl, ttl_started_at: now }, service.default_ttl),
          date_created: now,
          date_updated: now,
        };
        repo.insertSession(
          uow,
          row,
          uniqueViolationAs(() => new ApiError(80603)),
        );
        // A new session's members are the participants added so far in this unit.
        const members: ParticipantRow[] = [];
        for (const [index, participant] of input.participants.entries()) {
          const where = `Participants[${index}]: `;
          members.push(
            await withinAsync(index, () =>
              this.addParticipant(uow, { service, session: row, members }, participant, identifiers[index]!, now, where),
            ),
          );
        }
        return row;
      }),
    );
  }

  /** By SID, or by unique name within the service (FetchSession's `Sid` slot takes either). */
  async fetch(key: ServiceKey, sidOrName: string): Promise<SessionRow | undefined> {
    let row = isSid('KC', sidOrName) ? await repo.findSession(this.db, key, sidOrName) : undefined;
    row ??= await repo.findSessionByUniqueName(this.db, key, sidOrName);
    return row && asOf(row, this.clock.now(key.accountSid));
  }

  /** The page's sessions, or undefined when the service does not exist. */
  async list(key: ServiceKey, page: PageRequest): Promise<SessionRow[] | undefined> {
    const now = this.clock.now(key.accountSid);
    const rows = await repo.listSessions(this.db, key, page);
    // An empty page is the only case where the service itself may be missing.
    if (rows.length === 0 && (await findService(this.db, key.accountSid, key.serviceSid)) === undefined) return undefined;
    return rows.map((row) => asOf(row, now));
  }

  /** Newest first, filtered (the console's list); undefined when the service does not exist. */
  async search(key: ServiceKey, filter: repo.SessionFilter, page: PageRequest): Promise<SessionRow[] | undefined> {
    if ((await findService(this.db, key.accountSid, key.serviceSid)) === undefined) return undefined;
    const now = this.clock.now(key.accountSid);
    return (await repo.searchSessions(this.db, key, filter, page)).map((row) => asOf(row, now));
  }

  /**
   * Status rules (behaviour reference §3.2): open/in-progress → closed closes it (reason "api");
   * closed → in-progress re-opens it; any other status change is 80608, and any other change to
   * a closed session is 80607.
   */
  async update(key: ServiceKey, sid: string, changes: SessionChanges): Promise<SessionRow | undefined> {
    if (!isSid('KC', sid)) return undefined;
    return retryOnConflict(() =>
      this.transactions.run(async (uow) => {
        // Updates of one session run one after another: each sees the status the last one left.
        uow.lock(sessionLockKey(sid));
        const [stored, service] = await Promise.all([repo.findSession(uow, key, sid), findService(uow, key.accountSid, key.serviceSid)]);
        if (stored === undefined || service === undefined) return undefined;
        const now = this.clock.now(key.accountSid);
        const current = asOf(stored, now);
        const next: SessionRow = { ...current, date_updated: now };

        if (changes.status !== undefined) applyStatus(next, current, changes.status, now);
        else if (!isActive(current.status)) throw new ApiError(80607);
        if (isActive(stored.status) && !isActive(next.status)) {
          await release(uow, { sessionSids: [sid] });
        } else if (!isActive(stored.status) && isActive(next.status)) {
          await this.#reacquire(uow, sid, now);
        }

        if (changes.dateExpiry !== undefined) {
          requireFuture(changes.dateExpiry, now);
          next.date_expiry = changes.dateExpiry;
        }
        if (changes.ttl !== undefined) next.ttl = changes.ttl;
        next.expires_at = expiresAt(next, service.default_ttl);
        if (isActive(next.status) && next.expires_at !== null && next.expires_at <= now) {
          throw invalidParameter(
            'DateExpiry',
            'The session would expire at once: its DateExpiry has passed; send a new DateExpiry, or an empty one to clear it',
          );
        }
        repo.updateSession(uow, sid, {
          status: next.status,
          closed_reason: next.closed_reason,
          date_started: next.date_started,
          date_ended: next.date_ended,
          date_expiry: next.date_expiry,
          ttl: next.ttl,
          ttl_started_at: next.ttl_started_at,
          expires_at: next.expires_at,
          date_updated: now,
        });
        return next;
      }),
    );
  }

  /**
   * An interaction happened (routing/router.ts, in its unit of work): the session is in progress
   * and its TTL window starts again. False when the session stopped being active meanwhile (then
   * nothing changed): the one write whose answer the router waits for.
   */
  recordActivity(uow: UnitOfWork, session: SessionRow, service: ServiceRow, now: number): Promise<boolean> {
    const expiry = expiresAt({ date_expiry: session.date_expiry, ttl: session.ttl, ttl_started_at: now }, service.default_ttl);
    return repo.recordSessionActivity(uow, session.sid, now, expiry);
  }

  /** Its service's default_ttl changed: the sessions without a ttl or date_expiry of their own follow it. */
  followDefaultTtl(uow: UnitOfWork, serviceSid: string, defaultTtl: number): void {
    repo.recomputeDefaultTtlExpiry(uow, serviceSid, defaultTtl);
  }

  /**
   * Closes the sessions of `scope` whose expiry has passed by its time and frees their numbers, in batches (each
   * one transaction: no number stays held by a closed session) until none is left or `stopping()`;
   * answers how many it closed. One conditional UPDATE per batch, so two nodes never close the same
   * session twice.
   */
  async closeExpired(scope: ClockScope, stopping: () => boolean): Promise<number> {
    let total = 0;
    let closed: number;
    do {
      closed = await this.transactions.run(async (uow) => {
        const sids = await repo.closeExpiredSessions(uow, scope, EXPIRY_BATCH);
        await release(uow, { sessionSids: sids });
        return sids.length;
      });
      total += closed;
    } while (closed === EXPIRY_BATCH && !stopping());
    return total;
  }

  async remove(key: ServiceKey, sid: string): Promise<boolean> {
    if (!isSid('KC', sid)) return false;
    return retryOnConflict(() =>
      this.transactions.run(async (uow) => {
        uow.lock(sessionLockKey(sid));
        // Counters on the pool numbers move with the assignments; a cascade would skip them.
        if ((await repo.findSession(uow, key, sid)) === undefined) return false;
        await release(uow, { sessionSids: [sid] });
        return repo.deleteSession(uow, key, sid);
      }),
    );
  }

  /** A re-opened session takes its participants' numbers back, or stays closed (80604). */
  async #reacquire(uow: UnitOfWork, sessionSid: string, now: number): Promise<void> {
    // In number order, as release() updates them, so concurrent changes lock rows in one order.
    const assignments = (await assignmentsOfSession(uow, sessionSid, now)).sort((a, b) =>
      a.phone_number_sid.localeCompare(b.phone_number_sid),
    );
    const distinct = [...new Set(assignments.map((a) => a.identifier))].sort();
    uow.lock(...distinct.map((e164) => identifierLockKey(assignments[0]!.service_sid, e164)));
    for (const assignment of assignments) {
      acquire(uow, assignment, (err) => {
        if (isForeignKeyViolation(err)) {
          return new ApiError(80605, {
            detail: `The proxy number of ${assignment.identifier} has been removed from the pool, so this session cannot be re-opened.`,
          });
        }
        if (!isUniqueViolation(err)) return undefined;
        return new ApiError(80604, {
          detail: `${assignment.identifier} holds the same proxy number in another active session, so this session cannot be re-opened.`,
        });
      });
    }
  }
}

/** Runs `work`, prefixing its Twilio error with the participant it concerns. */
function within<T>(index: number, work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw err instanceof ApiError ? err.within(`Participants[${index}]: `) : err;
  }
}

async function withinAsync<T>(index: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw err instanceof ApiError ? err.within(`Participants[${index}]: `) : err;
  }
}

/** A past DateExpiry is refused on create and update (behaviour reference §3.1). */
function requireFuture(dateExpiry: number | null, now: number): void {
  if (dateExpiry !== null && dateExpiry <= now) throw invalidParameter('DateExpiry', 'DateExpiry must be in the future');
}

function applyStatus(next: SessionRow, current: SessionRow, status: SessionStatus, now: number): void {
  if (isActive(current.status) && status === 'closed') {
    next.status = 'closed';
    next.closed_reason = 'api';
    next.date_ended = now;
    return;
  }
  if (current.status === 'closed' && status === 'in-progress') {
    next.status = 'in-progress';
    next.closed_reason = null;
    next.date_ended = null;
    next.date_started ??= now;
    // A re-opened session gets a fresh TTL window; otherwise it would expire again at once.
    next.ttl_started_at = now;
    return;
  }
  if (current.status === 'closed' && status === 'closed') throw new ApiError(80607);
  throw new ApiError(80608, {
    detail:
      current.status === 'closed'
        ? 'to re-open a closed session, set Status to in-progress'
        : `an ${current.status} session can only be set to closed`,
  });
}
