// The service's intercept_callback_url: asked before the outbound leg of every interaction.
// A 403 blocks it (recorded, nothing delivered: 80909); any other answer, an error or no answer
// within PARLEY_INTERCEPT_TIMEOUT_MS lets it through (Twilio's rule), and so do an answer over
// PARLEY_CALLBACK_MAX_RESPONSE_BYTES and an address account-set URLs may not reach.

import type { Logger } from '../common/logger.js';
import { signingToken } from '../accounts/accounts.service.js';
import { interactionParams } from '../callbacks/interaction-callback.js';
import { postSignedForm } from '../callbacks/http-post.js';
import type { InteractionRow, ServiceRow } from '../db/schema.js';
import type { OutboundClient } from '../outbound/outbound-client.js';
import { redactUrl } from '../outbound/redact-url.js';
import type { Db } from '../db/unit-of-work.js';

export class Interceptor {
  constructor(
    private readonly db: Db,
    private readonly http: OutboundClient,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  async blocks(service: ServiceRow, interaction: InteractionRow, mediaUrls: string[]): Promise<boolean> {
    const url = service.intercept_callback_url;
    if (url === null) return false;
    const token = await signingToken(this.db, service.account_sid);
    if (token === undefined) return false;
    const params = interactionParams(interaction, 'inbound');
    if (mediaUrls.length > 0) params.MediaUrls = mediaUrls;
    try {
      const answer = await postSignedForm(this.http, url, params, token, this.timeoutMs);
      return answer.status === 403;
    } catch (err) {
      this.log.info({ err, url: redactUrl(url), interaction: interaction.sid }, 'intercept callback failed; the interaction goes ahead');
      return false;
    }
  }
}
