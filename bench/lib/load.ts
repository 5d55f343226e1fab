// One autocannon measurement: fixed connections and duration, from this process (the servers
// run in processes of their own), loopback only.

import autocannon from 'autocannon';

export interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p97_5: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Requests answered 2xx. */
  ok: number;
}

export interface Workload {
  method: 'GET' | 'POST';
  /** Paths cycled through by every connection. */
  paths: string[];
  body?: string;
  /** A body per request, when each must differ. */
  bodyFor?: () => string;
  /** Headers of every request besides the authorization (a console cookie, say). */
  headers?: Record<string, string>;
  /** Seconds to run (DURATION_SECONDS unless given). */
  durationSeconds?: number;
}

export const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 8);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** The 1,000-session workloads (and the raw server) are measured at this count too. */
export const HIGH_CONNECTIONS = Number(process.env.BENCH_HIGH_CONNECTIONS ?? 50);

export async function measure(
  baseUrl: string,
  authorization: string | null,
  workload: Workload,
  connections = CONNECTIONS,
): Promise<Measurement> {
  return measureAcross([baseUrl], authorization, workload, connections);
}

/**
 * The same workload against several nodes at once (the connections split between them, one path
 * sequence shared): total requests/s, the worst p99.
 */
export async function measureAcross(
  baseUrls: string[],
  authorization: string | null,
  workload: Workload,
  connections = CONNECTIONS,
): Promise<Measurement> {
  const next = { value: 0 };
  const parts = await Promise.all(
    baseUrls.map((url) => run(url, authorization, workload, Math.max(1, Math.round(connections / baseUrls.length)), next)),
  );
  return {
    requestsPerSecond: parts.reduce((sum, m) => sum + m.requestsPerSecond, 0),
    p50: Math.max(...parts.map((m) => m.p50)),
    p97_5: Math.max(...parts.map((m) => m.p97_5)),
    p99: Math.max(...parts.map((m) => m.p99)),
    errors: parts.reduce((sum, m) => sum + m.errors, 0),
    non2xx: parts.reduce((sum, m) => sum + m.non2xx, 0),
    ok: parts.reduce((sum, m) => sum + m.ok, 0),
  };
}

async function run(
  baseUrl: string,
  authorization: string | null,
  workload: Workload,
  connections: number,
  next: { value: number },
): Promise<Measurement> {
  const headers: Record<string, string> = { ...(authorization === null ? {} : { authorization }), ...workload.headers };
  if (workload.method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: workload.durationSeconds ?? DURATION_SECONDS,
    requests: [
      {
        method: workload.method,
        headers,
        body: workload.body,
        setupRequest: (request) => ({
          ...request,
          path: workload.paths[next.value++ % workload.paths.length]!,
          ...(workload.bodyFor ? { body: workload.bodyFor() } : {}),
        }),
      },
    ],
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    ok: result['2xx'],
  };
}
