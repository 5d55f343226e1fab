// GET /metrics, in Prometheus' text exposition format. Registered only when PARLEY_METRICS_TOKEN
// is set (app.ts; otherwise the path is unknown: a 404). It answers to the token as a bearer
// token, not to an account's credentials, outside the API's scope: no account auth, no rate
// limit (a scraper is not a tenant), and no line in the request log (one every few seconds from
// every scraper says nothing).

import type { FastifyInstance } from 'fastify';
import { bearerAuth } from '../http/bearer-auth.js';
import { onlyMethods } from '../http/routing.js';
import type { PrometheusMetrics } from './prometheus-metrics.js';

export function metricsRoutes(app: FastifyInstance, metrics: PrometheusMetrics, token: string): void {
  app.register(async (scope) => {
    scope.addHook('onRequest', bearerAuth(token, 'Parley metrics'));
    scope.get('/metrics', { config: { requestLog: false } }, async (_request, reply) => {
      const body = await metrics.exposition();
      return reply.type(metrics.contentType).send(body);
    });
    onlyMethods(scope, '/metrics', ['GET']);
  });
}
