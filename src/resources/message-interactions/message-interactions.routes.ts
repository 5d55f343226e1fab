import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { joinedUrls, splitJoinedLists } from '../../http/joined-lists.js';
import { parsePageRequest } from '../../http/paging.js';
import type { Urls } from '../../http/routing.js';
import { found, listBody, onlyMethods, serviceKeyOf } from '../../http/routing.js';
import { PagingQuery } from '../../http/schema-kit.js';
import { toMessageInteractionResource } from './message-interactions.mapper.js';
import {
  CreateMessageInteractionBody,
  MessageInteractionList,
  MessageInteractionParams,
  MessageInteractionResource,
  ParticipantSidParams,
} from './message-interactions.schemas.js';
import type { MessageInteractionsService } from './message-interactions.service.js';

const MESSAGES = '/v1/Services/:ServiceSid/Sessions/:SessionSid/Participants/:ParticipantSid/MessageInteractions';
const MESSAGE = `${MESSAGES}/:Sid`;

export function messageInteractionsRoutes(app: FastifyInstance, messages: MessageInteractionsService, urls: Urls): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    MESSAGES,
    {
      schema: { params: ParticipantSidParams, body: CreateMessageInteractionBody, response: { 201: MessageInteractionResource } },
      preValidation: splitJoinedLists({ MediaUrl: joinedUrls }),
    },
    async (request, reply) => {
      const { SessionSid, ParticipantSid } = request.params;
      const message = { body: request.body.Body ?? '', mediaUrls: (request.body.MediaUrl ?? []).filter((url) => url !== '') };
      const row = found(await messages.send(serviceKeyOf(request), SessionSid, ParticipantSid, message), request);
      return reply.code(201).send(toMessageInteractionResource(row, urls.base(request)));
    },
  );

  api.get(
    MESSAGES,
    { schema: { params: ParticipantSidParams, querystring: PagingQuery, response: { 200: MessageInteractionList } } },
    async (request) => {
      const page = parsePageRequest(request.query);
      const { SessionSid, ParticipantSid } = request.params;
      const rows = found(await messages.list(serviceKeyOf(request), SessionSid, ParticipantSid, page), request);
      const base = urls.base(request);
      return listBody('interactions', request, base, page, rows, (row) => toMessageInteractionResource(row, base));
    },
  );

  api.get(MESSAGE, { schema: { params: MessageInteractionParams, response: { 200: MessageInteractionResource } } }, async (request) => {
    const { SessionSid, ParticipantSid, Sid } = request.params;
    const row = found(await messages.fetch(serviceKeyOf(request), SessionSid, ParticipantSid, Sid), request);
    return toMessageInteractionResource(row, urls.base(request));
  });

  onlyMethods(app, MESSAGES, ['GET', 'POST']);
  onlyMethods(app, MESSAGE, ['GET']);
}
