import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { parsePageRequest } from '../../http/paging.js';
import { optionalText } from '../../http/params.js';
import type { Urls } from '../../http/routing.js';
import { found, listBody, onlyMethods, resourceNotFound, serviceKeyOf } from '../../http/routing.js';
import { PagingQuery } from '../../http/schema-kit.js';
import { toParticipantResource } from './participants.mapper.js';
import {
  CreateParticipantBody,
  ParticipantList,
  ParticipantParams,
  ParticipantResource,
  SessionSidParams,
} from './participants.schemas.js';
import type { ParticipantsService } from './participants.service.js';

const LIST = '/v1/Services/:ServiceSid/Sessions/:SessionSid/Participants';
const INSTANCE = '/v1/Services/:ServiceSid/Sessions/:SessionSid/Participants/:Sid';

export function participantsRoutes(app: FastifyInstance, participants: ParticipantsService, urls: Urls): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    LIST,
    { schema: { params: SessionSidParams, body: CreateParticipantBody, response: { 201: ParticipantResource } } },
    async (request, reply) => {
      const body = request.body;
      const input = {
        identifier: body.Identifier,
        friendlyName: optionalText(body.FriendlyName) ?? undefined,
        proxyIdentifier: optionalText(body.ProxyIdentifier) ?? undefined,
        proxyIdentifierSid: optionalText(body.ProxyIdentifierSid) ?? undefined,
      };
      const row = found(await participants.create(serviceKeyOf(request), request.params.SessionSid, input), request);
      return reply.code(201).send(toParticipantResource(row, urls.base(request)));
    },
  );

  api.get(LIST, { schema: { params: SessionSidParams, querystring: PagingQuery, response: { 200: ParticipantList } } }, async (request) => {
    const page = parsePageRequest(request.query);
    const rows = found(await participants.list(serviceKeyOf(request), request.params.SessionSid, page), request);
    const base = urls.base(request);
    return listBody('participants', request, base, page, rows, (row) => toParticipantResource(row, base));
  });

  api.get(INSTANCE, { schema: { params: ParticipantParams, response: { 200: ParticipantResource } } }, async (request) => {
    const { SessionSid, Sid } = request.params;
    const row = found(await participants.fetch(serviceKeyOf(request), SessionSid, Sid), request);
    return toParticipantResource(row, urls.base(request));
  });

  api.delete(INSTANCE, { schema: { params: ParticipantParams } }, async (request, reply) => {
    const { SessionSid, Sid } = request.params;
    if (!(await participants.remove(serviceKeyOf(request), SessionSid, Sid))) throw resourceNotFound(request);
    return reply.code(204).send();
  });

  onlyMethods(app, LIST, ['GET', 'POST']);
  onlyMethods(app, INSTANCE, ['GET', 'DELETE']);
}
