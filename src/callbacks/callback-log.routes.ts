// The callback log over HTTP, outside Twilio's /v1 (docs/callback-log.md): list, fetch, redeliver.
// Authenticated like /v1, scoped to the calling account, with every carrier.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Urls } from '../http/routing.js';
import { found, onlyMethods, pathOf } from '../http/routing.js';
import { buildMeta, parsePageRequest, toPage } from '../http/paging.js';
import { offsetOf } from '../common/paging.js';
import { toCallbackResource } from './callback-log.mapper.js';
import { CallbackList, CallbackParams, CallbackResource, ListCallbacksQuery } from './callback-log.schemas.js';
import type { CallbackLog } from './callback-log.service.js';

const CALLBACKS = '/parley/v1/Callbacks';
const CALLBACK = `${CALLBACKS}/:Sid`;
const REDELIVER = `${CALLBACK}/Redeliver`;

export function callbackLogRoutes(app: FastifyInstance, log: CallbackLog, urls: Urls): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(CALLBACKS, { schema: { querystring: ListCallbacksQuery, response: { 200: CallbackList } } }, async (request) => {
    const page = parsePageRequest(request.query);
    const { Kind: kind, Status: status } = request.query;
    const rows = await log.list(request.accountSid, { kind, status }, page);
    // The filters stay in the page links (meta), as the simulator's message log keeps To and From.
    const filters: Record<string, string> = {};
    if (kind !== undefined) filters.Kind = kind;
    if (status !== undefined) filters.Status = status;
    const pageOfRows = toPage(rows, page, offsetOf(page));
    const meta = buildMeta(
      'callbacks',
      urls.base(request) + pathOf(request),
      page,
      pageOfRows,
      (row) => [row.date_created, row.sid],
      filters,
    );
    return { callbacks: pageOfRows.items.map(toCallbackResource), meta };
  });

  api.get(CALLBACK, { schema: { params: CallbackParams, response: { 200: CallbackResource } } }, async (request) =>
    toCallbackResource(found(await log.fetch(request.accountSid, request.params.Sid), request)),
  );

  api.post(REDELIVER, { schema: { params: CallbackParams, response: { 200: CallbackResource } } }, async (request) =>
    toCallbackResource(found(await log.redeliver(request.accountSid, request.params.Sid), request)),
  );

  onlyMethods(app, CALLBACKS, ['GET']);
  onlyMethods(app, CALLBACK, ['GET']);
  onlyMethods(app, REDELIVER, ['POST']);
}
