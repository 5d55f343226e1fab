// A Twilio-compatible carrier (compatible-api.ts) sends messages. A message to send is queued in
// the outbox within the routing transaction and sent by the worker through the carrier's Messages
// API (../message-sender.ts); the carrier's answer and later delivery statuses update the interaction.

import type { Db } from '../../db/unit-of-work.js';
import type { OutboundClient } from '../../outbound/outbound-client.js';
import type { OutboxKind } from '../../outbox/outbox.repository.js';
import type { JobHandler } from '../../outbox/outbox.worker.js';
import { PermanentFailure } from '../../outbox/outbox.worker.js';
import type { Router } from '../../routing/router.js';
import { legStatus } from '../leg-status.js';
import { OutboxCarrier, checkAnswer, messageSender } from '../message-sender.js';
import type { Accepted, SendJob } from '../message-sender.js';
import type { CompatibleApi } from './compatible-api.js';
import { authorization, resourceUrl, statusRoute } from './compatible-api.js';

export class CompatibleCarrier extends OutboxCarrier {
  readonly name: CompatibleApi['name'];
  protected readonly sendKind: OutboxKind;

  constructor(api: CompatibleApi) {
    super();
    this.name = api.name;
    this.sendKind = api.sendJobKind;
  }
}

/** Twilio's statuses (SignalWire's too), in the Interaction's enum ("read" is a delivered message; anything new is unknown). */
export function resourceStatus(status: string | undefined): string {
  return legStatus(status, { read: 'delivered' });
}

/** The outbox job that sends one message through the carrier. */
export function compatibleMessageSender(
  db: Db,
  router: Router,
  http: OutboundClient,
  api: CompatibleApi,
  publicUrl: string | null,
): JobHandler {
  return messageSender(db, router, (job) => send(http, api, publicUrl, job));
}

/** One request to the carrier's Messages API; PermanentFailure when retrying cannot help. */
async function send(http: OutboundClient, api: CompatibleApi, publicUrl: string | null, job: SendJob): Promise<Accepted> {
  const form = new URLSearchParams({ From: job.from, To: job.to, Body: job.body });
  for (const url of job.mediaUrls) form.append('MediaUrl', url);
  if (publicUrl !== null) form.set('StatusCallback', publicUrl + statusRoute(api));
  const answer = await http.post(`${api.accountUrl}/Messages.json`, {
    headers: { authorization: authorization(api), 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    timeoutMs: 15_000,
  });
  checkAnswer(api.title, answer);
  const sent = JSON.parse(answer.body) as { sid?: unknown; status?: unknown };
  if (typeof sent.sid !== 'string') throw new PermanentFailure(`${api.title} answered without a message SID`);
  return {
    resourceSid: api.resourceSid('Message', sent.sid),
    status: resourceStatus(typeof sent.status === 'string' ? sent.status : 'queued'),
    url: resourceUrl(api, 'Message', sent.sid),
  };
}
