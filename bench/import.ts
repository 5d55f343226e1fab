// `npx tsx bench/import.ts [--postgres URL]`: how long `parley import twilio-proxy` takes to copy
// 10,000 sessions with their participants (two each) from a source that speaks Twilio's Proxy
// API: a built Parley (`bin/parley.js serve`, npm start's flags) on a database filled straight
// through the repositories (test/helpers/proxy-source.ts). The import runs as a user runs it
// (`node bin/parley.js import twilio-proxy …`, its own process) into a fresh database, then again
// (everything unchanged), then once more with --dry-run: wall time from spawn to exit, and the
// importer's peak memory (VmHWM). The source is a Parley on SQLite each time (it stands in for
// Twilio); the target is SQLite, and PostgreSQL too with --postgres URL (or
// PARLEY_BENCH_DATABASE_URL / PARLEY_TEST_DATABASE_URL). The figures go to the terminal and to
// bench/results/import.md, between its import-bench markers.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccountWithSid } from '../src/accounts/accounts.service.js';
import { systemClock } from '../src/common/clock.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { populateSource } from '../test/helpers/proxy-source.js';
import { benchPostgresServer, createPgDatabase, dropPgDatabase } from './lib/postgres.js';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, startParley } from './lib/processes.js';
import { machineDescription, replaceSection } from './lib/report.js';

const SESSIONS = Number(process.env.BENCH_IMPORT_SESSIONS ?? 10_000);
const RESULTS = 'bench/results/import.md';

interface Run {
  name: string;
  seconds: number;
  peakMb: number;
  status: number | null;
  /** The report's sessions row: created, updated, unchanged, refused. */
  sessions: string;
  participants: string;
}

async function main(): Promise<void> {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed');
  const scratch = mkdtempSync(join(tmpdir(), 'parley-bench-import-'));
  const pgServer = process.argv[2] === '--postgres' ? process.argv[3] : benchPostgresServer();
  const engines: Array<{ engine: string; url: (name: string) => Promise<string>; drop: (url: string) => Promise<void> }> = [
    { engine: 'SQLite', url: async (name) => `sqlite:${join(scratch, `${name}.db`)}`, drop: async () => {} },
  ];
  if (pgServer !== undefined) {
    engines.push({ engine: 'PostgreSQL', url: (name) => createPgDatabase(pgServer, name), drop: (url) => dropPgDatabase(pgServer, url) });
  }
  const sections: string[] = [];
  try {
    for (const { engine, url, drop } of engines) {
      // The source stands in for Twilio: a Parley on SQLite each time; only the target's engine varies.
      const sourceUrl = `sqlite:${join(scratch, `source-${engine}.db`)}`;
      const targetUrl = await url('import_target');
      const seeded = await seedSource(sourceUrl);
      await migrate(targetUrl);
      const source = await startParley(sourceUrl, 4201);
      const runs: Run[] = [];
      try {
        const args = [
          '--include-closed',
          '--account-sid',
          BENCH_ACCOUNT_SID,
          '--auth-token',
          BENCH_AUTH_TOKEN,
          '--from-url',
          source.url,
          '--database-url',
          targetUrl,
        ];
        for (const [name, extra] of [
          ['first import (fresh database)', []],
          ['second import (nothing changed)', []],
          ['--dry-run', ['--dry-run']],
        ] as const) {
          const run = await timed(name, [...args, ...extra]);
          console.log(`${engine}: ${run.name}: ${run.seconds.toFixed(1)} s, ${run.peakMb} MB`);
          runs.push(run);
        }
      } finally {
        await source.stop();
        await drop(targetUrl);
      }
      sections.push(render(engine, seeded, runs));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const header = [
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npx tsx bench/import.ts\` on ${machineDescription()}:`,
    'the source (a built Parley on SQLite, standing in for Twilio), the importer and the target database on the same',
    `cores. ${SESSIONS.toLocaleString('en')} sessions in one service (9 in 10 active; all imported: --include-closed), two participants`,
    'each, a pool of 100 numbers. Wall time of the whole command, start-up included.',
  ];
  replaceSection(RESULTS, 'import-bench', [...header, '', ...sections].join('\n'));
}

async function seedSource(url: string): Promise<string> {
  const started = performance.now();
  const handle = openDatabase(url, { timeoutMs: 600_000 });
  try {
    await migrateToLatest(handle.db);
    await createAccountWithSid(handle.queries, systemClock, BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, 'bench');
    const source = await populateSource(handle, BENCH_ACCOUNT_SID, { sessions: SESSIONS });
    return `Source seeded in ${((performance.now() - started) / 1000).toFixed(1)} s (${source.sessions.length} sessions, ${source.participants.length} participants).`;
  } finally {
    await handle.destroy();
  }
}

async function migrate(url: string): Promise<void> {
  const handle = openDatabase(url, { checkpoints: false });
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.destroy();
  }
}

/** One import as a user runs it, timed from spawn to exit; its memory read from /proc while it runs. */
function timed(name: string, args: string[]): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['bin/parley.js', 'import', 'twilio-proxy', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const poll = setInterval(() => {
      try {
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
      } catch {
        // exited between two polls
      }
    }, 50);
    child.once('error', reject);
    child.once('close', (status) => {
      clearInterval(poll);
      const seconds = (performance.now() - started) / 1000;
      if (status !== 0) return reject(new Error(`${name}: exit ${status}\n${stdout}\n${stderr}`));
      const row = (resource: string) => new RegExp(`^  ${resource} +(.+)$`, 'm').exec(stdout)?.[1]?.trim().split(/\s+/).join(' / ') ?? '?';
      resolve({ name, seconds, peakMb: Math.round(peakKb / 1024), status, sessions: row('sessions'), participants: row('participants') });
    });
  });
}

function render(engine: string, seeded: string, runs: Run[]): string {
  return [
    `### ${engine}`,
    '',
    seeded,
    '',
    '| run | seconds | peak memory MB | sessions created / updated / unchanged / refused | participants |',
    '|---|---:|---:|---|---|',
    ...runs.map((r) => `| ${r.name} | ${r.seconds.toFixed(1)} | ${r.peakMb} | ${r.sessions} | ${r.participants} |`),
    '',
  ].join('\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
