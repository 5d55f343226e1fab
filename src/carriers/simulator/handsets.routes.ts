// The simulator's handsets over HTTP: a test texts or calls a number as a phone would, and reads
// what every phone received (handsets.service.ts). Same Basic auth as the API; on only with
// PARLEY_CARRIER=simulator.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { offsetOf } from '../../common/paging.js';
import { invalidParameter } from '../../errors/api-error.js';
import { buildMeta, parsePageRequest, toPage } from '../../http/paging.js';
import type { Urls } from '../../http/routing.js';
import { found, onlyMethods, pathOf } from '../../http/routing.js';
import { ListEnvelope } from '../../http/schema-kit.js';
import { parsePhoneNumber } from '../../phone/phone-number.js';
import { toCall, toMessage } from './handsets.mapper.js';
import {
  CallParams,
  CallResource,
  EndCallBody,
  ListMessagesQuery,
  MessageResource,
  PlaceCallBody,
  SendMessageBody,
} from './handsets.schemas.js';
import type { Handsets } from './handsets.service.js';

/**
 * A handset's number. Already in E.164 it is taken as it is (a simulated phone may have any
 * number, and this is the hot path of every simulated message); otherwise it must parse.
 */
export function number(name: string, value: string): string {
  if (/^\+[1-9]\d{6,14}$/.test(value)) return value;
  const parsed = parsePhoneNumber(value, 'possible');
  if (parsed === null) throw invalidParameter(name, `${name} must be a valid phone number in E.164 format, such as +14155551212`);
  return parsed.e164;
}

export function handsetRoutes(app: FastifyInstance, handsets: Handsets, urls: Urls): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/simulator/v1/Messages', { schema: { body: SendMessageBody, response: { 201: MessageResource } } }, async (request, reply) => {
    const text = {
      from: number('From', request.body.From),
      to: number('To', request.body.To),
      body: request.body.Body ?? '',
      mediaUrls: (request.body.MediaUrl ?? []).filter((url) => url !== ''),
    };
    return reply.code(201).send(toMessage(await handsets.text(request.accountSid, text)));
  });

  api.get(
    '/simulator/v1/Messages',
    { schema: { querystring: ListMessagesQuery, response: { 200: ListEnvelope('messages', MessageResource) } } },
    async (request) => {
      const page = parsePageRequest(request.query);
      const filter = {
        to: request.query.To ? number('To', request.query.To) : undefined,
        from: request.query.From ? number('From', request.query.From) : undefined,
      };
      const pageOfRows = toPage(await handsets.messages(request.accountSid, filter, page), page, offsetOf(page));
      const filters = Object.fromEntries(Object.entries({ To: filter.to, From: filter.from }).filter(([, v]) => v !== undefined));
      const listUrl = urls.base(request) + pathOf(request);
      const meta = buildMeta(
        'messages',
        listUrl,
        page,
        pageOfRows,
        (row) => [row.date_created, row.sid],
        filters as Record<string, string>,
      );
      return { messages: pageOfRows.items.map(toMessage), meta };
    },
  );

  api.post('/simulator/v1/Calls', { schema: { body: PlaceCallBody, response: { 201: CallResource } } }, async (request, reply) => {
    const call = await handsets.call(request.accountSid, number('From', request.body.From), number('To', request.body.To));
    return reply.code(201).send(toCall(call));
  });

  const callOf = async (request: FastifyRequest) =>
    found(await handsets.findCall(request.accountSid, (request.params as { CallSid: string }).CallSid), request);

  api.get('/simulator/v1/Calls/:CallSid', { schema: { params: CallParams, response: { 200: CallResource } } }, async (request) =>
    toCall(await callOf(request)),
  );

  api.post(
    '/simulator/v1/Calls/:CallSid',
    { schema: { params: CallParams, body: EndCallBody, response: { 200: CallResource } } },
    async (request) => toCall(await handsets.endCall(await callOf(request), request.body.Status)),
  );

  onlyMethods(app, '/simulator/v1/Messages', ['GET', 'POST']);
  onlyMethods(app, '/simulator/v1/Calls', ['POST']);
  onlyMethods(app, '/simulator/v1/Calls/:CallSid', ['GET', 'POST']);
}
