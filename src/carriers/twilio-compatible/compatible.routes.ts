// A Twilio-compatible carrier's webhooks, each checked against its signature (the carrier's
// signing secret, the URL it called, the form parameters: CompatibleApi.signing), then handed to
// compatible-webhooks.service.ts. Point a number's "A message comes in" at
// /carriers/<carrier>/messages, "A call comes in" at /carriers/<carrier>/voice, and its status
// callbacks at /carriers/<carrier>/status (README, "Running on Twilio", "Running on SignalWire").

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import { signatureMatches } from '../../callbacks/signature.js';
import type { FormFields } from '../../http/form-body.js';
import type { Urls } from '../../http/routing.js';
import { onlyMethods } from '../../http/routing.js';
import { parsePhoneNumber } from '../../phone/phone-number.js';
import type { WebhookAnswer } from '../webhook-answers.repository.js';
import type { CompatibleWebhooks } from './compatible-webhooks.service.js';

function field(params: FormFields, name: string): string {
  const value = params[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Carriers send numbers in E.164 already; normalise anyway so lookups match the pool. */
function e164(value: string): string {
  return parsePhoneNumber(value, 'possible')?.e164 ?? value;
}

const send = (reply: FastifyReply, answer: WebhookAnswer) => reply.type(answer.content_type).send(answer.answer);

export function compatibleRoutes(app: FastifyInstance, webhooks: CompatibleWebhooks, urls: Urls): void {
  const { api } = webhooks;
  const base = `/carriers/${api.name}`;
  const verified = (request: FastifyRequest): FormFields => {
    const params = (request.body ?? {}) as FormFields;
    const url = urls.base(request) + request.url;
    // The first of the carrier's signature headers that the request carries is the one checked.
    const header = api.signing.headers.map((name) => request.headers[name]).find((value) => value !== undefined);
    if (!signatureMatches(api.signing.key, typeof header === 'string' ? header : undefined, url, params, api.signing.lists)) {
      throw new ApiError(80625, { detail: `It was checked against ${url}.` });
    }
    if (field(params, 'AccountSid') !== '' && field(params, 'AccountSid') !== api.accountSid) {
      throw new ApiError(80625, { detail: `The webhook is for another ${api.title} account.` });
    }
    return params;
  };

  app.post(`${base}/messages`, async (request, reply) => {
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

  app.post(`${base}/voice`, async (request, reply) => {
    const params = verified(request);
    const call = { sid: field(params, 'CallSid'), from: e164(field(params, 'From')), to: e164(field(params, 'To')) };
    return send(reply, await webhooks.callArrived(call));
  });

  app.post(`${base}/status`, async (request, reply) => {
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

  for (const path of ['messages', 'voice', 'status']) onlyMethods(app, `${base}/${path}`, ['POST']);
}
