// The service's intercept_callback_url: asked before the outbound leg of every interaction.
// A 403 blocks it (recorded, nothing delivered: 80909); any other answer, an error or no answer
// within PARLEY_INTERCEPT_TIMEOUT_MS lets it through (Twilio's rule), and so do an answer over
// PARLEY_CALLBACK_MAX_RESPONSE_BYTES and an address account-set URLs may not reach. Each call is
// answered with its record for the callback log, which the router writes with the interaction.

import type { AccountClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { callError } from '../callbacks/call-record.js';
import type { CallRecord } from '../callbacks/call-record.js';
import { signingToken } from '../accounts/accounts.service.js';
import { interactionParams } from '../callbacks/interaction-callback.js';
import { postSignedForm } from '../callbacks/http-post.js';
import type { InteractionRow, ServiceRow } from '../db/schema.js';
import type { OutboundClient } from '../outbound/outbound-client.js';
import { redactUrl } from '../outbound/redact-url.js';
import type { Db } from '../db/unit-of-work.js';

export interface InterceptAnswer {
  blocked: boolean;
  /** Null when no call was made (no URL, no account). */
  record: CallRecord | null;
}

const NOT_ASKED: InterceptAnswer = { blocked: false, record: null };

export class Interceptor {
  constructor(
    private readonly db: Db,
    private readonly clock: AccountClock,
    private readonly http: OutboundClient,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  async ask(service: ServiceRow, interaction: InteractionRow, mediaUrls: string[]): Promise<InterceptAnswer> {
    const url = service.intercept_callback_url;
    if (url === null) return NOT_ASKED;
    const token = await signingToken(this.db, service.account_sid);
    if (token === undefined) return NOT_ASKED;
    const params = interactionParams(interaction, 'inbound');
    if (mediaUrls.length > 0) params.MediaUrls = mediaUrls;
    const record = { accountSid: service.account_sid, kind: 'intercept' as const, url, params, at: this.clock.now(service.account_sid) };
    try {
      const answer = await postSignedForm(this.http, url, params, token, this.timeoutMs);
      const blocked = answer.status === 403;
      const succeeded = blocked || (answer.status >= 200 && answer.status <= 299);
      return {
        blocked,
        record: {
          ...record,
          succeeded,
          responseStatus: answer.status,
          error: succeeded ? null : `HTTP ${answer.status}`,
          outcome: blocked ? 'blocked' : 'allowed',
        },
      };
    } catch (err) {
      this.log.info({ err, url: redactUrl(url), interaction: interaction.sid }, 'intercept callback failed; the interaction goes ahead');
      return { blocked: false, record: { ...record, succeeded: false, responseStatus: null, error: callError(err), outcome: 'allowed' } };
    }
  }
}
