// How long a `parley` command takes, start to exit, as an operator runs it: the built CLI
// (`node bin/parley.js …`, what the installed bin runs), on a SQLite file with one account. Each
// command runs BENCH_RUNS times (10); its CPU time and its wall time (median, slowest) are reported, beside a bare
// `node -e 0` and beside importing the whole server (what every command loaded before it loaded
// only its own code). `serve` is timed to its banner. Run: npm run build && npx tsx bench/cli-startup.ts

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const BIN = ['--max-semi-space-size=4', 'bin/parley.js'];

/**
 * CPU time (user + system) of the children this process has waited for, in ms, from /proc (Linux;
 * 10 ms ticks): unlike wall time, it hardly moves when other work shares the machine's cores.
 */
function childrenCpuMs(): number {
  if (!existsSync('/proc/self/stat')) return NaN;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // cutime and cstime are fields 16 and 17 of stat(5); fields[0] here is field 3.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function timed(args: string[], env: NodeJS.ProcessEnv): { wall: number; cpu: number } {
  const cpu = childrenCpuMs();
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const wall = performance.now() - started;
  if (run.status !== 0 && !args.includes('frobnicate')) throw new Error(`${args.join(' ')}: exit ${run.status}\n${run.stderr}`);
  return { wall, cpu: childrenCpuMs() - cpu };
}

function toBanner(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...BIN, 'serve'], {
      env: { ...env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let ms: number | null = null;
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (ms === null && /auth token +\S+/.test(output)) {
        ms = performance.now() - started;
        child.kill('SIGTERM');
      }
    });
    child.once('exit', (code) => (ms !== null ? resolve(ms) : reject(new Error(`serve exited (${code}) before its banner:\n${output}`))));
  });
}

function summary(samples: number[]): { median: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: Math.round(sorted[Math.floor(sorted.length / 2)]!), max: Math.round(sorted.at(-1)!) };
}

async function main(): Promise<void> {
  if (!existsSync('dist/cli.js')) throw new Error('dist/ is missing: npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-bench-'));
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: `sqlite:${join(dir, 'parley.db')}`,
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_SHUTDOWN_DRAIN_MS: '0',
    };
    delete env.PARLEY_ACCOUNT_SID;
    delete env.PARLEY_AUTH_TOKEN;
    spawnSync(process.execPath, [...BIN, 'migrate'], { env });
    const created = spawnSync(process.execPath, [...BIN, 'accounts', 'create'], { env, encoding: 'utf8' }).stdout;
    const account = /account_sid (AC[0-9a-f]{32})/.exec(created)![1]!;
    const rows: Array<[string, string[]]> = [
      ['node -e 0 (Node itself)', ['-e', '0']],
      ['import dist/server.js (the whole server)', ['--input-type=module', '-e', "await import('./dist/server.js')"]],
      ['parley --version', [...BIN, '--version']],
      ['parley help', [...BIN, 'help']],
      ['parley frobnicate (usage error)', [...BIN, 'frobnicate']],
      ['parley migrate (up to date)', [...BIN, 'migrate']],
      ['parley accounts list', [...BIN, 'accounts', 'list']],
      ['parley keys list --account AC…', [...BIN, 'keys', 'list', '--account', account]],
      ['parley accounts token AC…', [...BIN, 'accounts', 'token', account]],
    ];
    console.log(`| command | CPU ms, median | wall ms, median | wall ms, slowest of ${RUNS} |\n|---|---|---|---|`);
    for (const [name, args] of rows) {
      const samples = Array.from({ length: RUNS }, () => timed(args, env));
      const wall = summary(samples.map((sample) => sample.wall));
      console.log(`| ${name} | ${summary(samples.map((sample) => sample.cpu)).median} | ${wall.median} | ${wall.max} |`);
    }
    const banners: number[] = [];
    for (let i = 0; i < RUNS; i++) banners.push(await toBanner(env));
    const { median, max } = summary(banners);
    console.log(`| parley serve, to its banner | | ${median} | ${max} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
