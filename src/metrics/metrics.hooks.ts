// Feeds every answered request to http_server_request_duration_seconds (http-metrics.ts), from
// Fastify's onResponse: the route's pattern as Fastify matched it, never request.url.

import type { FastifyInstance } from 'fastify';
import type { HttpMetrics } from './http-metrics.js';

export function observeRequests(app: FastifyInstance, http: HttpMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    http.observe(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime);
    done();
  });
}
