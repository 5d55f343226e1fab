import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { parsePageRequest } from '../../http/paging.js';
import type { Urls } from '../../http/routing.js';
import { found, listBody, onlyMethods, resourceNotFound, serviceKeyOf } from '../../http/routing.js';
import { PagingQuery } from '../../http/schema-kit.js';
import { SessionSidParams } from '../participants/participants.schemas.js';
import { toInteractionResource } from './interactions.mapper.js';
import { InteractionList, InteractionParams, InteractionResource } from './interactions.schemas.js';
import type { InteractionsService } from './interactions.service.js';

const INTERACTIONS = '/v1/Services/:ServiceSid/Sessions/:SessionSid/Interactions';
const INTERACTION = `${INTERACTIONS}/:Sid`;

export function interactionsRoutes(app: FastifyInstance, interactions: InteractionsService, urls: Urls): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    INTERACTIONS,
    { schema: { params: SessionSidParams, querystring: PagingQuery, response: { 200: InteractionList } } },
    async (request) => {
      const page = parsePageRequest(request.query);
      const rows = found(await interactions.list(serviceKeyOf(request), request.params.SessionSid, page), request);
      const base = urls.base(request);
      return listBody('interactions', request, base, page, rows, (row) => toInteractionResource(row, base));
    },
  );

  api.get(INTERACTION, { schema: { params: InteractionParams, response: { 200: InteractionResource } } }, async (request) => {
    const row = found(await interactions.fetch(serviceKeyOf(request), request.params.SessionSid, request.params.Sid), request);
    return toInteractionResource(row, urls.base(request));
  });

  api.delete(INTERACTION, { schema: { params: InteractionParams } }, async (request, reply) => {
    if (!(await interactions.remove(serviceKeyOf(request), request.params.SessionSid, request.params.Sid))) throw resourceNotFound(request);
    return reply.code(204).send();
  });

  onlyMethods(app, INTERACTIONS, ['GET']);
  onlyMethods(app, INTERACTION, ['GET', 'DELETE']);
}
