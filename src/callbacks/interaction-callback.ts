// The service's callback_url: told about every new interaction and every status change of one,
// through the outbox (after the commit, retried until delivered), signed with the account's token.
// Parameters as Twilio's webhook documentation lists them (behaviour reference §3.6); a missing
// value is sent empty.

import type { Kysely } from 'kysely';
import { findAccount } from '../accounts/accounts.repository.js';
import type { Database, InteractionRow } from '../db/schema.js';
import { formatDate } from '../http/dates.js';
import { enqueue } from '../outbox/outbox.repository.js';
import type { JobHandler } from '../outbox/outbox.worker.js';
import { PermanentFailure } from '../outbox/outbox.worker.js';
import { postSignedForm } from './http-post.js';
import type { FormParams } from './signature.js';

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

/** Queues the callback for this state of the interaction, in the caller's transaction. */
export async function enqueueInteractionCallback(
  trx: Kysely<Database>,
  callbackUrl: string | null,
  row: InteractionRow,
  now: number,
): Promise<boolean> {
  if (callbackUrl === null) return false;
  const job: CallbackJob = { url: callbackUrl, params: interactionParams(row) };
  await enqueue(trx, { accountSid: row.account_sid, kind: 'callback', payload: job, now });
  return true;
}

/** Delivers one callback: any 2xx is success; anything else, or no answer in time, is retried. */
export function callbackDelivery(db: Kysely<Database>, timeoutMs: number): JobHandler {
  return async (job: CallbackJob, outbox) => {
    const account = await findAccount(db, outbox.account_sid);
    if (account === undefined) throw new PermanentFailure(`account ${outbox.account_sid} no longer exists`);
    const result = await postSignedForm(job.url, job.params, account.auth_token, timeoutMs);
    if (result.status < 200 || result.status > 299) throw new Error(`80908 Error on Callback for ${job.url}: HTTP ${result.status}`);
  };
}
