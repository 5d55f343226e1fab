// What a Twilio-compatible carrier's webhooks mean for the masking engine: a message arrived, a
// call arrived, a leg's status changed. Each inbound message or call is answered once per SID
// (webhook-replay.ts); the answer is TwiML (SignalWire's cXML is the same): an empty <Response>
// for a routed message, a <Dial> that bridges a call with the partner's proxy number as caller
// ID, an out-of-session callback's TwiML, or <Reject/>. The carrier's ids are recorded as
// CompatibleApi.resourceSid says (Twilio's SIDs as they are).

import type { Clock } from '../../common/clock.js';
import type { Db } from '../../db/unit-of-work.js';
import { interactionByResource, interactionBySid } from '../../resources/interactions/interactions.service.js';
import type { Router, Routed } from '../../routing/router.js';
import type { WebhookAnswer } from '../webhook-answers.repository.js';
import { WebhookReplay } from '../webhook-replay.js';
import { keepEarlyReport } from '../twilio/carrier-status.repository.js';
import { laterStatus, resourceStatus } from '../twilio/twilio-status.js';
import type { CompatibleApi } from './compatible-api.js';
import { resourceUrl, statusRoute } from './compatible-api.js';

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

const twiml = (xml: string): WebhookAnswer => ({ content_type: 'text/xml; charset=utf-8', answer: xml });
const EMPTY = twiml('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
const REJECT = twiml('<?xml version="1.0" encoding="UTF-8"?><Response><Reject/></Response>');

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
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
      (routed) => (routed.outOfSession?.twiml ? twiml(routed.outOfSession.twiml) : EMPTY),
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
      (routed) => this.#bridge(routed),
    );
  }

  /** The partner's leg reports to the status route, which learns its Call SID from it. */
  #bridge(routed: Routed): WebhookAnswer {
    if (routed.bridge === null || routed.interaction === null)
      return routed.outOfSession?.twiml ? twiml(routed.outOfSession.twiml) : REJECT;
    const statusUrl = `${this.publicUrl}${statusRoute(this.api)}?Interaction=${routed.interaction.sid}`;
    return twiml(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        `<Dial callerId="${escapeXml(routed.bridge.from)}">` +
        `<Number statusCallback="${escapeXml(statusUrl)}" statusCallbackEvent="initiated ringing answered completed">${escapeXml(routed.bridge.to)}</Number>` +
        '</Dial></Response>',
    );
  }

  /** A leg's status moved; reports can come out of order, and a status never moves back (twilio-status.ts). */
  async statusReported(report: StatusReport): Promise<void> {
    if (report.messageSid !== '' && report.messageStatus !== '') {
      const messageSid = this.api.resourceSid('Message', report.messageSid);
      const found = await interactionByResource(this.db, messageSid);
      const reported = resourceStatus(report.messageStatus);
      // A report that beat the carrier's answer to the send waits for its SID (compatible.carrier.ts takes it).
      if (found === undefined) return keepEarlyReport(this.db, messageSid, reported, this.clock.now());
      const status = laterStatus(found.row, found.leg, reported);
      await this.router.recordStatus(
        found.row,
        found.leg === 'outbound' ? { outbound_resource_status: status } : { inbound_resource_status: status },
      );
      return;
    }
    if (report.callSid === '') return;
    const callSid = this.api.resourceSid('Call', report.callSid);
    const found =
      report.interactionSid !== undefined ? await this.#bridgedLeg(report.interactionSid) : await interactionByResource(this.db, callSid);
    if (found === undefined) return;
    const status = resourceStatus(report.callStatus);
    const changes =
      found.leg === 'outbound'
        ? {
            outbound_resource_sid: callSid,
            outbound_resource_status: laterStatus(found.row, 'outbound', status),
            outbound_resource_url: resourceUrl(this.api, 'Call', report.callSid),
          }
        : { inbound_resource_status: laterStatus(found.row, 'inbound', status) };
    await this.router.recordStatus(
      found.row,
      report.duration === '' ? changes : { ...changes, data: JSON.stringify({ duration: report.duration }) },
    );
  }

  /** The <Number> leg of a bridged call reports with the interaction's SID in its URL. */
  async #bridgedLeg(interactionSid: string) {
    const row = await interactionBySid(this.db, interactionSid);
    return row === undefined ? undefined : { row, leg: 'outbound' as const };
  }
}
