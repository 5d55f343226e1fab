// The graceful shutdown `parley serve` runs on SIGTERM or SIGINT (server.ts), in three steps:
//   1. drain: /healthz/ready answers 503 for PARLEY_SHUTDOWN_DRAIN_MS while everything else is
//      served as usual, so load balancers and orchestrators stop sending new work here first;
//   2. close: the listener closes (new connections are refused), idle connections close, and each
//      connection closes after its current answer (in-flight.ts); the app's close waits for the last
//      one, then stops the background jobs (the outbox worker finishes the deliveries under way
//      and records them) and closes the database;
//   3. past PARLEY_SHUTDOWN_TIMEOUT_MS of step 2, what is left is cut: the connections still open
//      are destroyed, the outbox stops waiting for its deliveries (they run again once their claims
//      expire), and the counts are logged. The database is still closed, within one more timeout
//      (past that, the shutdown fails).
// The outcome says whether anything was cut; server.ts turns it into the exit status.

import type { Server } from 'node:http';
import type { Logger } from '../common/logger.js';
import type { OutboxWorker } from '../outbox/outbox.worker.js';
import type { InFlightRequests } from './in-flight.js';
import type { Readiness } from './readiness.js';
import type { Timer } from './timer.js';

export interface ShutdownOutcome {
  /** What the timeout cut; null when everything finished. */
  cut: { requests: number; deliveries: number } | null;
}

export interface ShutdownParts {
  /** The HTTP server, and what closes the whole app (Fastify's close: the listener, the jobs, the database). */
  server: Server;
  close(): Promise<unknown>;
  readiness: Readiness;
  requests: InFlightRequests;
  outbox: OutboxWorker;
  timer: Timer;
  drainMs: number;
  timeoutMs: number;
  log: Logger;
}

/** The shutdown, run once however often it is asked for: later calls get the same outcome. */
export function gracefulShutdown(parts: ShutdownParts): () => Promise<ShutdownOutcome> {
  let running: Promise<ShutdownOutcome> | null = null;
  return () => (running ??= shutDown(parts));
}

async function shutDown({
  server,
  close,
  readiness,
  requests,
  outbox,
  timer,
  drainMs,
  timeoutMs,
  log,
}: ShutdownParts): Promise<ShutdownOutcome> {
  readiness.drain();
  if (drainMs > 0) {
    log.info({ drainMs }, 'draining: /healthz/ready answers 503, requests are still served');
    await timer.wait(drainMs);
  }
  log.info(
    { requests: requests.count, deliveries: outbox.inFlight, timeoutMs },
    'closing: no new connections, finishing the work under way',
  );
  requests.closeConnections();
  const closed = close().then(() => true);
  const expired = (): Promise<boolean> => timer.wait(timeoutMs).then(() => false);
  if (await Promise.race([closed, expired()])) return { cut: null };

  // Time ran out. What is left may be no work at all: a connection whose request head never came
  // in full, the jobs' last passes, the database's close. Only requests and deliveries count as cut.
  const left = { requests: requests.count, deliveries: outbox.abandon() };
  const cut = left.requests + left.deliveries > 0 ? left : null;
  if (cut !== null) log.warn(cut, 'shutdown timeout: cutting the requests and callback deliveries still under way');
  server.closeAllConnections();
  if (!(await Promise.race([closed, expired()]))) throw new Error('the database did not close within the shutdown timeout');
  return { cut };
}
