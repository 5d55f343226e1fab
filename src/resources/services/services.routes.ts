import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { missingParameter } from '../../errors/api-error.js';
import { parsePageRequest } from '../../http/paging.js';
import { optionalInteger, optionalText } from '../../http/params.js';
import type { Urls } from '../../http/routing.js';
import { found, listBody, onlyMethods, resourceNotFound } from '../../http/routing.js';
import { PagingQuery } from '../../http/schema-kit.js';
import { toServiceResource } from './services.mapper.js';
import type { ServiceChanges, ServicesService } from './services.service.js';
import { CreateServiceBody, ServiceList, ServiceParams, ServiceResource, UpdateServiceBody } from './services.schemas.js';

export function servicesRoutes(app: FastifyInstance, services: ServicesService, urls: Urls): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post('/v1/Services', { schema: { body: CreateServiceBody, response: { 201: ServiceResource } } }, async (request, reply) => {
    const changes = toChanges(request.body);
    if (!changes.uniqueName) throw missingParameter('UniqueName');
    const row = await services.create(request.accountSid, { ...changes, uniqueName: changes.uniqueName });
    return reply.code(201).send(toServiceResource(row, urls.base(request)));
  });

  api.get('/v1/Services', { schema: { querystring: PagingQuery, response: { 200: ServiceList } } }, async (request) => {
    const page = parsePageRequest(request.query);
    const rows = await services.list(request.accountSid, page);
    const base = urls.base(request);
    return listBody('services', request, base, page, rows, (row) => toServiceResource(row, base));
  });

  api.get('/v1/Services/:Sid', { schema: { params: ServiceParams, response: { 200: ServiceResource } } }, async (request) => {
    const row = found(await services.fetch(request.accountSid, request.params.Sid), request);
    return toServiceResource(row, urls.base(request));
  });

  api.post(
    '/v1/Services/:Sid',
    { schema: { params: ServiceParams, body: UpdateServiceBody, response: { 200: ServiceResource } } },
    async (request) => {
      const changes = toChanges(request.body);
      if (changes.uniqueName === null) throw missingParameter('UniqueName');
      const row = found(await services.update(request.accountSid, request.params.Sid, changes as ServiceChanges), request);
      return toServiceResource(row, urls.base(request));
    },
  );

  api.delete('/v1/Services/:Sid', { schema: { params: ServiceParams } }, async (request, reply) => {
    if (!(await services.remove(request.accountSid, request.params.Sid))) throw resourceNotFound(request);
    return reply.code(204).send();
  });

  onlyMethods(app, '/v1/Services', ['GET', 'POST']);
  onlyMethods(app, '/v1/Services/:Sid', ['GET', 'POST', 'DELETE']);
}

/** Form fields → domain changes; '' clears an optional URL or SID (twilio-node sends `Key=` for null). */
function toChanges(body: UpdateServiceBody) {
  return {
    uniqueName: optionalText(body.UniqueName),
    defaultTtl: optionalInteger('DefaultTtl', body.DefaultTtl),
    callbackUrl: optionalText(body.CallbackUrl),
    geoMatchLevel: body.GeoMatchLevel,
    numberSelectionBehavior: body.NumberSelectionBehavior,
    interceptCallbackUrl: optionalText(body.InterceptCallbackUrl),
    outOfSessionCallbackUrl: optionalText(body.OutOfSessionCallbackUrl),
    chatInstanceSid: optionalText(body.ChatInstanceSid),
  };
}
