// Telnyx's webhooks, each checked against its Ed25519 signature over the raw body and a recent
// timestamp (telnyx-signature.ts), then handed to telnyx-webhooks.service.ts. The Messaging API
// posts JSON to /carriers/telnyx/messaging (the messaging profile's webhook URL, and each sent
// message's webhook_url); TeXML posts forms to /carriers/telnyx/voice (the application's voice URL)
// and /carriers/telnyx/status (its status callback, and each bridged leg's). README, "Running on
// Telnyx". The signature is over the bytes as sent, so these routes take their bodies raw, in a
// scope of their own: everywhere else only forms are parsed.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import { parseFormBuffer } from '../../http/form-body.js';
import type { FormFields } from '../../http/form-body.js';
import { onlyMethods } from '../../http/routing.js';
import { parsePhoneNumber } from '../../phone/phone-number.js';
import type { WebhookAnswer } from '../webhook-answers.repository.js';
import type { TelnyxWebhooks } from './telnyx-webhooks.service.js';

const PATHS = ['/carriers/telnyx/messaging', '/carriers/telnyx/voice', '/carriers/telnyx/status'];

/** Telnyx sends numbers in E.164 already; normalise anyway so lookups match the pool. */
function e164(value: unknown): string {
  return typeof value === 'string' ? (parsePhoneNumber(value, 'possible')?.e164 ?? value) : '';
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function field(params: FormFields, name: string): string {
  const value = params[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

const send = (reply: FastifyReply, answer: WebhookAnswer) => reply.type(answer.content_type).send(answer.answer);

/** A messaging event, as much of it as Parley reads. */
interface MessagingEvent {
  data?: {
    event_type?: unknown;
    payload?: {
      id?: unknown;
      from?: { phone_number?: unknown };
      to?: Array<{ phone_number?: unknown; status?: unknown }>;
      text?: unknown;
      media?: Array<{ url?: unknown }>;
    };
  };
}

export function telnyxRoutes(app: FastifyInstance, webhooks: TelnyxWebhooks): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );

    /** The raw body, once its signature and timestamp check out; 403/80625 otherwise. */
    const verified = (request: FastifyRequest): Buffer => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const headers = request.headers;
      const problem = webhooks.signature.problem(headers['telnyx-signature-ed25519'], headers['telnyx-timestamp'], raw);
      if (problem !== null) throw new ApiError(80625, { detail: problem });
      return raw;
    };

    scope.post('/carriers/telnyx/messaging', async (request, reply) => {
      const raw = verified(request);
      let event: MessagingEvent;
      try {
        event = JSON.parse(raw.toString('utf8')) as MessagingEvent;
      } catch {
        throw new ApiError(70002, { detail: 'the webhook body is not JSON' });
      }
      const payload = event.data?.payload ?? {};
      const to = Array.isArray(payload.to) ? payload.to : [];
      const type = event.data?.event_type;
      if (type === 'message.received') {
        const media = Array.isArray(payload.media) ? payload.media : [];
        const message = {
          id: text(payload.id),
          from: e164(payload.from?.phone_number),
          to: e164(to[0]?.phone_number),
          body: text(payload.text),
          mediaUrls: media.map((medium) => text(medium?.url)).filter(Boolean),
        };
        return send(reply, await webhooks.messageArrived(message));
      }
      // message.sent, message.finalized: the status of the message's one recipient.
      if (type === 'message.sent' || type === 'message.finalized') await webhooks.messageReported(text(payload.id), text(to[0]?.status));
      return reply.code(204).send();
    });

    scope.post('/carriers/telnyx/voice', async (request, reply) => {
      const params = parseFormBuffer(verified(request));
      const call = {
        callSid: field(params, 'CallSid'),
        accountSid: field(params, 'AccountSid'),
        from: e164(field(params, 'From')),
        to: e164(field(params, 'To')),
      };
      return send(reply, await webhooks.callArrived(call));
    });

    scope.post('/carriers/telnyx/status', async (request, reply) => {
      const params = parseFormBuffer(verified(request));
      await webhooks.callReported({
        callSid: field(params, 'CallSid'),
        parentCallSid: field(params, 'ParentCallSid'),
        accountSid: field(params, 'AccountSid'),
        status: field(params, 'CallStatus'),
        duration: field(params, 'CallDuration'),
      });
      return reply.code(204).send();
    });

    for (const path of PATHS) onlyMethods(scope, path, ['POST']);
  });
}
