import type { Clock } from '../../common/clock.js';
import type { InteractionRow } from '../../db/schema.js';
import { ApiError, missingParameter } from '../../errors/api-error.js';
import type { PageRequest } from '../../common/paging.js';
import { isSid } from '../../common/sids.js';
import type { Router } from '../../routing/router.js';
import { findParticipant } from '../participants/participants.repository.js';
import { findService } from '../services/services.repository.js';
import type { ServiceKey } from '../../common/service-key.js';
import { asOf, isActive } from '../sessions/sessions.expiry.js';
import { findSession } from '../sessions/sessions.repository.js';
import * as repo from './interactions.repository.js';
import type { Db } from '../../db/unit-of-work.js';

export class InteractionsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly router: Router,
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

  /**
   * A MessageInteraction: sends `body` to the participant from their proxy number. Undefined when
   * the participant (or its session) does not exist or was removed.
   */
  async sendMessage(
    key: ServiceKey,
    sessionSid: string,
    participantSid: string,
    message: { body: string; mediaUrls: string[] },
  ): Promise<InteractionRow | undefined> {
    if (!isSid('KC', sessionSid) || !isSid('KP', participantSid)) return undefined;
    const participant = await findParticipant(this.db, key, sessionSid, participantSid);
    const session = participant && (await findSession(this.db, key, sessionSid));
    const service = session && (await findService(this.db, key.accountSid, key.serviceSid));
    if (participant === undefined || participant.date_deleted !== null || session === undefined || service === undefined) return undefined;
    if (message.body === '' && message.mediaUrls.length === 0) throw missingParameter('Body');
    const current = asOf(session, this.clock.now());
    if (!isActive(current.status)) throw new ApiError(80607, 'Session is closed and cannot be updated: no message can be sent in it');
    if (current.mode === 'voice-only') throw new ApiError(80910, 'Message To Voice Only Session Rejected: this session is voice-only');
    const interaction = await this.router.sendToParticipant(service, current, participant, message);
    if (interaction === null)
      throw new ApiError(80607, 'Session is closed and cannot be updated: it closed while the message was being sent');
    return interaction;
  }

  async fetchMessage(key: ServiceKey, sessionSid: string, participantSid: string, sid: string): Promise<InteractionRow | undefined> {
    const row = await this.fetch(key, sessionSid, sid);
    return row?.participant_sid === participantSid ? row : undefined;
  }

  /** The page's MessageInteractions, or undefined when the participant does not exist. */
  async listMessages(
    key: ServiceKey,
    sessionSid: string,
    participantSid: string,
    page: PageRequest,
  ): Promise<InteractionRow[] | undefined> {
    const rows = await repo.listMessageInteractions(this.db, key, sessionSid, participantSid, page);
    if (
      rows.length === 0 &&
      (!isSid('KP', participantSid) || (await findParticipant(this.db, key, sessionSid, participantSid)) === undefined)
    ) {
      return undefined;
    }
    return rows;
  }
}
