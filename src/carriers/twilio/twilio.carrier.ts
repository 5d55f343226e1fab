// Twilio Programmable Messaging as the carrier. A message to send is queued in the outbox within
// the routing transaction and sent by the worker through Twilio's Messages API; Twilio's answer
// and later delivery statuses update the interaction.

import type { Config } from '../../config.js';
import type { OutboundClient } from '../../outbound/outbound-client.js';
import { takeEarlyReport } from './carrier-status.repository.js';
import { advances, resourceStatus } from './twilio-status.js';
import { interactionBySid } from '../../resources/interactions/interactions.service.js';
import { queueJob } from '../../outbox/outbox.service.js';
import type { JobHandler } from '../../outbox/outbox.worker.js';
import { PermanentFailure } from '../../outbox/outbox.worker.js';
import type { Router } from '../../routing/router.js';
import type { Carrier, OutboundMessage, PlannedFault, SentLeg } from '../../routing/carrier.js';
import type { Db, UnitOfWork } from '../../db/unit-of-work.js';

type TwilioSettings = NonNullable<Config['twilio']>;

const NO_FAULTS: Promise<readonly PlannedFault[]> = Promise.resolve([]);

interface SendJob {
  interactionSid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
}

export class TwilioCarrier implements Carrier {
  readonly name = 'twilio';

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
    queueJob(uow, { accountSid: message.accountSid, kind: 'twilio-message', payload: job, now: message.now });
    return { resourceSid: null, status: 'queued', url: null, queued: true };
  }
}

/** The Twilio account's REST resources: `…/2010-04-01/Accounts/AC…`. */
export function accountUrl(twilio: TwilioSettings): string {
  return `${twilio.apiUrl}/2010-04-01/Accounts/${twilio.accountSid}`;
}

/** Basic credentials of the Twilio account, for its REST API. */
export function authorization(twilio: TwilioSettings): string {
  return 'Basic ' + Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64');
}

export function messageUrl(twilio: TwilioSettings, sid: string): string {
  return `${accountUrl(twilio)}/Messages/${sid}.json`;
}

export function callUrl(twilio: TwilioSettings, sid: string): string {
  return `${accountUrl(twilio)}/Calls/${sid}.json`;
}

/**
 * The outbox job that sends one message through Twilio. A 4xx answer (but 429) will not get
 * better by retrying: the outbound leg is recorded as failed. Network errors, 5xx, no answer in
 * time and an answer over PARLEY_CALLBACK_MAX_RESPONSE_BYTES are retried.
 */
export function twilioMessageSender(
  db: Db,
  router: Router,
  http: OutboundClient,
  twilio: TwilioSettings,
  publicUrl: string | null,
): JobHandler {
  return async (job: SendJob, _row, { lastAttempt }) => {
    const interaction = await interactionBySid(db, job.interactionSid);
    if (interaction === undefined) return; // deleted meanwhile: nothing left to report to
    let sent: { sid: string; status: string };
    try {
      sent = await send(http, twilio, publicUrl, job);
    } catch (err) {
      // No more tries (or none would help): the leg failed, and the service hears of it.
      if (lastAttempt || err instanceof PermanentFailure) await router.recordStatus(interaction, { outbound_resource_status: 'failed' });
      throw err;
    }
    // A delivery report may have beaten Twilio's answer here: the later of the two wins.
    const early = await takeEarlyReport(db, sent.sid);
    const answered = resourceStatus(sent.status);
    await router.recordStatus(interaction, {
      outbound_resource_sid: sent.sid,
      outbound_resource_status: early !== undefined && advances(answered, early) ? early : answered,
      outbound_resource_url: messageUrl(twilio, sent.sid),
    });
  };
}

/** One request to Twilio's Messages API; PermanentFailure when retrying cannot help. */
async function send(
  http: OutboundClient,
  twilio: TwilioSettings,
  publicUrl: string | null,
  job: SendJob,
): Promise<{ sid: string; status: string }> {
  const form = new URLSearchParams({ From: job.from, To: job.to, Body: job.body });
  for (const url of job.mediaUrls) form.append('MediaUrl', url);
  if (publicUrl !== null) form.set('StatusCallback', `${publicUrl}/carriers/twilio/status`);
  const { status, body } = await http.post(`${accountUrl(twilio)}/Messages.json`, {
    headers: {
      authorization: authorization(twilio),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: form.toString(),
    timeoutMs: 15_000,
  });
  if (status >= 400 && status < 500 && status !== 429) {
    throw new PermanentFailure(`Twilio refused the message: HTTP ${status} ${body.slice(0, 300)}`);
  }
  if (status < 200 || status > 299) throw new Error(`Twilio answered HTTP ${status}`);
  const sent = JSON.parse(body) as { sid?: unknown; status?: unknown };
  if (typeof sent.sid !== 'string') throw new PermanentFailure('Twilio answered without a message SID');
  return { sid: sent.sid, status: typeof sent.status === 'string' ? sent.status : 'queued' };
}
