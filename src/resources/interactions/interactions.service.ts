// Interactions: what the masking engine recorded (routing/router.ts writes them through this
// feature's functions below) and what the API lists, fetches and deletes.

import type { AccountClock } from '../../common/clock.js';
import type { PageRequest } from '../../common/paging.js';
import type { ServiceKey } from '../../common/service-key.js';
import { isSid } from '../../common/sids.js';
import type { InteractionRow } from '../../db/schema.js';
import type { Db, UnitOfWork } from '../../db/unit-of-work.js';
import { findSession } from '../sessions/sessions.repository.js';
import * as repo from './interactions.repository.js';

export class InteractionsService {
  constructor(
    private readonly db: Db,
    private readonly clock: AccountClock,
  ) {}

  async fetch(key: ServiceKey, sessionSid: string, sid: string): Promise<InteractionRow | undefined> {
    return isSid('KI', sid) ? repo.findInteraction(this.db, key, sessionSid, sid) : undefined;
  }

  /** The page's interactions, or undefined when the session does not exist. */
  async list(key: ServiceKey, sessionSid: string, page: PageRequest): Promise<InteractionRow[] | undefined> {
    const rows = await repo.listInteractions(this.db, key, sessionSid, page);
    if (rows.length === 0 && (!isSid('KC', sessionSid) || (await findSession(this.db, key, sessionSid)) === undefined)) return undefined;
    return rows;
  }

  /** Deletes the log entry only (the simulated or Twilio message or call stays). */
  async remove(key: ServiceKey, sessionSid: string, sid: string): Promise<boolean> {
    return isSid('KI', sid) ? repo.deleteInteraction(this.db, key, sessionSid, sid) : false;
  }
}

/** A new interaction, in the routing unit of work. */
export function recordInteraction(uow: UnitOfWork, row: InteractionRow): void {
  repo.insertInteraction(uow, row);
}

/** A leg's new status (or other fields), in the caller's unit of work. */
export function changeInteraction(uow: UnitOfWork, sid: string, changes: Partial<InteractionRow>): void {
  repo.updateInteraction(uow, sid, changes);
}

export const interactionBySid = repo.findInteractionBySid;

/** The interaction one of whose carrier legs is this Call or Message SID (carrier status reports). */
export const interactionByResource = repo.findByResource;
