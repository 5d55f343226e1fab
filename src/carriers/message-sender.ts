// Sending a message through a carrier's REST API, whichever the carrier. The routing unit of work
// queues the send in the outbox, so it leaves exactly when the interaction is recorded and survives
// a restart; the outbox worker sends it and retries it with its backoff. What the API's answer
// means is the same for every carrier: a 4xx but 429 says the request itself is bad and will not
// get better by retrying (the leg fails at once); a 429, a 5xx, a network error, no answer in time
// or one over PARLEY_CALLBACK_MAX_RESPONSE_BYTES is retried; a send given up on its last attempt
// marks the leg failed rather than leaving it queued forever. A delivery report that overtook the
// API's answer (carrier-status.repository.ts) wins when it is the later status.

import type { Db, UnitOfWork } from '../db/unit-of-work.js';
import { queueJob } from '../outbox/outbox.service.js';
import type { OutboxKind } from '../outbox/outbox.repository.js';
import type { JobHandler } from '../outbox/outbox.worker.js';
import { PermanentFailure } from '../outbox/outbox.worker.js';
import { interactionBySid } from '../resources/interactions/interactions.service.js';
import type { Carrier, OutboundMessage, PlannedFault, SentLeg } from '../routing/carrier.js';
import type { Router } from '../routing/router.js';
import { takeEarlyReport } from './carrier-status.repository.js';
import { advances } from './leg-status.js';

/** One message to send, as the outbox keeps it. */
export interface SendJob {
  interactionSid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
}

/** What the carrier's API answered a send with: its id of the message, the status in the Interaction's words, its URL. */
export interface Accepted {
  resourceSid: string;
  status: string;
  url: string;
}

const NO_FAULTS: Promise<readonly PlannedFault[]> = Promise.resolve([]);

/** A real carrier, as the masking engine sees it: its sends go through the outbox as jobs of `sendKind`. */
export abstract class OutboxCarrier implements Carrier {
  abstract readonly name: Carrier['name'];
  protected abstract readonly sendKind: OutboxKind;

  /** Faults on demand are the simulator's: a real carrier fails on its own. */
  plannedFaults(): Promise<readonly PlannedFault[]> {
    return NO_FAULTS;
  }

  sendMessage(uow: UnitOfWork, message: OutboundMessage): SentLeg {
    return queueSend(uow, this.sendKind, message);
  }
}

/** Queues the send in the routing unit of work: the leg is queued until the worker hears the API's answer. */
export function queueSend(uow: UnitOfWork, kind: OutboxKind, message: OutboundMessage): SentLeg {
  const job: SendJob = {
    interactionSid: message.interactionSid,
    from: message.from,
    to: message.to,
    body: message.body,
    mediaUrls: message.mediaUrls,
  };
  queueJob(uow, { accountSid: message.accountSid, kind, payload: job, now: message.now });
  return { resourceSid: null, status: 'queued', url: null, queued: true };
}

/** The outbox job that sends one message with `send` (one request to the carrier's API) and records the outcome. */
export function messageSender(db: Db, router: Router, send: (job: SendJob) => Promise<Accepted>): JobHandler {
  return async (job: SendJob, _row, { lastAttempt }) => {
    const interaction = await interactionBySid(db, job.interactionSid);
    if (interaction === undefined) return; // deleted meanwhile: nothing left to report to
    let sent: Accepted;
    try {
      sent = await send(job);
    } catch (err) {
      // No more tries (or none would help): the leg failed, and the service hears of it.
      if (lastAttempt || err instanceof PermanentFailure) await router.recordStatus(interaction, { outbound_resource_status: 'failed' });
      throw err;
    }
    const early = await takeEarlyReport(db, sent.resourceSid);
    await router.recordStatus(interaction, {
      outbound_resource_sid: sent.resourceSid,
      outbound_resource_status: early !== undefined && advances(sent.status, early) ? early : sent.status,
      outbound_resource_url: sent.url,
    });
  };
}

/** Throws unless the API took the send: PermanentFailure for a refusal (a 4xx but 429), an Error to retry. */
export function checkAnswer(carrier: string, answer: { status: number; body: string }): void {
  const { status, body } = answer;
  if (status >= 400 && status < 500 && status !== 429) {
    throw new PermanentFailure(`${carrier} refused the message: HTTP ${status} ${body.slice(0, 300)}`);
  }
  if (status < 200 || status > 299) throw new Error(`${carrier} answered HTTP ${status}`);
}
