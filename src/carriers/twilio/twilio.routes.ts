// Twilio's webhooks, each checked against X-Twilio-Signature (PARLEY_TWILIO_AUTH_TOKEN, the URL
// Twilio called, the form parameters), then handed to twilio-webhooks.service.ts. Point a number's
// "A message comes in" at /carriers/twilio/messages, "A call comes in" at /carriers/twilio/voice,
// and its status callbacks at /carriers/twilio/status (README, "Running on Twilio").

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { ApiError } from '../../errors/api-error.js';
import { signatureMatches } from '../../callbacks/signature.js';
import type { FormParams } from '../../callbacks/signature.js';
import type { FormFields } from '../../http/form-body.js';
import type { Urls } from '../../http/routing.js';
import { onlyMethods } from '../../http/routing.js';
import { parsePhoneNumber } from '../../phone/phone-number.js';
import type { WebhookAnswer } from '../webhook-answers.repository.js';
import type { TwilioWebhooks } from './twilio-webhooks.service.js';

type TwilioSettings = NonNullable<Config['twilio']>;

function field(params: FormFields, name: string): string {
  const value = params[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Twilio sends numbers in E.164 already; normalise anyway so lookups match the pool. */
function e164(value: string): string {
  return parsePhoneNumber(value, 'possible')?.e164 ?? value;
}

const send = (reply: FastifyReply, answer: WebhookAnswer) => reply.type(answer.content_type).send(answer.answer);

export function twilioRoutes(app: FastifyInstance, webhooks: TwilioWebhooks, twilio: TwilioSettings, urls: Urls): void {
  const verified = (request: FastifyRequest): FormFields => {
    const params = (request.body ?? {}) as FormFields;
    const url = urls.base(request) + request.url;
    const signature = request.headers['x-twilio-signature'];
    if (!signatureMatches(twilio.authToken, typeof signature === 'string' ? signature : undefined, url, params as FormParams)) {
      throw new ApiError(80625, { detail: `It was checked against ${url}.` });
    }
    if (field(params, 'AccountSid') !== '' && field(params, 'AccountSid') !== twilio.accountSid) {
      throw new ApiError(80625, { detail: 'The webhook is for another Twilio account.' });
    }
    return params;
  };

  app.post('/carriers/twilio/messages', async (request, reply) => {
    const params = verified(request);
    const count = Number(field(params, 'NumMedia') || '0');
    const media = Array.from({ length: Number.isInteger(count) ? Math.min(count, 10) : 0 }, (_, i) => field(params, `MediaUrl${i}`));
    const message = {
      sid: field(params, 'MessageSid'),
      from: e164(field(params, 'From')),
      to: e164(field(params, 'To')),
      body: field(params, 'Body'),
      mediaUrls: media.filter(Boolean),
    };
    return send(reply, await webhooks.messageArrived(message));
  });

  app.post('/carriers/twilio/voice', async (request, reply) => {
    const params = verified(request);
    const call = { sid: field(params, 'CallSid'), from: e164(field(params, 'From')), to: e164(field(params, 'To')) };
    return send(reply, await webhooks.callArrived(call));
  });

  app.post('/carriers/twilio/status', async (request, reply) => {
    const params = verified(request);
    await webhooks.statusReported({
      messageSid: field(params, 'MessageSid'),
      messageStatus: field(params, 'MessageStatus'),
      callSid: field(params, 'CallSid'),
      callStatus: field(params, 'CallStatus'),
      duration: field(params, 'CallDuration'),
      interactionSid: (request.query as Record<string, string | undefined>).Interaction || undefined,
    });
    return reply.code(204).send();
  });

  for (const path of ['/carriers/twilio/messages', '/carriers/twilio/voice', '/carriers/twilio/status']) onlyMethods(app, path, ['POST']);
}
