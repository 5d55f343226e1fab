// MessageInteractions: a message the customer's server sends one participant through the API, from
// their proxy number. The masking engine (routing/router.ts) sends and records it.

import type { AccountClock } from '../../common/clock.js';
import type { PageRequest } from '../../common/paging.js';
import type { ServiceKey } from '../../common/service-key.js';
import { isSid } from '../../common/sids.js';
import type { InteractionRow } from '../../db/schema.js';
import type { Db } from '../../db/unit-of-work.js';
import { ApiError, missingParameter } from '../../errors/api-error.js';
import type { Router } from '../../routing/router.js';
import { listMessageInteractions } from '../interactions/interactions.repository.js';
import type { InteractionsService } from '../interactions/interactions.service.js';
import { findParticipant } from '../participants/participants.repository.js';
import { findService } from '../services/services.repository.js';
import { asOf, isActive } from '../sessions/sessions.expiry.js';
import { findSession } from '../sessions/sessions.repository.js';

export class MessageInteractionsService {
  constructor(
    private readonly db: Db,
    private readonly clock: AccountClock,
    private readonly interactions: InteractionsService,
    private readonly router: Router,
  ) {}

  /**
   * Sends `body` to the participant from their proxy number. Undefined when the participant (or its
   * session) does not exist or was removed.
   */
  async send(
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
    const current = asOf(session, this.clock.now(key.accountSid));
    if (!isActive(current.status)) throw new ApiError(80607, { detail: 'no message can be sent in it' });
    if (current.mode === 'voice-only') throw new ApiError(80910, { detail: 'this session is voice-only' });
    const interaction = await this.router.sendToParticipant(service, current, participant, message);
    if (interaction === null) throw new ApiError(80607, { detail: 'it closed while the message was being sent' });
    return interaction;
  }

  async fetch(key: ServiceKey, sessionSid: string, participantSid: string, sid: string): Promise<InteractionRow | undefined> {
    const row = await this.interactions.fetch(key, sessionSid, sid);
    return row?.participant_sid === participantSid ? row : undefined;
  }

  /** The page's MessageInteractions, or undefined when the participant does not exist. */
  async list(key: ServiceKey, sessionSid: string, participantSid: string, page: PageRequest): Promise<InteractionRow[] | undefined> {
    const rows = await listMessageInteractions(this.db, key, sessionSid, participantSid, page);
    if (
      rows.length === 0 &&
      (!isSid('KP', participantSid) || (await findParticipant(this.db, key, sessionSid, participantSid)) === undefined)
    ) {
      return undefined;
    }
    return rows;
  }
}
