// One `info` line per request, written when its answer is out: the method, the route's pattern
// (`/v1/Services/:ServiceSid/Sessions`), the status, how long it took, the account and the request
// id (pino's `reqId` on the request logger). Never the URL as received: its SIDs, numbers
// (`/PhoneNumbers/+1…`) and query values stay out; so do bodies. Fastify's own request logs are
// off (app.ts, disableRequestLogging), so this is the only line a request writes.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: the route's requests write no line (GET /metrics, scraped every few seconds). */
    requestLog?: boolean;
  }
}

export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config.requestLog === false) return;
    request.log.info(
      {
        method: request.method,
        // Undefined for a path no route matches (a 404): the path itself is not logged.
        route: request.routeOptions.url ?? null,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        accountSid: request.accountSid === '' ? null : request.accountSid,
      },
      'request',
    );
  });
}
