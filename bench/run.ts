// `npm run bench`: Parley against a raw node:http server in the same run, on SQLite and on
// PostgreSQL, plus fetch and next-page with a million sessions. Results go to the terminal,
// bench/results/latest.json and the README.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONNECTIONS, DURATION_SECONDS, HIGH_CONNECTIONS, measure, measureAcross } from './lib/load.js';
import type { Measurement, Workload } from './lib/load.js';
import { createPgDatabase, benchPostgresServer } from './lib/postgres.js';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, startParley, startRaw } from './lib/processes.js';
import { renderReport, updateReadme } from './lib/report.js';
import type { LossCheck } from './lib/report.js';
import type { Row } from './lib/report.js';
import { countRouted, seed, seedPool, validNumbers } from './lib/seed.js';

const AUTH = 'Basic ' + Buffer.from(`${BENCH_ACCOUNT_SID}:${BENCH_AUTH_TOKEN}`).toString('base64');
const SMALL = 1_000;
const LARGE = Number(process.env.BENCH_LARGE ?? 1_000_000);
const POOL_NUMBERS = 1_000;
const ACTIVE_SESSIONS = Number(process.env.BENCH_ACTIVE_SESSIONS ?? 100_000);
const EMPTY_SESSIONS = 80_000;

async function main(): Promise<void> {
  const rows: Row[] = [];
  const memory: Record<string, number> = {};
  const lossCheck: Record<string, LossCheck> = {};
  const scratch = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  try {
    log('raw node:http server');
    const raw = await startRaw(4100);
    const rawBase = '/v1/Services/KS' + 'b'.repeat(32) + '/Sessions';
    // The 1,000-session workloads run at both connection counts; the raw server's figures at each.
    const levels = [...new Set([CONNECTIONS, HIGH_CONNECTIONS])];
    const rawSpecs: Record<string, Workload> = {
      fetch: { method: 'GET', paths: [`${rawBase}/KC${'a'.repeat(32)}`] },
      create: { method: 'POST', paths: [rawBase], body: 'Ttl=3600' },
      'list(50)': { method: 'GET', paths: [`${rawBase}?PageSize=50`] },
    };
    const rawFigures = new Map<string, Measurement>();
    for (const [workload, spec] of Object.entries(rawSpecs)) {
      for (const connections of levels) {
        const m = await measure(raw.url, AUTH, spec, connections);
        rawFigures.set(`${workload}@${connections}`, m);
        rows.push({ engine: 'raw node:http', workload, connections, ...m, ratio: null });
      }
    }
    await raw.stop();

    const engines: Array<{ engine: string; url: (name: string) => Promise<string> }> = [
      { engine: 'SQLite', url: async (name) => `sqlite:${join(scratch, `${name}.db`)}` },
    ];
    const pgServer = benchPostgresServer();
    if (pgServer) engines.push({ engine: 'PostgreSQL', url: (name) => createPgDatabase(pgServer, name) });
    else log('SKIPPED PostgreSQL: set PARLEY_BENCH_DATABASE_URL (or PARLEY_TEST_DATABASE_URL)');

    for (const { engine, url } of engines) {
      log(`${engine}: ${SMALL} sessions`);
      const smallUrl = await url('small');
      const small = await seed(smallUrl, SMALL);
      const server = await startParley(smallUrl, 4101);
      const base = `/v1/Services/${small.serviceSid}/Sessions`;
      // Each workload at every connection count in turn; the creates last, so the reads see the
      // 1,000 seeded sessions only.
      const run = async (workload: string, spec: Workload) => {
        for (const connections of levels) {
          const m = await measure(server.url, AUTH, spec, connections);
          const rawFigure = rawFigures.get(`${workload}@${connections}`);
          rows.push({ engine, workload, connections, ...m, ratio: rawFigure ? m.requestsPerSecond / rawFigure.requestsPerSecond : null });
        }
      };
      await run('fetch', { method: 'GET', paths: small.sampleSids.map((sid) => `${base}/${sid}`) });
      await run('list(50)', { method: 'GET', paths: [`${base}?PageSize=50`] });
      await run('next page(50)', {
        method: 'GET',
        paths: small.sampleTokens.map((t) => `${base}?PageSize=50&Page=1&PageToken=${t}`),
      });
      await run('create', { method: 'POST', paths: [base], body: 'Ttl=3600' });
      // The large and pool runs are measured at the default connection count and compared with these.
      const atDefault = (workload: string) =>
        rows.find((r) => r.engine === engine && r.workload === workload && r.connections === CONNECTIONS)!;
      const fetchSmall = atDefault('fetch');
      const nextSmall = atDefault('next page(50)');
      memory[`${engine}, ${SMALL} sessions`] = server.peakRssMb();
      await server.stop();

      log(`${engine}: ${LARGE} sessions (seeding)`);
      const largeUrl = await url('large');
      const large = await seed(largeUrl, LARGE);
      const big = await startParley(largeUrl, 4102);
      const bigBase = `/v1/Services/${large.serviceSid}/Sessions`;
      for (const [workload, spec, reference] of [
        ['fetch', { method: 'GET', paths: large.sampleSids.map((sid) => `${bigBase}/${sid}`) }, fetchSmall],
        [
          'next page(50)',
          { method: 'GET', paths: large.sampleTokens.map((t) => `${bigBase}?PageSize=50&Page=1&PageToken=${t}`) },
          nextSmall,
        ],
      ] as const) {
        const m = await measure(big.url, AUTH, spec as Workload);
        rows.push({
          engine: `${engine}, ${LARGE.toLocaleString('en-US')} sessions`,
          workload,
          connections: CONNECTIONS,
          ...m,
          ratio: m.requestsPerSecond / reference.requestsPerSecond,
          ratioOf: `${SMALL} sessions`,
        });
      }
      memory[`${engine}, ${LARGE} sessions`] = big.peakRssMb();
      await big.stop();

      log(`${engine}: pool of ${POOL_NUMBERS} numbers, ${ACTIVE_SESSIONS} active sessions (seeding)`);
      const poolUrl = await url('pool');
      const pool = await seedPool(poolUrl, { numbers: POOL_NUMBERS, activeSessions: ACTIVE_SESSIONS, emptySessions: EMPTY_SESSIONS });
      const poolServer = await startParley(poolUrl, 4103);
      const poolBase = `/v1/Services/${pool.serviceSid}/Sessions`;
      // Each request adds a fresh identifier to the next empty session; the number is chosen by Parley.
      const identifiers = validNumbers('+1212', 4000);
      const participantPaths = pool.emptySessionSids.map((sid) => `${poolBase}/${sid}/Participants`);
      let next = 0;
      const participantCreate = await measure(poolServer.url, AUTH, {
        method: 'POST',
        paths: participantPaths,
        bodyFor: () => `Identifier=${encodeURIComponent(identifiers[next++ % identifiers.length]!)}`,
      });
      const sessionCreate = await measure(poolServer.url, AUTH, { method: 'POST', paths: [poolBase], body: 'Ttl=3600' });
      const label = `${engine}, ${POOL_NUMBERS} numbers, ${ACTIVE_SESSIONS.toLocaleString('en-US')} active sessions`;
      const fetchPaths = pool.emptySessionSids.slice(-1000).map((sid) => `${poolBase}/${sid}`);
      rows.push({ engine: label, workload: 'session create', connections: CONNECTIONS, ...sessionCreate, ratio: null });
      rows.push({
        engine: label,
        workload: 'participant create (auto-selected number)',
        connections: CONNECTIONS,
        ...participantCreate,
        ratio: participantCreate.requestsPerSecond / sessionCreate.requestsPerSecond,
        ratioOf: 'session create',
      });
      // Inbound messages from participants to their proxy numbers, routed through the simulator.
      // Afterwards: exactly one interaction and one delivery per accepted message.
      const before = await countRouted(poolUrl);
      let message = 0;
      const routing = await measure(poolServer.url, AUTH, {
        method: 'POST',
        paths: ['/simulator/v1/Messages'],
        bodyFor: () => {
          const route = pool.routes[message++ % pool.routes.length]!;
          return `From=${encodeURIComponent(route.from)}&To=${encodeURIComponent(route.to)}&Body=hello`;
        },
      });
      const after = await countRouted(poolUrl);
      rows.push({ engine: label, workload: 'inbound message routed (simulator)', connections: CONNECTIONS, ...routing, ratio: null });
      lossCheck[engine] = {
        accepted: routing.ok,
        inbound: after.inbound - before.inbound,
        interactions: after.interactions - before.interactions,
        deliveries: after.deliveries - before.deliveries,
      };
      const poolFetch = await measure(poolServer.url, AUTH, { method: 'GET', paths: fetchPaths });
      rows.push({ engine: label, workload: 'session fetch', connections: CONNECTIONS, ...poolFetch, ratio: null });
      memory[`${engine}, pool`] = poolServer.peakRssMb();
      await poolServer.stop();

      // Several nodes on one PostgreSQL database: the same workloads, spread over two processes.
      if (engine === 'PostgreSQL') {
        const nodes = [await startParley(poolUrl, 4104), await startParley(poolUrl, 4105)];
        const urlsOf = nodes.map((node) => node.url);
        const twoNodes = `${label}, two nodes`;
        const oneNode = (workload: string) => rows.find((r) => r.engine === label && r.workload === workload)!;
        const compare = async (workload: string, spec: Workload) => {
          const m = await measureAcross(urlsOf, AUTH, spec);
          rows.push({
            engine: twoNodes,
            workload,
            connections: CONNECTIONS,
            ...m,
            ratio: m.requestsPerSecond / oneNode(workload).requestsPerSecond,
            ratioOf: 'one node',
          });
        };
        await compare('session fetch', { method: 'GET', paths: fetchPaths });
        await compare('session create', { method: 'POST', paths: [poolBase], body: 'Ttl=3600' });
        // Sessions the one-node run did not reach, and identifiers carrying on from it.
        const unused = participantPaths.slice(next);
        await compare('participant create (auto-selected number)', {
          method: 'POST',
          paths: unused,
          bodyFor: () => `Identifier=${encodeURIComponent(identifiers[next++ % identifiers.length]!)}`,
        });
        let message2 = 0;
        await compare('inbound message routed (simulator)', {
          method: 'POST',
          paths: ['/simulator/v1/Messages'],
          bodyFor: () => {
            const route = pool.routes[message2++ % pool.routes.length]!;
            return `From=${encodeURIComponent(route.from)}&To=${encodeURIComponent(route.to)}&Body=hello`;
          },
        });
        memory[`${engine}, two nodes`] = Math.max(...nodes.map((node) => node.peakRssMb()));
        for (const node of nodes) await node.stop();
      }
    }

    const report = renderReport(rows, memory, { durationSeconds: DURATION_SECONDS, connections: levels }, lossCheck);
    process.stdout.write('\n' + report + '\n');
    writeFileSync('bench/results/latest.json', JSON.stringify({ date: new Date().toISOString(), rows, memory, lossCheck }, null, 2) + '\n');
    if (process.env.BENCH_NO_README !== '1') updateReadme(report);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function log(message: string): void {
  process.stdout.write(`[bench] ${message}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
