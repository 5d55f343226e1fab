// The process's own metrics (CPU, memory, heap, event-loop lag, start time), read at scrape time
// only. Not prom-client's collectDefaultMetrics: its GC observer and event-loop-delay histogram
// run all the time, and with them a session fetch cost the server 14-17 µs more CPU (51-59 µs
// without, 68-73 µs with, bench/metrics.ts's setup on the 2-core machine), several times the
// rest of the metrics together. The names are prom-client's, so dashboards made for it still
// work. One registry per process, created on first use, whatever number of apps a process builds.

import { Counter, Gauge, Registry } from 'prom-client';

let registry: Registry | null = null;

export function processRegistry(): Registry {
  if (registry === null) registry = createProcessRegistry();
  return registry;
}

function createProcessRegistry(): Registry {
  const registers = [new Registry()];
  const cpu = (name: string, help: string, seconds: (usage: NodeJS.CpuUsage) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(seconds(process.cpuUsage()));
      },
    });
  cpu('process_cpu_user_seconds_total', 'User CPU time spent, in seconds', (u) => u.user / 1e6);
  cpu('process_cpu_system_seconds_total', 'System CPU time spent, in seconds', (u) => u.system / 1e6);
  cpu('process_cpu_seconds_total', 'User and system CPU time spent, in seconds', (u) => (u.user + u.system) / 1e6);
  const gauge = (name: string, help: string, value: () => number | Promise<number>) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        this.set(await value());
      },
    });
  gauge('process_resident_memory_bytes', 'Resident memory size, in bytes', () => process.memoryUsage.rss());
  gauge('nodejs_heap_size_total_bytes', 'V8 heap size, in bytes', () => process.memoryUsage().heapTotal);
  gauge('nodejs_heap_size_used_bytes', 'V8 heap used, in bytes', () => process.memoryUsage().heapUsed);
  gauge('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript, in bytes', () => process.memoryUsage().external);
  const started = Date.now() / 1000 - process.uptime();
  gauge('process_start_time_seconds', 'When the process started, in seconds since the epoch', () => Math.round(started));
  // As prom-client's own nodejs_eventloop_lag_seconds: how late a callback queued now runs.
  gauge('nodejs_eventloop_lag_seconds', 'How late the event loop ran a callback queued at scrape time, in seconds', () => {
    const queued = process.hrtime.bigint();
    return new Promise<number>((resolve) => setImmediate(() => resolve(Number(process.hrtime.bigint() - queued) / 1e9)));
  });
  return registers[0]!;
}
