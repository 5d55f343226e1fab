// Twilio Programmable Messaging as the carrier. A message to send is queued in the outbox within
// the routing transaction and sent by the worker through Twilio's Messages API
// (../message-sender.ts); Twilio's answer and later delivery statuses update the interaction.

import type { Config } from '../../config.js';
import type { Db } from '../../db/unit-of-work.js';
import type { OutboundClient } from '../../outbound/outbound-client.js';
import type { JobHandler } from '../../outbox/outbox.worker.js';
import { PermanentFailure } from '../../outbox/outbox.worker.js';
import type { Router } from '../../routing/router.js';
import { legStatus } from '../leg-status.js';
import { OutboxCarrier, checkAnswer, messageSender } from '../message-sender.js';
import type { Accepted, SendJob } from '../message-sender.js';

type TwilioSettings = NonNullable<Config['twilio']>;

export class TwilioCarrier extends OutboxCarrier {
  readonly name = 'twilio';
  protected readonly sendKind = 'twilio-message';
}

/** Twilio's statuses, in the Interaction's enum ("read" is a delivered message; anything new is unknown). */
export function resourceStatus(status: string | undefined): string {
  return legStatus(status, { read: 'delivered' });
}

export function messageUrl(twilio: TwilioSettings, sid: string): string {
  return `${twilio.apiUrl}/2010-04-01/Accounts/${twilio.accountSid}/Messages/${sid}.json`;
}

export function callUrl(twilio: TwilioSettings, sid: string): string {
  return `${twilio.apiUrl}/2010-04-01/Accounts/${twilio.accountSid}/Calls/${sid}.json`;
}

/** The outbox job that sends one message through Twilio. */
export function twilioMessageSender(
  db: Db,
  router: Router,
  http: OutboundClient,
  twilio: TwilioSettings,
  publicUrl: string | null,
): JobHandler {
  return messageSender(db, router, (job) => send(http, twilio, publicUrl, job));
}

/** One request to Twilio's Messages API; PermanentFailure when retrying cannot help. */
async function send(http: OutboundClient, twilio: TwilioSettings, publicUrl: string | null, job: SendJob): Promise<Accepted> {
  const form = new URLSearchParams({ From: job.from, To: job.to, Body: job.body });
  for (const url of job.mediaUrls) form.append('MediaUrl', url);
  if (publicUrl !== null) form.set('StatusCallback', `${publicUrl}/carriers/twilio/status`);
  const answer = await http.post(`${twilio.apiUrl}/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`, {
    headers: {
      authorization: 'Basic ' + Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64'),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: form.toString(),
    timeoutMs: 15_000,
  });
  checkAnswer('Twilio', answer);
  const sent = JSON.parse(answer.body) as { sid?: unknown; status?: unknown };
  if (typeof sent.sid !== 'string') throw new PermanentFailure('Twilio answered without a message SID');
  return {
    resourceSid: sent.sid,
    status: resourceStatus(typeof sent.status === 'string' ? sent.status : 'queued'),
    url: messageUrl(twilio, sent.sid),
  };
}
