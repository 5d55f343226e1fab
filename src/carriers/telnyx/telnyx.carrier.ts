// Telnyx as the carrier: messages through the Messaging API v2 (POST /v2/messages, a Bearer API
// key, JSON), queued in the outbox within the routing transaction and sent by the worker with the
// retries every carrier's sends get (../message-sender.ts). Calls are bridged with TeXML by the
// voice webhook (telnyx-webhooks.service.ts), not through the REST API.

import type { TelnyxSettings } from '../../config.js';
import type { Db } from '../../db/unit-of-work.js';
import type { OutboundClient } from '../../outbound/outbound-client.js';
import type { JobHandler } from '../../outbox/outbox.worker.js';
import { PermanentFailure } from '../../outbox/outbox.worker.js';
import type { Router } from '../../routing/router.js';
import { OutboxCarrier, checkAnswer, messageSender } from '../message-sender.js';
import type { Accepted, SendJob } from '../message-sender.js';
import { telnyxSid } from './telnyx-sids.js';
import { messageStatus } from './telnyx-status.js';

export class TelnyxCarrier extends OutboxCarrier {
  readonly name = 'telnyx';
  protected readonly sendKind = 'telnyx-message';
}

/** A message's resource (GET /v2/messages/{id}): its id is a UUID, not an SM… SID. */
export function messageUrl(telnyx: TelnyxSettings, id: string): string {
  return `${telnyx.apiUrl}/v2/messages/${encodeURIComponent(id)}`;
}

/**
 * A TeXML call's resource (GET /v2/texml/Accounts/{AccountSid}/Calls/{CallSid}), under the account
 * its webhooks name; the `:` of a `v3:…` CallSid stays as Telnyx writes it in a call's `uri`.
 */
export function callUrl(telnyx: TelnyxSettings, accountSid: string, callSid: string): string {
  const segment = (id: string) => encodeURIComponent(id).replace(/%3A/gi, ':');
  return `${telnyx.apiUrl}/v2/texml/Accounts/${segment(accountSid)}/Calls/${segment(callSid)}`;
}

/** The outbox job that sends one message through Telnyx; its delivery reports come to `publicUrl`. */
export function telnyxMessageSender(db: Db, router: Router, http: OutboundClient, telnyx: TelnyxSettings, publicUrl: string): JobHandler {
  return messageSender(db, router, (job) => send(http, telnyx, publicUrl, job));
}

interface SentPayload {
  data?: { id?: unknown; to?: Array<{ status?: unknown }> };
}

/** One request to the Messaging API; PermanentFailure when retrying cannot help. */
async function send(http: OutboundClient, telnyx: TelnyxSettings, publicUrl: string, job: SendJob): Promise<Accepted> {
  const request: Record<string, unknown> = {
    from: job.from,
    to: job.to,
    // Telnyx wants a non-empty text, or none at all for an MMS of media only.
    ...(job.body !== '' ? { text: job.body } : {}),
    ...(job.mediaUrls.length > 0 ? { media_urls: job.mediaUrls } : {}),
    ...(telnyx.messagingProfileId !== null ? { messaging_profile_id: telnyx.messagingProfileId } : {}),
    // The message's own webhook URL comes first, whatever the messaging profile says.
    webhook_url: `${publicUrl}/carriers/telnyx/messaging`,
  };
  const answer = await http.post(`${telnyx.apiUrl}/v2/messages`, {
    headers: {
      authorization: `Bearer ${telnyx.apiKey}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify(request),
    timeoutMs: 15_000,
  });
  checkAnswer('Telnyx', answer);
  const sent = JSON.parse(answer.body) as SentPayload;
  const id = sent.data?.id;
  if (typeof id !== 'string' || id === '') throw new PermanentFailure('Telnyx answered without a message id');
  const status = sent.data?.to?.[0]?.status;
  return {
    resourceSid: telnyxSid('SM', id),
    status: messageStatus(typeof status === 'string' ? status : 'queued'),
    url: messageUrl(telnyx, id),
  };
}
