// http_server_request_duration_seconds: every answered request by method, route pattern (Fastify's
// routeOptions.url, never the URL as received, whose path holds SIDs and phone numbers; a path no
// route matches is `unmatched`) and status class (2xx … 5xx). Kept cheap, because it runs on every
// request: the labelled child of each combination is looked up once and cached, and the duration
// is Fastify's own reply.elapsedTime (metrics.hooks.ts feeds it).

import { Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

type Child = ReturnType<Histogram<string>['labels']>;

const METHODS = new Set(['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS']);
/** Seconds; a fetch is about a millisecond, a delayed answer (a slow database) seconds. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class HttpMetrics {
  readonly #histogram: Histogram<string>;
  readonly #children = new Map<string, Child>();

  constructor(registry: Registry) {
    this.#histogram = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Duration of HTTP requests answered, by method, route pattern and status class',
      labelNames: ['method', 'route', 'status_class'],
      buckets: BUCKETS,
      registers: [registry],
    });
  }

  observe(method: string, route: string | undefined, status: number, elapsedMs: number): void {
    const key = `${method} ${status} ${route}`;
    let child = this.#children.get(key);
    if (child === undefined) {
      child = this.#histogram.labels({
        method: METHODS.has(method) ? method : 'other',
        route: route ?? 'unmatched',
        status_class: `${Math.floor(status / 100)}xx`,
      });
      this.#children.set(key, child);
    }
    child.observe(elapsedMs / 1000);
  }
}
