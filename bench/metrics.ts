// `npx tsx bench/metrics.ts`: what enabling GET /metrics costs a session fetch (the target: under
// 5% of its throughput). One SQLite database with 1,000 sessions; the built server started with
// metrics off and on in turn, ROUNDS times each, alternating (so a drift of the machine's load
// hits both alike), a fetch workload per start with autocannon, while a scraper reads /metrics
// every SCRAPE_MS as Prometheus would. Odd rounds start with metrics off, even ones with metrics
// on, so a machine growing busier or quieter in the middle of a round favours neither. Each round
// and the on/off ratios (of the medians, and the median of each round's) go to
// bench/results/metrics.md between its `metrics-bench` markers.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONNECTIONS, DURATION_SECONDS, measure } from './lib/load.js';
import type { Measurement } from './lib/load.js';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, startParley } from './lib/processes.js';
import { machineDescription, replaceSection } from './lib/report.js';
import { seed } from './lib/seed.js';

const AUTH = 'Basic ' + Buffer.from(`${BENCH_ACCOUNT_SID}:${BENCH_AUTH_TOKEN}`).toString('base64');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SESSIONS = 1_000;
const SCRAPE_MS = 1_000;
const WARM_UP_SECONDS = 2;
const TOKEN = 'bench-metrics-token-0123456789';

interface Round {
  round: number;
  metrics: 'off' | 'on';
  figures: Measurement;
  scrapes: number;
  /** The server's CPU time per answered request, in µs: less swayed by the machine's other load than requests/s. */
  cpuMicros: number;
}

/** A process's user + system CPU time so far, in seconds (/proc/PID/stat, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function main(): Promise<void> {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed');
  const scratch = mkdtempSync(join(tmpdir(), 'parley-bench-metrics-'));
  try {
    const url = `sqlite:${join(scratch, 'metrics.db')}`;
    const seeded = await seed(url, SESSIONS);
    const paths = seeded.sampleSids.map((sid) => `/v1/Services/${seeded.serviceSid}/Sessions/${sid}`);
    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const metrics of round % 2 === 1 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const server = await startParley(url, 4150, metrics === 'on' ? { PARLEY_METRICS_TOKEN: TOKEN } : {});
        try {
          // JIT and caches warm first, unrecorded: a fresh process's first seconds are slower.
          await measure(server.url, AUTH, { method: 'GET', paths, durationSeconds: WARM_UP_SECONDS });
          // Scraped in both modes, as Prometheus would keep doing (a 404 with metrics off): any second
          // route in the mix costs the fetches a little (a /healthz poll as much as a scrape), and that
          // must not be charged to metrics.
          const scraper = scrapeEvery(server.url);
          const cpuBefore = cpuSeconds(server.process.pid!);
          const figures = await measure(server.url, AUTH, { method: 'GET', paths });
          const cpuMicros = Math.round(((cpuSeconds(server.process.pid!) - cpuBefore) * 1e6) / figures.ok);
          const scrapes = await scraper.stop();
          rounds.push({ round, metrics, figures, scrapes, cpuMicros });
          console.error(`round ${round}, metrics ${metrics}: ${figures.requestsPerSecond} requests/s, ${cpuMicros} µs CPU each`);
        } finally {
          await server.stop();
        }
      }
    }
    const report = render(rounds);
    console.log(report);
    replaceSection('bench/results/metrics.md', 'metrics-bench', report);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Reads /metrics every SCRAPE_MS until stopped; answers how many scrapes were answered 200. */
function scrapeEvery(baseUrl: string): { stop(): Promise<number> } {
  let scrapes = 0;
  const timer = setInterval(() => {
    fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
      .then(async (response) => {
        await response.text();
        if (response.ok) scrapes++;
      })
      .catch(() => {});
  }, SCRAPE_MS);
  return { stop: async () => (clearInterval(timer), scrapes) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function render(rounds: Round[]): string {
  const of = (metrics: 'off' | 'on') => rounds.filter((r) => r.metrics === metrics).map((r) => r.figures.requestsPerSecond);
  const [off, on] = [median(of('off')), median(of('on'))];
  const cpu = (metrics: 'off' | 'on') => median(rounds.filter((r) => r.metrics === metrics).map((r) => r.cpuMicros));
  const pairs = [...new Set(rounds.map((r) => r.round))].map((round) => {
    const [a, b] = (['off', 'on'] as const).map((m) => rounds.find((r) => r.round === round && r.metrics === m)!.figures.requestsPerSecond);
    return b! / a!;
  });
  return [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineDescription()}; SQLite, ${SESSIONS} sessions, session fetch, ` +
      `autocannon ${CONNECTIONS} connections, ${DURATION_SECONDS} s per round after ${WARM_UP_SECONDS} s of warm-up, GET /metrics every ${SCRAPE_MS / 1000} s in both modes (404 with metrics off).`,
    '',
    '| round | metrics | requests/s | server CPU µs per request | p50 ms | p99 ms | errors | scrapes answered 200 |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
    ...rounds.map(
      (r) =>
        `| ${r.round} | ${r.metrics} | ${r.figures.requestsPerSecond} | ${r.cpuMicros} | ${r.figures.p50} | ${r.figures.p99} | ${r.figures.errors + r.figures.non2xx} | ${r.scrapes} |`,
    ),
    '',
    `Median off ${off}/s, on ${on}/s: on/off ${(on / off).toFixed(3)}; ` +
      `round by round on/off ${pairs.map((p) => p.toFixed(3)).join(', ')} (median ${median(pairs).toFixed(3)}). ` +
      `Server CPU per request, medians: off ${cpu('off')} µs, on ${cpu('on')} µs (on/off ${(cpu('on') / cpu('off')).toFixed(3)}).`,
  ].join('\n');
}

await main();
