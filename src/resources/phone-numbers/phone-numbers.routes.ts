import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { parsePageRequest } from '../../http/paging.js';
import { optionalBoolean } from '../../http/params.js';
import type { Urls } from '../../http/routing.js';
import { found, listBody, onlyMethods, resourceNotFound, serviceKeyOf } from '../../http/routing.js';
import { PagingQuery } from '../../http/schema-kit.js';
import type { ServicesService } from '../services/services.service.js';
import { ServiceSidParams } from '../services/services.schemas.js';
import { toPhoneNumberResource } from './phone-numbers.mapper.js';
import {
  CreatePhoneNumberBody,
  PhoneNumberList,
  PhoneNumberParams,
  PhoneNumberResource,
  UpdatePhoneNumberBody,
} from './phone-numbers.schemas.js';
import type { PhoneNumbersService } from './phone-numbers.service.js';

const LIST = '/v1/Services/:ServiceSid/PhoneNumbers';
const INSTANCE = '/v1/Services/:ServiceSid/PhoneNumbers/:Sid';

export function phoneNumbersRoutes(app: FastifyInstance, services: ServicesService, numbers: PhoneNumbersService, urls: Urls): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    LIST,
    { schema: { params: ServiceSidParams, body: CreatePhoneNumberBody, response: { 201: PhoneNumberResource } } },
    async (request, reply) => {
      const key = serviceKeyOf(request);
      const service = found(await services.get(key.accountSid, key.serviceSid), request);
      const body = request.body;
      const row = await numbers.create(service, {
        sid: body.Sid || undefined,
        phoneNumber: body.PhoneNumber || undefined,
        isReserved: optionalBoolean(body.IsReserved),
        capabilities: body.Capabilities,
      });
      return reply.code(201).send(toPhoneNumberResource(row, urls.base(request)));
    },
  );

  api.get(LIST, { schema: { params: ServiceSidParams, querystring: PagingQuery, response: { 200: PhoneNumberList } } }, async (request) => {
    const page = parsePageRequest(request.query);
    const rows = found(await numbers.list(serviceKeyOf(request), page), request);
    const base = urls.base(request);
    return listBody('phone_numbers', request, base, page, rows, (row) => toPhoneNumberResource(row, base));
  });

  api.get(INSTANCE, { schema: { params: PhoneNumberParams, response: { 200: PhoneNumberResource } } }, async (request) => {
    const row = found(await numbers.fetch(serviceKeyOf(request), request.params.Sid), request);
    return toPhoneNumberResource(row, urls.base(request));
  });

  api.post(
    INSTANCE,
    { schema: { params: PhoneNumberParams, body: UpdatePhoneNumberBody, response: { 200: PhoneNumberResource } } },
    async (request) => {
      const changes = { isReserved: optionalBoolean(request.body.IsReserved) };
      const row = found(await numbers.update(serviceKeyOf(request), request.params.Sid, changes), request);
      return toPhoneNumberResource(row, urls.base(request));
    },
  );

  api.delete(INSTANCE, { schema: { params: PhoneNumberParams } }, async (request, reply) => {
    if (!(await numbers.remove(serviceKeyOf(request), request.params.Sid))) throw resourceNotFound(request);
    return reply.code(204).send();
  });

  onlyMethods(app, LIST, ['GET', 'POST']);
  onlyMethods(app, INSTANCE, ['GET', 'POST', 'DELETE']);
}
