// The service's callback_url: told about every new interaction and every status change of one,
// through the outbox (after the commit, retried until delivered), signed with the account's token.
// Parameters as Twilio's webhook documentation lists them (behaviour reference §3.6); a missing
// value is sent empty.

import { signingToken } from '../accounts/accounts.service.js';
import type { InteractionRow } from '../db/schema.js';
import { formatDate } from '../common/dates.js';
import { queueJob } from '../outbox/outbox.service.js';
import type { JobHandler } from '../outbox/outbox.worker.js';
import { AnsweredFailure, PermanentFailure } from '../outbox/outbox.worker.js';
import type { OutboundClient } from '../outbound/outbound-client.js';
import { OutboundError } from '../outbound/outbound-client.js';
import { redactUrl } from '../outbound/redact-url.js';
import { postSignedForm } from './http-post.js';
import type { FormParams } from './signature.js';
import type { Db, UnitOfWork } from '../db/unit-of-work.js';

export interface CallbackJob {
  url: string;
  params: FormParams;
}

/** The interaction's own fields, as the callback and the intercept callback name them. */
export function interactionParams(row: InteractionRow, legs: 'both' | 'inbound' = 'both'): FormParams {
  const params: Record<string, string> = {
    interactionSid: row.sid,
    interactionSessionSid: row.session_sid,
    interactionServiceSid: row.service_sid,
    interactionAccountSid: row.account_sid,
    // Twilio's examples capitalise the type ("Voice") and lower-case the resource types ("call").
    interactionType: row.type.charAt(0).toUpperCase() + row.type.slice(1),
    interactionData: row.data ?? '',
    interactionDateCreated: formatDate(row.date_created) ?? '',
    interactionDateUpdated: formatDate(row.date_updated) ?? '',
    inboundParticipantSid: row.inbound_participant_sid ?? '',
    inboundResourceSid: row.inbound_resource_sid ?? '',
    inboundResourceStatus: row.inbound_resource_status ?? '',
    inboundResourceType: row.inbound_resource_type?.toLowerCase() ?? '',
    inboundResourceUrl: row.inbound_resource_url ?? '',
  };
  if (legs === 'both') {
    Object.assign(params, {
      outboundParticipantSid: row.outbound_participant_sid ?? '',
      outboundResourceSid: row.outbound_resource_sid ?? '',
      outboundResourceStatus: row.outbound_resource_status ?? '',
      outboundResourceType: row.outbound_resource_type?.toLowerCase() ?? '',
      outboundResourceUrl: row.outbound_resource_url ?? '',
    });
  }
  return params;
}

/** Queues the callback for this state of the interaction, in the caller's unit of work; true when it did. */
export function enqueueInteractionCallback(uow: UnitOfWork, callbackUrl: string | null, row: InteractionRow, now: number): boolean {
  if (callbackUrl === null) return false;
  const job: CallbackJob = { url: callbackUrl, params: interactionParams(row) };
  queueJob(uow, { accountSid: row.account_sid, kind: 'callback', payload: job, now });
  return true;
}

/**
 * Delivers one callback: any 2xx is success; anything else (a redirect too, since none is
 * followed), no answer in time, an answer over the size limit or a refused address is retried.
 */
export function callbackDelivery(db: Db, http: OutboundClient, timeoutMs: number): JobHandler {
  return async (job: CallbackJob, outbox) => {
    const token = await signingToken(db, outbox.account_sid);
    if (token === undefined) throw new PermanentFailure(`account ${outbox.account_sid} no longer exists`);
    // The message is stored as the job's last_error: the URL goes in redacted.
    const failed = (why: string) => `80908 Error on Callback for ${redactUrl(job.url)}: ${why}`;
    let result;
    try {
      result = await postSignedForm(http, job.url, job.params, token, timeoutMs);
    } catch (err) {
      throw err instanceof OutboundError ? new Error(failed(err.reason)) : err;
    }
    if (result.status < 200 || result.status > 299) throw new AnsweredFailure(failed(`HTTP ${result.status}`), result.status);
    return { responseStatus: result.status };
  };
}
