// A Twilio-compatible carrier (compatible-api.ts) sends messages. A message to send is queued in
// the outbox within the routing transaction and sent by the worker through the carrier's Messages
// API; the carrier's answer and later delivery statuses update the interaction.

import type { OutboundClient } from '../../outbound/outbound-client.js';
import { takeEarlyReport } from '../twilio/carrier-status.repository.js';
import { advances, resourceStatus } from '../twilio/twilio-status.js';
import { interactionBySid } from '../../resources/interactions/interactions.service.js';
import { queueJob } from '../../outbox/outbox.service.js';
import type { JobHandler } from '../../outbox/outbox.worker.js';
import { PermanentFailure } from '../../outbox/outbox.worker.js';
import type { Router } from '../../routing/router.js';
import type { Carrier, OutboundMessage, PlannedFault, SentLeg } from '../../routing/carrier.js';
import type { Db, UnitOfWork } from '../../db/unit-of-work.js';
import type { CompatibleApi } from './compatible-api.js';
import { authorization, resourceUrl, statusRoute } from './compatible-api.js';

const NO_FAULTS: Promise<readonly PlannedFault[]> = Promise.resolve([]);

interface SendJob {
  interactionSid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
}

export class CompatibleCarrier implements Carrier {
  readonly name: CompatibleApi['name'];

  constructor(private readonly api: CompatibleApi) {
    this.name = api.name;
  }

  /** Faults on demand are the simulator's: a real carrier fails on its own. */
  plannedFaults(): Promise<readonly PlannedFault[]> {
    return NO_FAULTS;
  }

  sendMessage(uow: UnitOfWork, message: OutboundMessage): SentLeg {
    const job: SendJob = {
      interactionSid: message.interactionSid,
      from: message.from,
      to: message.to,
      body: message.body,
      mediaUrls: message.mediaUrls,
    };
    queueJob(uow, { accountSid: message.accountSid, kind: this.api.sendJobKind, payload: job, now: message.now });
    return { resourceSid: null, status: 'queued', url: null, queued: true };
  }
}

/**
 * The outbox job that sends one message through the carrier. A 4xx answer (but 429) will not get
 * better by retrying: the outbound leg is recorded as failed. Network errors, 5xx, no answer in
 * time and an answer over PARLEY_CALLBACK_MAX_RESPONSE_BYTES are retried.
 */
export function compatibleMessageSender(
  db: Db,
  router: Router,
  http: OutboundClient,
  api: CompatibleApi,
  publicUrl: string | null,
): JobHandler {
  return async (job: SendJob, _row, { lastAttempt }) => {
    const interaction = await interactionBySid(db, job.interactionSid);
    if (interaction === undefined) return; // deleted meanwhile: nothing left to report to
    let sent: { id: string; status: string };
    try {
      sent = await send(http, api, publicUrl, job);
    } catch (err) {
      // No more tries (or none would help): the leg failed, and the service hears of it.
      if (lastAttempt || err instanceof PermanentFailure) await router.recordStatus(interaction, { outbound_resource_status: 'failed' });
      throw err;
    }
    // A delivery report may have beaten the carrier's answer here: the later of the two wins.
    const sid = api.resourceSid('Message', sent.id);
    const early = await takeEarlyReport(db, sid);
    const answered = resourceStatus(sent.status);
    await router.recordStatus(interaction, {
      outbound_resource_sid: sid,
      outbound_resource_status: early !== undefined && advances(answered, early) ? early : answered,
      outbound_resource_url: resourceUrl(api, 'Message', sent.id),
    });
  };
}

/** One request to the carrier's Messages API; PermanentFailure when retrying cannot help. */
async function send(
  http: OutboundClient,
  api: CompatibleApi,
  publicUrl: string | null,
  job: SendJob,
): Promise<{ id: string; status: string }> {
  const form = new URLSearchParams({ From: job.from, To: job.to, Body: job.body });
  for (const url of job.mediaUrls) form.append('MediaUrl', url);
  if (publicUrl !== null) form.set('StatusCallback', publicUrl + statusRoute(api));
  const { status, body } = await http.post(`${api.accountUrl}/Messages.json`, {
    headers: {
      authorization: authorization(api),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: form.toString(),
    timeoutMs: 15_000,
  });
  if (status >= 400 && status < 500 && status !== 429) {
    throw new PermanentFailure(`${api.title} refused the message: HTTP ${status} ${body.slice(0, 300)}`);
  }
  if (status < 200 || status > 299) throw new Error(`${api.title} answered HTTP ${status}`);
  const sent = JSON.parse(body) as { sid?: unknown; status?: unknown };
  if (typeof sent.sid !== 'string') throw new PermanentFailure(`${api.title} answered without a message SID`);
  return { id: sent.sid, status: typeof sent.status === 'string' ? sent.status : 'queued' };
}
