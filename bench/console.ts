// `npx tsx bench/console.ts [--postgres URL]`: the web console's pages with 100,000 sessions in one
// service, against its acceptance ("console pages answer within 100 ms"). The data set goes
// straight into the database (bench/lib/seed.ts, seedConsole), the built server is started on it
// with npm start's flags (bench/lib/processes.ts), the bench signs in to the console like a browser
// and measures every page twice: one request at a time (what a person waits for: median and max
// of BENCH_SEQUENTIAL requests, after a warm-up) and under autocannon's load (10 connections,
// BENCH_DURATION seconds). Then the query behind each list page is timed on its own and its plan
// printed (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL).
//
// SQLite always; PostgreSQL too when --postgres URL, PARLEY_BENCH_DATABASE_URL or
// PARLEY_TEST_DATABASE_URL names a server: a scratch database parley_bench_console is created
// there and dropped afterwards. The figures go to the terminal and to bench/results/console.md,
// between its console-bench markers (the text around them is left alone).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery } from 'kysely';
import type { Compilable } from 'kysely';
import { parsePageRequest } from '../src/http/paging.js';
import { openDatabase } from '../src/db/database.js';
import type { DatabaseHandle } from '../src/db/database.js';
import type { Db } from '../src/db/unit-of-work.js';
import { searchSessions } from '../src/resources/sessions/sessions.repository.js';
import { poolUsage } from '../src/resources/phone-numbers/phone-numbers.repository.js';
import { CONNECTIONS, measure } from './lib/load.js';
import type { Measurement } from './lib/load.js';
import { benchPostgresServer, createPgDatabase, dropPgDatabase } from './lib/postgres.js';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, startParley } from './lib/processes.js';
import { machineDescription, replaceSection } from './lib/report.js';
import { seedConsole } from './lib/seed.js';
import type { ConsoleCounts, SeededConsole } from './lib/seed.js';

const COUNTS: ConsoleCounts = {
  sessions: Number(process.env.BENCH_CONSOLE_SESSIONS ?? 100_000),
  numbers: 1_000,
  interactions: 40,
  callbacks: 10_000,
};
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 50);
const WARM_UP = 20;
const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 5);
/** How many times the deep page follows the pager's "Older" link from the first page. */
const DEEP = 10;
const BUDGET_MS = 100;
const RESULTS = 'bench/results/console.md';

interface Target {
  name: string;
  path: string;
  /** What the page showed, e.g. "50 sessions, Older link"; throws when it is not the page expected. */
  shows: (body: string) => string;
  /** The repository call behind the page's list, when it has one worth a plan. */
  query?: (db: Db) => Promise<unknown>;
}

interface Result {
  name: string;
  path: string;
  shows: string;
  sequential: { median: number; p90: number; max: number };
  load: Measurement;
  query: { median: number; plan: string } | null;
}

interface EngineRun {
  engine: string;
  seedSeconds: number;
  seeded: SeededConsole;
  peakRssMb: number;
  results: Result[];
}

