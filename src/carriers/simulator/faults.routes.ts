// Faults on demand over HTTP (faults.service.ts): make the next deliveries to a number fail, list
// the account's pending faults, clear them. Same Basic auth as the API; simulator only.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { optionalInteger } from '../../http/params.js';
import { onlyMethods } from '../../http/routing.js';
import { MAX_FAULT_COUNT } from './faults.model.js';
import type { FaultChannel } from './faults.model.js';
import { toFault } from './faults.mapper.js';
import { CreateFaultBody, FaultList, FaultResource } from './faults.schemas.js';
import type { Faults } from './faults.service.js';
import { number } from './handsets.routes.js';

const FAULTS = '/simulator/v1/Faults';

export function faultRoutes(app: FastifyInstance, faults: Faults): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(FAULTS, { schema: { body: CreateFaultBody, response: { 201: FaultResource } } }, async (request, reply) => {
    const body = request.body;
    const fault = await faults.create(request.accountSid, {
      number: number('Number', body.Number),
      channel: body.Channel as FaultChannel,
      outcome: body.Outcome,
      errorCode: optionalInteger('ErrorCode', body.ErrorCode, 99_999),
      count: optionalInteger('Count', body.Count, MAX_FAULT_COUNT),
    });
    return reply.code(201).send(toFault(fault));
  });

  api.get(FAULTS, { schema: { response: { 200: FaultList } } }, async (request) => ({
    faults: (await faults.list(request.accountSid)).map(toFault),
  }));

  api.delete(FAULTS, async (request, reply) => {
    await faults.clear(request.accountSid);
    return reply.code(204).send();
  });

  onlyMethods(app, FAULTS, ['GET', 'POST', 'DELETE']);
}
