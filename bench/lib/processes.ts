// Starting the measured servers as processes of their own, and reading their memory.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Server {
  url: string;
  process: ChildProcess;
  /** Peak resident memory so far, in MB (VmHWM). */
  peakRssMb(): number;
  stop(): Promise<void>;
}

export const BENCH_ACCOUNT_SID = 'AC' + 'b'.repeat(32);
export const BENCH_AUTH_TOKEN = 'bench-token-0123456789';

/** `env` adds variables of the server's own (PARLEY_METRICS_TOKEN, say). */
export async function startParley(databaseUrl: string, port: number, env: Record<string, string> = {}): Promise<Server> {
  // The same flags as `npm start` (package.json).
  const child = spawn(process.execPath, ['--max-semi-space-size=4', 'bin/parley.js', 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      PARLEY_ACCOUNT_SID: BENCH_ACCOUNT_SID,
      PARLEY_AUTH_TOKEN: BENCH_AUTH_TOKEN,
      PARLEY_LOG_LEVEL: 'warn',
      // Stopped between runs: nothing to drain for.
      PARLEY_SHUTDOWN_DRAIN_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitForOutput(child, /Parley is serving/);
  return server(child, `http://127.0.0.1:${port}`);
}

export async function startRaw(port: number): Promise<Server> {
  const child = spawn(process.execPath, ['bench/raw-server.mjs'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitForOutput(child, /listening/);
  return server(child, `http://127.0.0.1:${port}`);
}

function server(child: ChildProcess, url: string): Server {
  return {
    url,
    process: child,
    peakRssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kb / 1024);
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}
