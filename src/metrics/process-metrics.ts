// prom-client's default process metrics (CPU, memory, event loop, GC) describe the process, not an
// app: one registry of them per process, created on first use, whatever number of apps a process
// builds (the tests build many). collectDefaultMetrics on each app's registry would start another
// event-loop monitor and GC observer per app, and never stop them.

import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | null = null;

export function processRegistry(): Registry {
  if (registry === null) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
