// http_server_request_duration_seconds: every answered request by method, route pattern (Fastify's
// routeOptions.url, never the URL as received, whose path holds SIDs and phone numbers; a path no
// route matches is `unmatched`) and status class (2xx … 5xx). It runs on every request, so it
// counts by itself: each combination of labels is one series of plain numbers, found by one Map
// lookup, and its bucket is found by a loop over thirteen bounds. prom-client's Histogram child
// re-validates and re-hashes its labels and allocates on every observe (1-2 µs of a ~55 µs
// fetch); this series is read only when the registry renders a scrape, in prom-client's format
// (cumulative `_bucket` lines with `le`, then `_sum` and `_count`).

import type { Metric, MetricValueWithName, Registry } from 'prom-client';

const NAME = 'http_server_request_duration_seconds';
const HELP = 'Duration of HTTP requests answered, by method, route pattern and status class';
const METHODS = new Set(['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS']);
/** Seconds; a fetch is about a millisecond, a delayed answer (a slow database) seconds. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  labels: { method: string; route: string; status_class: string };
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  buckets: Float64Array;
  sum: number;
  count: number;
}

export class HttpMetrics {
  readonly #series = new Map<string, Series>();

  constructor(registry: Registry) {
    // The registry needs only a name, a type and get(); the cast is to prom-client's class type.
    registry.registerMetric({ name: NAME, help: HELP, type: 'histogram', get: () => this.#render() } as unknown as Metric);
  }

  observe(method: string, route: string | undefined, status: number, elapsedMs: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.#series.get(key);
    if (series === undefined) {
      series = {
        labels: {
          method: METHODS.has(method) ? method : 'other',
          route: route ?? 'unmatched',
          status_class: `${Math.floor(status / 100)}xx`,
        },
        buckets: new Float64Array(BUCKETS.length + 1),
        sum: 0,
        count: 0,
      };
      this.#series.set(key, series);
    }
    const seconds = elapsedMs / 1000;
    let bucket = 0;
    while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]!) bucket++;
    series.buckets[bucket]! += 1;
    series.sum += seconds;
    series.count += 1;
  }

  #render(): { name: string; help: string; type: 'histogram'; values: Array<MetricValueWithName<string>> } {
    // Keys that differ only in status (200 and 201) share their labels: their series add up.
    const merged = new Map<string, Series>();
    for (const series of this.#series.values()) {
      const key = `${series.labels.method} ${series.labels.status_class} ${series.labels.route}`;
      const into = merged.get(key);
      if (into === undefined) {
        merged.set(key, { ...series, buckets: Float64Array.from(series.buckets) });
        continue;
      }
      into.buckets.forEach((_, i) => (into.buckets[i]! += series.buckets[i]!));
      into.sum += series.sum;
      into.count += series.count;
    }
    const values: Array<MetricValueWithName<string>> = [];
    for (const { labels, buckets, sum, count } of merged.values()) {
      let cumulative = 0;
      buckets.forEach((observed, i) => {
        cumulative += observed;
        values.push({
          metricName: `${NAME}_bucket`,
          labels: { le: i < BUCKETS.length ? BUCKETS[i]! : '+Inf', ...labels },
          value: cumulative,
        });
      });
      values.push({ metricName: `${NAME}_sum`, labels, value: sum });
      values.push({ metricName: `${NAME}_count`, labels, value: count });
    }
    return { name: NAME, help: HELP, type: 'histogram', values };
  }
}
