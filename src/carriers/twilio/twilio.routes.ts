// Twilio's webhooks, each checked against X-Twilio-Signature (PARLEY_TWILIO_AUTH_TOKEN, the URL
// Twilio called, the form parameters). Point a number's "A message comes in" at
// /carriers/twilio/messages, "A call comes in" at /carriers/twilio/voice, and its status callbacks
// at /carriers/twilio/status (README, "Running on Twilio").

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../common/clock.js';
import type { Config } from '../../config.js';
import { ApiError } from '../../errors/api-error.js';
import { signatureMatches } from '../../callbacks/signature.js';
import type { FormParams } from '../../callbacks/signature.js';
import type { FormFields } from '../../http/form-body.js';
import type { Urls } from '../../http/routing.js';
import { onlyMethods } from '../../http/routing.js';
import { parsePhoneNumber } from '../../phone/phone-number.js';
import { findByResource, findInteractionBySid } from '../../resources/interactions/interactions.repository.js';
import type { Router, Routed } from '../../routing/router.js';
import type { WebhookAnswer } from '../webhook-answers.repository.js';
import { WebhookReplay } from '../webhook-replay.js';
import { messageUrl } from './twilio.carrier.js';
import { keepEarlyReport } from './carrier-status.repository.js';
import { laterStatus, resourceStatus } from './twilio-status.js';
import type { Db } from '../../db/unit-of-work.js';

type TwilioSettings = NonNullable<Config['twilio']>;

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function field(params: FormFields, name: string): string {
  const value = params[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Twilio sends numbers in E.164 already; normalise anyway so lookups match the pool. */
function e164(value: string): string {
  return parsePhoneNumber(value)?.e164 ?? value;
}

export function twilioRoutes(app: FastifyInstance, db: Db, clock: Clock, router: Router, twilio: TwilioSettings, urls: Urls): void {
  const verified = (request: FastifyRequest): FormFields => {
    const params = (request.body ?? {}) as FormFields;
    const url = urls.base(request) + request.url;
    const signature = request.headers['x-twilio-signature'];
    if (!signatureMatches(twilio.authToken, typeof signature === 'string' ? signature : undefined, url, params as FormParams)) {
      throw new ApiError(80625, `Unauthorized Request. Signature is missing or is invalid for ${url}`);
    }
    if (field(params, 'AccountSid') !== '' && field(params, 'AccountSid') !== twilio.accountSid) {
      throw new ApiError(80625, 'Unauthorized Request. The webhook is for another Twilio account');
    }
    return params;
  };
  const twiml = (xml: string): WebhookAnswer => ({ content_type: 'text/xml; charset=utf-8', answer: xml });

  const replay = new WebhookReplay(db, clock, 'twilio');
  const send = (reply: FastifyReply, answer: WebhookAnswer) => reply.type(answer.content_type).send(answer.answer);

  app.post('/carriers/twilio/messages', async (request, reply) => {
    const params = verified(request);
    const count = Number(field(params, 'NumMedia') || '0');
    const mediaUrls = Array.from({ length: Number.isInteger(count) ? Math.min(count, 10) : 0 }, (_, i) =>
      field(params, `MediaUrl${i}`),
    ).filter(Boolean);
    const sid = field(params, 'MessageSid');
    const message = {
      accountSid: null,
      from: e164(field(params, 'From')),
      to: e164(field(params, 'To')),
      body: field(params, 'Body'),
      mediaUrls,
      resourceSid: sid,
      resourceUrl: sid === '' ? null : messageUrl(twilio, sid),
    };
    const answer = await replay.answer(
      sid,
      (also) => router.routeMessage(message, also),
      (routed) => twiml(routed.outOfSession?.twiml ?? EMPTY_TWIML),
    );
    return send(reply, answer);
  });

  app.post('/carriers/twilio/voice', async (request, reply) => {
    const params = verified(request);
    const callSid = field(params, 'CallSid');
    const call = {
      accountSid: null,
      from: e164(field(params, 'From')),
      to: e164(field(params, 'To')),
      resourceSid: callSid,
      resourceUrl: `${twilio.apiUrl}/2010-04-01/Accounts/${twilio.accountSid}/Calls/${callSid}.json`,
      outboundResourceSid: null,
      outboundStatus: 'initiated',
    };
    const answerOf = (routed: Routed): WebhookAnswer => {
      if (routed.bridge === null || routed.interaction === null) {
        return twiml(routed.outOfSession?.twiml ?? '<?xml version="1.0" encoding="UTF-8"?><Response><Reject/></Response>');
      }
      // The partner's leg reports to the status route, which learns its Call SID from it.
      const statusUrl = `${urls.base(request)}/carriers/twilio/status?Interaction=${routed.interaction.sid}`;
      return twiml(
        '<?xml version="1.0" encoding="UTF-8"?><Response>' +
          `<Dial callerId="${escapeXml(routed.bridge.from)}">` +
          `<Number statusCallback="${escapeXml(statusUrl)}" statusCallbackEvent="initiated ringing answered completed">${escapeXml(routed.bridge.to)}</Number>` +
          '</Dial></Response>',
      );
    };
    return send(reply, await replay.answer(callSid, (also) => router.routeCall(call, also), answerOf));
  });

  app.post('/carriers/twilio/status', async (request, reply) => {
    const params = verified(request);
    const query = request.query as Record<string, string | undefined>;
    const messageSid = field(params, 'MessageSid');
    const callSid = field(params, 'CallSid');
    if (messageSid !== '' && field(params, 'MessageStatus') !== '') {
      const found = await findByResource(db, messageSid);
      const reported = resourceStatus(field(params, 'MessageStatus'));
      if (found === undefined) {
        await keepEarlyReport(db, messageSid, reported, clock.now());
      } else {
        const status = laterStatus(found.row, found.leg, reported);
        await router.recordStatus(
          found.row,
          found.leg === 'outbound' ? { outbound_resource_status: status } : { inbound_resource_status: status },
        );
      }
    } else if (callSid !== '') {
      const status = resourceStatus(field(params, 'CallStatus'));
      const duration = field(params, 'CallDuration');
      const interactionSid = query.Interaction;
      const found = interactionSid ? await findOutboundLeg(db, interactionSid) : await findByResource(db, callSid);
      if (found !== undefined) {
        const changes =
          found.leg === 'outbound'
            ? {
                outbound_resource_sid: callSid,
                outbound_resource_status: laterStatus(found.row, 'outbound', status),
                outbound_resource_url: `${twilio.apiUrl}/2010-04-01/Accounts/${twilio.accountSid}/Calls/${callSid}.json`,
              }
            : { inbound_resource_status: laterStatus(found.row, 'inbound', status) };
        await router.recordStatus(found.row, duration === '' ? changes : { ...changes, data: JSON.stringify({ duration }) });
      }
    }
    return reply.code(204).send();
  });

  for (const path of ['/carriers/twilio/messages', '/carriers/twilio/voice', '/carriers/twilio/status']) onlyMethods(app, path, ['POST']);
}

/** The <Number> leg of a bridged call reports with the interaction's SID in its URL. */
async function findOutboundLeg(db: Db, interactionSid: string) {
  const row = await findInteractionBySid(db, interactionSid);
  return row === undefined ? undefined : { row, leg: 'outbound' as const };
}
