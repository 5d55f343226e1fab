import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, notFound } from '../errors/api-error.js';
import type { ListMeta } from './paging.js';
import { buildMeta, toPage } from './paging.js';
import { offsetOf } from '../common/paging.js';
import type { PageRequest } from '../common/paging.js';
import { publicBaseUrl } from './public-url.js';
import { isSid } from '../common/sids.js';
import type { ServiceKey } from '../common/service-key.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Answers 405 (with Allow) for every method a known path does not serve. */
export function onlyMethods(app: FastifyInstance, url: string, allowed: ReadonlyArray<(typeof METHODS)[number]>): void {
  const others = METHODS.filter((method) => !allowed.includes(method));
  const allow = allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed;
  app.route({
    method: others,
    url,
    handler: async (request) => {
      throw new ApiError(20004, { values: { method: request.method, path: pathOf(request) }, headers: { Allow: allow.join(', ') } });
    },
  });
}

/** The request path without its query string, as Twilio quotes it in 404 messages. */
export function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q === -1 ? request.url : request.url.slice(0, q);
}

export function resourceNotFound(request: FastifyRequest): ApiError {
  return notFound(pathOf(request));
}

/** Returns the value, or throws the 404 for this request. */
export function found<T>(value: T | undefined | null, request: FastifyRequest): T {
  if (value === undefined || value === null) throw resourceNotFound(request);
  return value;
}

/**
 * The service a nested route lives under, from its `:ServiceSid`. Anything but a service SID is a
 * 404; whether the service exists is answered by the query that follows (scoped by this key).
 */
export function serviceKeyOf(request: FastifyRequest): ServiceKey {
  const { ServiceSid } = request.params as { ServiceSid: string };
  if (!isSid('KS', ServiceSid)) throw resourceNotFound(request);
  return { accountSid: request.accountSid, serviceSid: ServiceSid };
}

export interface Urls {
  /** Absolute base URL for this request (PARLEY_PUBLIC_URL, else derived from the request). */
  base(request: FastifyRequest): string;
}

export function urls(configuredPublicUrl: string | null): Urls {
  return { base: (request) => publicBaseUrl(request, configuredPublicUrl) };
}

interface Keyed {
  date_created: number;
  sid: string;
}

/** A list body, `{<key>: [...], meta}`, from rows fetched by db/keyset.ts `pageOf`. */
export function listBody<Row extends Keyed, Resource>(
  key: string,
  request: FastifyRequest,
  baseUrl: string,
  pageRequest: PageRequest,
  rows: Row[],
  render: (row: Row) => Resource,
): Record<string, Resource[]> & { meta: ListMeta } {
  const page = toPage(rows, pageRequest, offsetOf(pageRequest));
  const meta = buildMeta(key, baseUrl + pathOf(request), pageRequest, page, (row) => [row.date_created, row.sid]);
  return { [key]: page.items.map(render), meta } as Record<string, Resource[]> & { meta: ListMeta };
}
