// `npx tsx bench/startup.ts`: how long `npm start` takes to answer, from spawning it to the first
// 200 on /healthz: once from a fresh clone's state (no dist/: the build runs first), then, three
// times, on the up-to-date build that leaves (the median is what the README quotes).
// `--up-to-date` skips the fresh start (it deletes and rebuilds dist/, a minute or more).
// Each start gets a new SQLite file in a scratch folder, so migrations run every time, as on a
// first start of a new installation.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawns `npm start` and answers the seconds until /healthz said 200; the process group is then stopped. */
async function timeStart(scratch: string, label: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(npm, ['start'], {
    cwd: root,
    detached: true, // its own process group: npm, the shell and node stop together
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(scratch, `${label}.db`)}`,
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_SHUTDOWN_DRAIN_MS: '0',
    },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (label === 'fresh') process.stderr.write(`  | ${chunk}`);
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${stderr}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (response.status === 200) return (performance.now() - started) / 1000;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'parley-startup-'));
  try {
    if (!process.argv.includes('--up-to-date')) {
      rmSync(join(root, 'dist'), { recursive: true, force: true });
      console.log('fresh clone (no dist/): npm start builds, then serves');
      console.log(`  ${(await timeStart(scratch, 'fresh')).toFixed(1)} s to the first 200 on /healthz`);
    }
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push(await timeStart(scratch, `up-to-date-${i}`));
    runs.sort((a, b) => a - b);
    console.log('up-to-date build: npm start checks the sources, then serves');
    console.log(`  ${runs[1]!.toFixed(2)} s median to the first 200 on /healthz (runs: ${runs.map((s) => s.toFixed(2)).join(', ')})`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
