// What a Twilio-compatible carrier's webhooks mean for the masking engine: a message arrived, a
// call arrived, a leg's status changed. Each inbound message or call is answered once per SID
// (webhook-replay.ts); the answer is TwiML (SignalWire's cXML is the same): an empty <Response>
// for a routed message, a <Dial> that bridges a call with the partner's proxy number as caller
// ID, an out-of-session callback's TwiML, or <Reject/> (../voice-answers.ts). The carrier's ids
// are recorded as CompatibleApi.resourceSid says (Twilio's SIDs as they are).

import type { Clock } from '../../common/clock.js';
import type { Db } from '../../db/unit-of-work.js';
import { interactionByResource, interactionBySid } from '../../resources/interactions/interactions.service.js';
import type { Router } from '../../routing/router.js';
import { callLegReported, messageLegReported } from '../leg-reports.js';
import { EMPTY_RESPONSE, bridgeAnswer, xmlAnswer } from '../voice-answers.js';
import type { WebhookAnswer } from '../webhook-answers.repository.js';
import { WebhookReplay } from '../webhook-replay.js';
import type { CompatibleApi } from './compatible-api.js';
import { resourceUrl, statusRoute } from './compatible-api.js';
import { resourceStatus } from './compatible.carrier.js';

export interface ArrivingMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
}

export interface ArrivingCall {
  sid: string;
  from: string;
  to: string;
}

/** A status callback: of a message, or of a call leg (`interactionSid` names a bridged <Number> leg). */
export interface StatusReport {
  messageSid: string;
  messageStatus: string;
  callSid: string;
  callStatus: string;
  duration: string;
  interactionSid: string | undefined;
}

export class CompatibleWebhooks {
  readonly #replay: WebhookReplay;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly router: Router,
    readonly api: CompatibleApi,
    /** PARLEY_PUBLIC_URL: where the carrier reports the bridged legs' statuses. */
    private readonly publicUrl: string,
  ) {
    this.#replay = new WebhookReplay(db, clock, api.name);
  }

  messageArrived(message: ArrivingMessage): Promise<WebhookAnswer> {
    const sid = message.sid === '' ? '' : this.api.resourceSid('Message', message.sid);
    const inbound = {
      ...message,
      accountSid: null,
      resourceSid: sid,
      resourceUrl: message.sid === '' ? null : resourceUrl(this.api, 'Message', message.sid),
    };
    return this.#replay.answer(
      sid,
      (also) => this.router.routeMessage(inbound, also),
      (routed) => (routed.outOfSession?.twiml ? xmlAnswer(routed.outOfSession.twiml) : EMPTY_RESPONSE),
    );
  }

  callArrived(call: ArrivingCall): Promise<WebhookAnswer> {
    const sid = call.sid === '' ? '' : this.api.resourceSid('Call', call.sid);
    const inbound = {
      accountSid: null,
      from: call.from,
      to: call.to,
      resourceSid: sid,
      resourceUrl: resourceUrl(this.api, 'Call', call.sid),
      outboundResourceSid: null,
      outboundStatus: 'initiated',
    };
    return this.#replay.answer(
      sid,
      (also) => this.router.routeCall(inbound, also),
      (routed) => bridgeAnswer(routed, (interaction) => `${this.publicUrl}${statusRoute(this.api)}?Interaction=${interaction}`),
    );
  }

  /** A leg's status moved; reports can come out of order, and a status never moves back (../leg-status.ts). */
  async statusReported(report: StatusReport): Promise<void> {
    if (report.messageSid !== '' && report.messageStatus !== '') {
      const messageSid = this.api.resourceSid('Message', report.messageSid);
      return messageLegReported(this.db, this.clock, this.router, messageSid, resourceStatus(report.messageStatus));
    }
    if (report.callSid === '') return;
    const callSid = this.api.resourceSid('Call', report.callSid);
    // The partner's leg reports to the status URL its <Number> was given, which names the interaction.
    const found =
      report.interactionSid !== undefined ? await this.#bridgedLeg(report.interactionSid) : await interactionByResource(this.db, callSid);
    if (found === undefined) return;
    await callLegReported(this.router, found, {
      callSid,
      url: resourceUrl(this.api, 'Call', report.callSid),
      status: resourceStatus(report.callStatus),
      duration: report.duration,
    });
  }

  /** The <Number> leg of a bridged call reports with the interaction's SID in its URL. */
  async #bridgedLeg(interactionSid: string) {
    const row = await interactionBySid(this.db, interactionSid);
    return row === undefined ? undefined : { row, leg: 'outbound' as const };
  }
}
