import type { AccountClock } from '../../common/clock.js';
import type { NumberCheck } from '../../config.js';
import type { Transactions } from '../../db/database.js';
import type { ParticipantRow } from '../../db/schema.js';
import type { PageRequest } from '../../common/paging.js';
import { isSid } from '../../common/sids.js';
import { identifierLockKey, retryOnConflict, sessionLockKey } from '../../pool/conflict-retry.js';
import { release } from '../../pool/pool.repository.js';
import { findService } from '../services/services.repository.js';
import type { ServiceKey } from '../../common/service-key.js';
import type { AddParticipant, ParticipantInput } from '../sessions/sessions.service.js';
import { asOf } from '../sessions/sessions.expiry.js';
import { findSession } from '../sessions/sessions.repository.js';
import { parseIdentifier } from '../../phone/phone-number.js';
import { addParticipant } from './add-participant.js';
import * as repo from './participants.repository.js';
import type { Db } from '../../db/unit-of-work.js';

export class ParticipantsService {
  constructor(
    private readonly db: Db,
    private readonly clock: AccountClock,
    private readonly transactions: Transactions,
    private readonly numberCheck: NumberCheck,
    /** How a participant is added (components.ts wraps it to count number-selection refusals). */
    private readonly add: AddParticipant = addParticipant,
  ) {}

  /** Undefined when the session does not exist. */
  async create(key: ServiceKey, sessionSid: string, input: ParticipantInput): Promise<ParticipantRow | undefined> {
    if (!isSid('KC', sessionSid)) return undefined;
    const identifier = parseIdentifier(input.identifier, this.numberCheck);
    return retryOnConflict(() =>
      this.transactions.run(async (uow) => {
        // Always the session first, then identifiers (as a re-open does): one lock order, no deadlock.
        // The reads go out with the lock, in one round trip on PostgreSQL: the server runs them
        // in order, so they see the database as it is once the lock is held.
        uow.lock(sessionLockKey(sessionSid), identifierLockKey(key.serviceSid, identifier.e164));
        const [session, service, members] = await Promise.all([
          findSession(uow, key, sessionSid),
          findService(uow, key.accountSid, key.serviceSid),
          repo.identifiersOf(uow, sessionSid),
        ]);
        if (session === undefined || service === undefined) return undefined;
        const now = this.clock.now(key.accountSid);
        return this.add(uow, { service, session: asOf(session, now), members }, input, identifier, now, '');
      }),
    );
  }

  async fetch(key: ServiceKey, sessionSid: string, sid: string): Promise<ParticipantRow | undefined> {
    return isSid('KP', sid) ? repo.findParticipant(this.db, key, sessionSid, sid) : undefined;
  }

  /** The page's participants, or undefined when the session does not exist. */
  async list(key: ServiceKey, sessionSid: string, page: PageRequest): Promise<ParticipantRow[] | undefined> {
    const rows = await repo.listParticipants(this.db, key, sessionSid, page);
    if (rows.length === 0 && (!isSid('KC', sessionSid) || (await findSession(this.db, key, sessionSid)) === undefined)) return undefined;
    return rows;
  }

  /**
   * A soft delete, as Twilio's: the participant stays listed with date_deleted, its identifier
   * cannot be added to the session again, and its proxy number is free at once.
   */
  async remove(key: ServiceKey, sessionSid: string, sid: string): Promise<boolean> {
    if (!isSid('KP', sid)) return false;
    return retryOnConflict(() =>
      this.transactions.run(async (uow) => {
        uow.lock(sessionLockKey(sessionSid));
        const participant = await repo.findParticipant(uow, key, sessionSid, sid);
        if (participant === undefined || participant.date_deleted !== null) return false;
        repo.markRemoved(uow, sid, this.clock.now(key.accountSid));
        await release(uow, { participant });
        return true;
      }),
    );
  }
}
