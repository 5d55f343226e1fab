// The metrics of one app: its own prom-client Registry (never the global default one: a process
// may hold many apps), the counters the domain increments through the Metrics interface, the
// gauges read at scrape time, and the exposition GET /metrics answers with. Names follow
// Prometheus conventions (base units, _total, _seconds); docs/metrics.md lists them all.

import { Counter, Gauge, Registry } from 'prom-client';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { DatabaseHandle } from '../db/database.js';
import { DatabaseGauges } from './database-gauges.js';
import type { Reading } from './database-gauges.js';
import { PENDING_CAP } from './gauges.repository.js';
import { HttpMetrics } from './http-metrics.js';
import type { DeliveryOutcome, Metrics, RouteOutcome } from './metrics.js';
import { processRegistry } from './process-metrics.js';

export interface MetricsOptions {
  perService: boolean;
  /** How long a reading of the database gauges is reused (AppOptions.metricsCacheMs). */
  cacheMs: number;
}

export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  readonly http = new HttpMetrics(this.registry);
  readonly #perService: boolean;
  readonly #refusals: Counter<string>;
  readonly #routed: Counter<string>;
  readonly #deliveries: Counter<string>;

  constructor(database: DatabaseHandle, clock: Clock, log: Logger, options: MetricsOptions) {
    this.#perService = options.perService;
    const registers = [this.registry];
    const service = options.perService ? ['service_sid'] : [];
    this.#refusals = new Counter({
      name: 'parley_number_selection_refusals_total',
      help: 'Participants refused for want of a fitting proxy number, by Twilio error code (80206, 80207, 80208)',
      labelNames: ['code', ...service],
      registers,
    });
    this.#routed = new Counter({
      name: 'parley_interactions_routed_total',
      help: 'Inbound messages and calls routed, by type (message, voice) and outcome',
      labelNames: ['type', 'outcome', ...service],
      registers,
    });
    this.#deliveries = new Counter({
      name: 'parley_outbox_deliveries_total',
      help: 'Outbox job attempts recorded, by kind and outcome (delivered, retried, failed)',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    const errors = new Counter({
      name: 'parley_metrics_database_errors_total',
      help: 'Scrapes whose database gauges could not be read (they are left out of that scrape)',
      registers,
    });
    const gauges = new DatabaseGauges(database.queries, clock, options.perService, options.cacheMs, (err) => {
      errors.inc();
      log.warn({ error: err instanceof Error ? err.message : String(err) }, 'metrics: the database gauges could not be read');
    });
    this.#databaseGauges(gauges, service);
    this.#connectionGauges(database);
  }

  selectionRefused(code: number, serviceSid: string): void {
    this.#refusals.inc(this.#perService ? { code, service_sid: serviceSid } : { code });
  }

  interactionRouted(type: string, outcome: RouteOutcome, serviceSid: string | null): void {
    this.#routed.inc(this.#perService ? { type, outcome, service_sid: serviceSid ?? '' } : { type, outcome });
  }

  delivery(kind: string, outcome: DeliveryOutcome): void {
    this.#deliveries.inc({ kind, outcome });
  }

  /** The text exposition of this app's metrics and the process's. */
  async exposition(): Promise<string> {
    return (await this.registry.metrics()) + (await processRegistry().metrics());
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #databaseGauges(gauges: DatabaseGauges, service: string[]): void {
    const fromReading = (name: string, help: string, labelNames: string[], fill: (gauge: Gauge<string>, reading: Reading) => void) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          const reading = await gauges.read();
          this.reset();
          if (reading !== null) fill(this, reading);
        },
      });
    const labels = (row: { service_sid: string | null }, extra: Record<string, string> = {}) =>
      row.service_sid === null ? extra : { ...extra, service_sid: row.service_sid };
    fromReading('parley_sessions', 'Sessions by status (the same on every node of one database)', ['status', ...service], (g, r) => {
      for (const row of r.sessions) g.set(labels(row, { status: row.status }), row.sessions);
    });
    fromReading('parley_pool_numbers', 'Proxy numbers in the pools', service, (g, r) => {
      for (const row of r.pool) g.set(labels(row), row.numbers);
    });
    fromReading('parley_pool_numbers_in_use', 'Proxy numbers with at least one active assignment', service, (g, r) => {
      for (const row of r.pool) g.set(labels(row), row.in_use);
    });
    fromReading('parley_outbox_jobs_pending', `Outbox jobs not done yet, counted up to ${PENDING_CAP}`, [], (g, r) =>
      g.set(r.outbox.pending),
    );
    fromReading('parley_outbox_oldest_pending_age_seconds', 'How long the longest-due pending outbox job has been due', [], (g, r) =>
      g.set(r.outbox.oldestDueAt === null ? 0 : Math.max(0, r.at - r.outbox.oldestDueAt) / 1000),
    );
  }

  #connectionGauges(database: DatabaseHandle): void {
    const gauge = (name: string, help: string, value: (use: ReturnType<DatabaseHandle['connections']>) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(value(database.connections()));
        },
      });
    gauge('parley_db_pool_connections', 'Database connections this node may hold (SQLite: 1)', (use) => use.size);
    gauge('parley_db_pool_connections_in_use', 'Database connections checked out now', (use) => use.inUse);
    gauge(
      'parley_db_pool_waiting',
      'Requests waiting for a connection (SQLite: units of work waiting for the writer)',
      (use) => use.waiting,
    );
  }
}
