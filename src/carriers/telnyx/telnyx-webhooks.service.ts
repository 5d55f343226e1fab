// What Telnyx's webhooks mean for the masking engine. The Messaging API posts JSON events: a
// message arrived (message.received), a sent one moved on (message.sent, message.finalized). TeXML
// posts forms, as Twilio does: a call arrived (the application's voice URL, answered with TeXML),
// a leg's progress (its status callback). Each inbound message or call is answered once per id
// (webhook-replay.ts), whatever Telnyx retries.
//
// Calls go through TeXML rather than Call Control: the answer to the call's own webhook is the
// bridge (<Dial callerId="partner's proxy"><Number>partner</Number></Dial>), decided in the routing
// unit and replayed as it is to a retried webhook. Call Control would need two REST commands after
// the webhook (answer, then transfer with `from`, which defaults to the number the caller dialled:
// the wrong one for masking), each a network call that can fail with the caller left ringing.
//
// Telnyx's signature covers the body but not the URL (telnyx-signature.ts), so the bridged leg is
// found from what its signed body says, its ParentCallSid (the caller's leg), never from a query.
// Legs are recorded under SIDs made from Telnyx's ids (telnyx-sids.ts).

import type { Clock } from '../../common/clock.js';
import type { TelnyxSettings } from '../../config.js';
import type { Db } from '../../db/unit-of-work.js';
import { interactionByResource } from '../../resources/interactions/interactions.service.js';
import type { Router } from '../../routing/router.js';
import { callLegReported, messageLegReported } from '../leg-reports.js';
import type { ReportedLeg } from '../leg-reports.js';
import { bridgeAnswer } from '../voice-answers.js';
import type { WebhookAnswer } from '../webhook-answers.repository.js';
import { WebhookReplay } from '../webhook-replay.js';
import { TelnyxSignature } from './telnyx-signature.js';
import { telnyxSid } from './telnyx-sids.js';
import { callStatus, messageStatus } from './telnyx-status.js';
import { callUrl, messageUrl } from './telnyx.carrier.js';

export interface ArrivingMessage {
  /** The message's id (a UUID). */
  id: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
}

export interface ArrivingCall {
  callSid: string;
  /** TeXML's AccountSid: the Telnyx account, in the call's resource URL. */
  accountSid: string;
  from: string;
  to: string;
}

/** A TeXML status callback: of the caller's leg, or of the bridged one (which names its parent). */
export interface CallReport {
  callSid: string;
  /** The caller's CallSid on the bridged leg's reports; '' on the caller's own. */
  parentCallSid: string;
  accountSid: string;
  /** TeXML's CallStatus. */
  status: string;
  /** CallDuration, seconds; '' until the leg ended. */
  duration: string;
}

/** Telnyx acts on no body in the answer to a messaging webhook: any 2xx will do. */
const TAKEN: WebhookAnswer = { content_type: 'application/json; charset=utf-8', answer: '{}' };

export class TelnyxWebhooks {
  readonly #replay: WebhookReplay;
  /** Checks each webhook's Ed25519 signature and timestamp (by the same clock). */
  readonly signature: TelnyxSignature;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly router: Router,
    private readonly telnyx: TelnyxSettings,
    /** PARLEY_PUBLIC_URL: where Telnyx reports the bridged legs' progress. */
    private readonly publicUrl: string,
  ) {
    this.#replay = new WebhookReplay(db, clock, 'telnyx');
    this.signature = new TelnyxSignature(telnyx.publicKey, clock);
  }

  /**
   * An out-of-session callback may answer a message with TwiML; Telnyx's messaging webhooks take
   * no markup, so only its JSON answer (a session to create) acts on a message here.
   */
  messageArrived(message: ArrivingMessage): Promise<WebhookAnswer> {
    const sid = message.id === '' ? '' : telnyxSid('SM', message.id);
    const inbound = {
      ...message,
      accountSid: null,
      resourceSid: sid,
      resourceUrl: sid === '' ? null : messageUrl(this.telnyx, message.id),
    };
    return this.#replay.answer(
      sid,
      (also) => this.router.routeMessage(inbound, also),
      () => TAKEN,
    );
  }

  /** message.sent or message.finalized on a message Parley sent: its recipient's status. */
  messageReported(id: string, status: string): Promise<void> {
    if (id === '') return Promise.resolve();
    return messageLegReported(this.db, this.clock, this.router, telnyxSid('SM', id), messageStatus(status));
  }

  callArrived(call: ArrivingCall): Promise<WebhookAnswer> {
    const sid = call.callSid === '' ? '' : telnyxSid('CA', call.callSid);
    const inbound = {
      accountSid: null,
      from: call.from,
      to: call.to,
      resourceSid: sid,
      resourceUrl: callUrl(this.telnyx, call.accountSid, call.callSid),
      outboundResourceSid: null,
      outboundStatus: 'initiated',
    };
    const statusUrl = `${this.publicUrl}/carriers/telnyx/status`;
    return this.#replay.answer(
      sid,
      (also) => this.router.routeCall(inbound, also),
      (routed) => bridgeAnswer(routed, () => statusUrl),
    );
  }

  async callReported(report: CallReport): Promise<void> {
    if (report.callSid === '') return;
    const found =
      report.parentCallSid !== ''
        ? await this.#bridgedLeg(telnyxSid('CA', report.parentCallSid))
        : await interactionByResource(this.db, telnyxSid('CA', report.callSid));
    if (found === undefined) return;
    await callLegReported(this.router, found, {
      callSid: telnyxSid('CA', report.callSid),
      url: callUrl(this.telnyx, report.accountSid, report.callSid),
      status: callStatus(report.status),
      duration: report.duration,
    });
  }

  /** The bridged leg belongs to the interaction whose inbound leg is its parent. */
  async #bridgedLeg(parentSid: string): Promise<ReportedLeg | undefined> {
    const parent = await interactionByResource(this.db, parentSid);
    return parent?.leg === 'inbound' ? { row: parent.row, leg: 'outbound' } : undefined;
  }
}
