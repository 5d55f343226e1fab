// What Twilio's webhooks mean for the masking engine: a message arrived, a call arrived, a leg's
// status changed. Each inbound message or call is answered once per SID (webhook-replay.ts); the
// answer is TwiML: an empty <Response> for a routed message, a <Dial> that bridges a call with the
// partner's proxy number as caller ID, an out-of-session callback's TwiML, or <Reject/>.

import type { Clock } from '../../common/clock.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/unit-of-work.js';
import { interactionByResource, interactionBySid } from '../../resources/interactions/interactions.service.js';
import type { Router, Routed } from '../../routing/router.js';
import type { WebhookAnswer } from '../webhook-answers.repository.js';
import { WebhookReplay } from '../webhook-replay.js';
import { keepEarlyReport } from '../carrier-status.repository.js';
import { laterStatus } from '../leg-status.js';
import { callUrl, messageUrl, resourceStatus } from './twilio.carrier.js';

type TwilioSettings = NonNullable<Config['twilio']>;

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

export class TwilioWebhooks {
  readonly #replay: WebhookReplay;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly router: Router,
    private readonly twilio: TwilioSettings,
    /** PARLEY_PUBLIC_URL: where Twilio reports the bridged legs' statuses. */
    private readonly publicUrl: string,
  ) {
    this.#replay = new WebhookReplay(db, clock, 'twilio');
  }

  messageArrived(message: ArrivingMessage): Promise<WebhookAnswer> {
    const inbound = {
      ...message,
      accountSid: null,
      resourceSid: message.sid,
      resourceUrl: message.sid === '' ? null : messageUrl(this.twilio, message.sid),
    };
    return this.#replay.answer(
      message.sid,
      (also) => this.router.routeMessage(inbound, also),
      (routed) => (routed.outOfSession?.twiml ? twiml(routed.outOfSession.twiml) : EMPTY),
    );
  }

  callArrived(call: ArrivingCall): Promise<WebhookAnswer> {
    const inbound = {
      accountSid: null,
      from: call.from,
      to: call.to,
      resourceSid: call.sid,
      resourceUrl: callUrl(this.twilio, call.sid),
      outboundResourceSid: null,
      outboundStatus: 'initiated',
    };
    return this.#replay.answer(
      call.sid,
      (also) => this.router.routeCall(inbound, also),
      (routed) => this.#bridge(routed),
    );
  }

  /** The partner's leg reports to the status route, which learns its Call SID from it. */
  #bridge(routed: Routed): WebhookAnswer {
    if (routed.bridge === null || routed.interaction === null)
      return routed.outOfSession?.twiml ? twiml(routed.outOfSession.twiml) : REJECT;
    const statusUrl = `${this.publicUrl}/carriers/twilio/status?Interaction=${routed.interaction.sid}`;
    return twiml(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        `<Dial callerId="${escapeXml(routed.bridge.from)}">` +
        `<Number statusCallback="${escapeXml(statusUrl)}" statusCallbackEvent="initiated ringing answered completed">${escapeXml(routed.bridge.to)}</Number>` +
        '</Dial></Response>',
    );
  }

  /** A leg's status moved; reports can come out of order, and a status never moves back (../leg-status.ts). */
  async statusReported(report: StatusReport): Promise<void> {
    if (report.messageSid !== '' && report.messageStatus !== '') {
      const found = await interactionByResource(this.db, report.messageSid);
      const reported = resourceStatus(report.messageStatus);
      // A report that beat Twilio's answer to the send waits for its SID (../message-sender.ts takes it).
      if (found === undefined) return keepEarlyReport(this.db, report.messageSid, reported, this.clock.now());
      const status = laterStatus(found.row, found.leg, reported);
      await this.router.recordStatus(
        found.row,
        found.leg === 'outbound' ? { outbound_resource_status: status } : { inbound_resource_status: status },
      );
      return;
    }
    if (report.callSid === '') return;
    const found =
      report.interactionSid !== undefined
        ? await this.#bridgedLeg(report.interactionSid)
        : await interactionByResource(this.db, report.callSid);
    if (found === undefined) return;
    const status = resourceStatus(report.callStatus);
    const changes =
      found.leg === 'outbound'
        ? {
            outbound_resource_sid: report.callSid,
            outbound_resource_status: laterStatus(found.row, 'outbound', status),
            outbound_resource_url: callUrl(this.twilio, report.callSid),
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
