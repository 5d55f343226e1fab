import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parsePageRequest } from '../../http/paging.js';
import { joinedJson, splitJoinedLists } from '../../http/joined-lists.js';
import { optionalDateTime, optionalInteger, optionalText } from '../../http/params.js';
import type { Urls } from '../../http/routing.js';
import { found, listBody, onlyMethods, resourceNotFound, serviceKeyOf } from '../../http/routing.js';
import { PagingQuery } from '../../http/schema-kit.js';
import { ServiceSidParams } from '../services/services.schemas.js';
import type { ServicesService } from '../services/services.service.js';
import { parseParticipants } from './session-participants.js';
import { toSessionResource } from './sessions.mapper.js';
import { CreateSessionBody, SessionList, SessionParams, SessionResource, UpdateSessionBody } from './sessions.schemas.js';
import type { SessionsService } from './sessions.service.js';

const LIST = '/v1/Services/:ServiceSid/Sessions';
const INSTANCE = '/v1/Services/:ServiceSid/Sessions/:Sid';

export function sessionsRoutes(app: FastifyInstance, services: ServicesService, sessions: SessionsService, urls: Urls): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  // Reads and deletes need only the key: a session of a missing service is not found either.
  const keyOf = serviceKeyOf;
  const parent = async (request: FastifyRequest) => {
    const key = keyOf(request);
    return found(await services.get(key.accountSid, key.serviceSid), request);
  };

  api.post(
    LIST,
    {
      schema: { params: ServiceSidParams, body: CreateSessionBody, response: { 201: SessionResource } },
      preValidation: splitJoinedLists({ Participants: joinedJson }),
    },
    async (request, reply) => {
      const body = request.body;
      const input = {
        uniqueName: optionalText(body.UniqueName),
        dateExpiry: optionalDateTime('DateExpiry', body.DateExpiry),
        ttl: optionalInteger('Ttl', body.Ttl),
        mode: body.Mode,
        status: body.Status,
        participants: parseParticipants(body.Participants ?? [], bracketedParticipant(body)),
      };
      const row = await sessions.create(await parent(request), input);
      return reply.code(201).send(toSessionResource(row, urls.base(request)));
    },
  );

  api.get(LIST, { schema: { params: ServiceSidParams, querystring: PagingQuery, response: { 200: SessionList } } }, async (request) => {
    const page = parsePageRequest(request.query);
    const rows = found(await sessions.list(keyOf(request), page), request);
    const base = urls.base(request);
    return listBody('sessions', request, base, page, rows, (row) => toSessionResource(row, base));
  });

  api.get(INSTANCE, { schema: { params: SessionParams, response: { 200: SessionResource } } }, async (request) => {
    const row = found(await sessions.fetch(keyOf(request), request.params.Sid), request);
    return toSessionResource(row, urls.base(request));
  });

  api.post(
    INSTANCE,
    { schema: { params: SessionParams, body: UpdateSessionBody, response: { 200: SessionResource } } },
    async (request) => {
      const body = request.body;
      const changes = {
        dateExpiry: optionalDateTime('DateExpiry', body.DateExpiry),
        ttl: optionalInteger('Ttl', body.Ttl),
        status: body.Status,
      };
      const row = found(await sessions.update(keyOf(request), request.params.Sid, changes), request);
      return toSessionResource(row, urls.base(request));
    },
  );

  api.delete(INSTANCE, { schema: { params: SessionParams } }, async (request, reply) => {
    if (!(await sessions.remove(keyOf(request), request.params.Sid))) throw resourceNotFound(request);
    return reply.code(204).send();
  });

  onlyMethods(app, LIST, ['GET', 'POST']);
  onlyMethods(app, INSTANCE, ['GET', 'POST', 'DELETE']);
}

/** twilio-node sends a single non-array participant object as Participants[Identifier]=…. */
function bracketedParticipant(body: object): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!key.startsWith('Participants[')) continue;
    const match = /^Participants\[(\w+)\]$/.exec(key);
    if (match && typeof value === 'string') fields[match[1]!] = value;
  }
  return fields;
}