async function main(): Promise<void> {
  build();
  const scratch = mkdtempSync(join(tmpdir(), 'parley-console-bench-'));
  const runs: EngineRun[] = [];
  try {
    runs.push(await runEngine('SQLite', `sqlite:${join(scratch, 'console.db')}`, 4111));
    const pgServer = optionValue('--postgres') ?? benchPostgresServer();
    if (pgServer === undefined)
      log('SKIPPED PostgreSQL: pass --postgres URL or set PARLEY_BENCH_DATABASE_URL (or PARLEY_TEST_DATABASE_URL)');
    else {
      const url = await createPgDatabase(pgServer, 'console');
      try {
        runs.push(await runEngine('PostgreSQL', url, 4112));
      } finally {
        await dropPgDatabase(pgServer, url);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const report = renderConsoleReport(runs);
  process.stdout.write('\n' + report + '\n');
  replaceSection(RESULTS, 'console-bench', report);
  log(`written to ${RESULTS}`);
}

/** The server runs from dist/: build it when the sources changed since the last build (as npm start does). */
function build(): void {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed');
}

async function runEngine(engine: string, databaseUrl: string, port: number): Promise<EngineRun> {
  log(`${engine}: seeding ${COUNTS.sessions.toLocaleString('en-US')} sessions`);
  const started = performance.now();
  const seeded = await seedConsole(databaseUrl, COUNTS);
  const seedSeconds = (performance.now() - started) / 1000;
  log(`${engine}: seeded in ${seedSeconds.toFixed(1)} s`);

  const server = await startParley(databaseUrl, port);
  const handle = openDatabase(databaseUrl, { timeoutMs: 600_000 });
  try {
    const cookie = await signIn(server.url);
    const targets = await targetsOf(server.url, cookie, seeded);
    const results: Result[] = [];
    for (const target of targets) {
      const body = await get(server.url, target.path, cookie);
      const shows = target.shows(body);
      for (let i = 0; i < WARM_UP; i++) await get(server.url, target.path, cookie);
      const sequential = await timeSequential(server.url, target.path, cookie);
      await measure(server.url, null, { method: 'GET', paths: [target.path], headers: { cookie }, durationSeconds: 1 });
      const load = await measure(server.url, null, {
        method: 'GET',
        paths: [target.path],
        headers: { cookie },
        durationSeconds: DURATION_SECONDS,
      });
      const query = target.query === undefined ? null : await explain(handle, target.query);
      results.push({ name: target.name, path: target.path, shows, sequential, load, query });
      log(
        `${engine}: ${target.name}: one at a time ${sequential.median.toFixed(1)} ms median, ${sequential.max.toFixed(1)} ms max; ` +
          `${load.requestsPerSecond} req/s, p50 ${load.p50} ms, p99 ${load.p99} ms${query === null ? '' : `; query ${query.median.toFixed(1)} ms`}`,
      );
    }
    return { engine, seedSeconds, seeded, peakRssMb: server.peakRssMb(), results };
  } finally {
    await handle.destroy();
    await server.stop();
  }
}

/** Signs in with the account's SID and token, as the sign-in form does; answers the Cookie header to send. */
async function signIn(url: string): Promise<string> {
  const response = await fetch(`${url}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: BENCH_ACCOUNT_SID, password: BENCH_AUTH_TOKEN }).toString(),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0]!)
    .find((pair) => pair.startsWith('parley_console='));
  if (response.status !== 303 || cookie === undefined) throw new Error(`sign-in answered ${response.status}: ${await response.text()}`);
  return cookie;
}

async function targetsOf(url: string, cookie: string, seeded: SeededConsole): Promise<Target[]> {
  const service = `/console/services/${seeded.serviceSid}`;
  const key = { accountSid: BENCH_ACCOUNT_SID, serviceSid: seeded.serviceSid };
  const sessionsPage = (path: string) => {
    const query = new URL(path, url).searchParams;
    const filter = { status: query.get('status') ?? undefined, uniqueNamePrefix: query.get('unique_name') ?? undefined };
    const page = parsePageRequest({ PageSize: '50', PageToken: query.get('PageToken') ?? undefined });
    return (db: Db) => searchSessions(db, key, filter, page);
  };
  const list = (name: string, path: string, check: (body: string) => string = listed()): Target => ({
    name,
    path,
    shows: check,
    query: sessionsPage(path),
  });
  // The deep page: the first page's "Older" link, followed DEEP times.
  let deep = `${service}/sessions`;
  for (let i = 0; i < DEEP; i++) deep = olderLink(await get(url, deep, cookie));
  return [
    list('sessions, first page (newest first)', `${service}/sessions`),
    list('sessions, status=open', `${service}/sessions?status=open`, listed('open')),
    list('sessions, status=closed', `${service}/sessions?status=closed`, listed('closed')),
    // Prefixes matching the newer names, the oldest, one name and none (with 100,000 sessions: 10%, 10%, 1, 0).
    ...['order-09', 'order-00', 'order-054321', 'order-2'].map((prefix) =>
      list(`sessions, unique_name=${prefix} (${matching(prefix)})`, `${service}/sessions?unique_name=${prefix}`),
    ),
    list(`sessions, page ${DEEP + 1} (Older link × ${DEEP})`, deep),
    {
      name: 'session with its timeline',
      path: `${service}/sessions/${seeded.timelineSessionSid}`,
      shows: (body) => {
        const events = count(body, '<li class="event ');
        const participants = count(body, 'title="Open this phone"');
        if (events === 0) throw new Error('the session page shows no interactions');
        return `${participants} participants, ${events} interactions`;
      },
    },
    {
      name: 'number pool with utilisation',
      path: `${service}/numbers`,
      shows: (body) => {
        const usage = /<strong>(\d+)<\/strong> of <strong>(\d+)<\/strong> numbers/.exec(body);
        if (usage === null) throw new Error('the pool page shows no utilisation');
        return `${usage[1]} of ${usage[2]} numbers busy; ${count(body, '<td class="mono">+')} listed`;
      },
      query: (db) => poolUsage(db, key),
    },
    {
      name: 'callback log',
      path: '/console/callbacks',
      shows: (body) => {
        const rows = count(body, '<td class="wrap mono small">');
        if (rows === 0) throw new Error('the callback page shows no callbacks');
        return `${rows} callbacks${body.includes('rel="next"') ? ', Older link' : ''}`;
      },
    },
  ];
}

/** A session list's check: how many rows it shows, all of `status` when given, and whether it links to older ones. */
function listed(status?: string) {
  return (body: string): string => {
    const rows = count(body, '<td><span class="badge ');
    if (status !== undefined && count(body, `<td><span class="badge badge-${status}">`) !== rows) {
      throw new Error(`a session list filtered by ${status} shows other statuses`);
    }
    if (rows === 0) {
      if (!body.includes('No sessions match the filter')) throw new Error('an empty session list without its notice');
      return 'no sessions';
    }
    return `${rows} session${rows === 1 ? '' : 's'}${body.includes('rel="next"') ? ', Older link' : ''}`;
  };
}

/** How many of the seeded names (order-000001 onwards) start with `prefix`. */
function matching(prefix: string): string {
  let n = 0;
  for (let i = 1; i <= COUNTS.sessions; i++) if (`order-${String(i).padStart(6, '0')}`.startsWith(prefix)) n++;
  return n === 0 ? 'matches none' : `${n.toLocaleString('en-US')} ${n === 1 ? 'match' : 'matches'}`;
}

function olderLink(body: string): string {
  const href = /<a rel="next" href="([^"]+)"/.exec(body)?.[1];
  if (href === undefined) throw new Error('the page has no "Older" link');
  return href.replace(/&amp;/g, '&');
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

async function get(url: string, path: string, cookie: string): Promise<string> {
  const response = await fetch(url + path, { headers: { cookie } });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${body.slice(0, 500)}`);
  return body;
}

/** One request at a time, each from sending it to its whole body read. */
async function timeSequential(url: string, path: string, cookie: string): Promise<Result['sequential']> {
  const times: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const started = performance.now();
    await get(url, path, cookie);
    times.push(performance.now() - started);
  }
  return { median: quantile(times, 0.5), p90: quantile(times, 0.9), max: Math.max(...times) };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * The statement a repository call issues (caught on its way to the database), timed on its own
 * from the bench process (median of SEQUENTIAL runs) and explained.
 */
async function explain(handle: DatabaseHandle, call: (db: Db) => Promise<unknown>): Promise<{ median: number; plan: string }> {
  let statement: CompiledQuery | undefined;
  const catching: Db = {
    sql: handle.db,
    read: async (query) => {
      statement = 'compile' in query ? (query as Compilable<unknown>).compile() : query;
      return [];
    },
    write: () => Promise.reject(new Error('a page query does not write')),
  };
  await call(catching);
  if (statement === undefined) throw new Error('the repository call issued no query');
  const { sql, parameters } = statement;
  const times: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const started = performance.now();
    await handle.queries.read(CompiledQuery.raw(sql, [...parameters]));
    times.push(performance.now() - started);
  }
  const postgres = handle.engine === 'postgres';
  const explained = await handle.db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(`${postgres ? 'explain (analyze, buffers)' : 'explain query plan'} ${sql}`, [...parameters]),
  );
  const plan = postgres
    ? explained.rows.map((row) => String(row['QUERY PLAN'])).join('\n')
    : sqlitePlan(explained.rows as Array<{ id: number; parent: number; detail: string }>);
  return { median: quantile(times, 0.5), plan: `${sql}\n-- ${JSON.stringify(parameters)}\n${plan}` };
}

/** EXPLAIN QUERY PLAN's rows as the sqlite3 shell draws them, indented under their parents. */
function sqlitePlan(rows: Array<{ id: number; parent: number; detail: string }>): string {
  const depth = new Map<number, number>([[0, -1]]);
  return rows
    .map((row) => {
      const level = (depth.get(row.parent) ?? -1) + 1;
      depth.set(row.id, level);
      return `${'   '.repeat(level)}${level === 0 ? '' : '`--'}${row.detail}`;
    })
    .join('\n');
}

function renderConsoleReport(runs: EngineRun[]): string {
  const ms = (value: number) => (value < 10 ? value.toFixed(1) : Math.round(value).toString());
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npx tsx bench/console.ts\` on ${machineDescription()}: a noisy, shared machine`,
    `(the server, the load generator and the database on the same 2 cores), so read the figures as an order of magnitude.`,
    `One service of ${COUNTS.sessions.toLocaleString('en-US')} sessions (of every 20: 17 closed, 2 open, 1 in-progress), two participants each,`,
    `a pool of ${COUNTS.numbers.toLocaleString('en-US')} numbers, ${COUNTS.interactions} interactions on one session, ${COUNTS.callbacks.toLocaleString('en-US')} callbacks in the log.`,
    `"One at a time": ${SEQUENTIAL} requests in a row after ${WARM_UP} of warm-up, from sending to the last byte, over the loopback;`,
    `"query": the page's list query alone, from the bench process (median of ${SEQUENTIAL}). Load: autocannon, ${CONNECTIONS} connections, ${DURATION_SECONDS} s.`,
  ];
  for (const run of runs) {
    const statuses = Object.entries(run.seeded.sessionsByStatus)
      .sort((a, b) => b[1] - a[1])
      .map(([status, n]) => `${n.toLocaleString('en-US')} ${status}`)
      .join(', ');
    lines.push(
      '',
      `### ${run.engine}`,
      '',
      `Seeded in ${run.seedSeconds.toFixed(1)} s (${statuses}; ${run.seeded.assignments.toLocaleString('en-US')} assignments). Peak server memory (RSS): ${run.peakRssMb} MB.`,
      '',
      `| page | shows | one at a time: median ms | p90 ms | max ms | query ms | ${CONNECTIONS} conns: req/s | p50 ms | p97.5 ms | p99 ms | errors | median within ${BUDGET_MS} ms |`,
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
      ...run.results.map(
        (r) =>
          `| ${r.name} | ${r.shows} | ${ms(r.sequential.median)} | ${ms(r.sequential.p90)} | ${ms(r.sequential.max)} | ${r.query === null ? '' : ms(r.query.median)} | ${r.load.requestsPerSecond} | ${r.load.p50} | ${r.load.p97_5} | ${r.load.p99} | ${r.load.errors + r.load.non2xx} | ${r.sequential.median <= BUDGET_MS ? 'yes' : '**no**'} |`,
      ),
    );
  }
  lines.push('', '<details><summary>Query plans</summary>');
  for (const run of runs) {
    for (const r of run.results.filter((result) => result.query !== null)) {
      lines.push('', `${run.engine}, ${r.name}:`, '', '```', r.query!.plan, '```');
    }
  }
  lines.push('', '</details>');
  return lines.join('\n');
}

function optionValue(name: string): string | undefined {
  const args = process.argv.slice(2);
  const inline = args.find((arg) => arg.startsWith(`${name}=`));
  if (inline !== undefined) return inline.slice(name.length + 1);
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

function log(message: string): void {
  process.stdout.write(`[bench:console] ${message}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
