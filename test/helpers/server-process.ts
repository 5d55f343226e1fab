// A real `parley serve` process (node --import tsx src/cli.ts serve), as a user or a supervisor
// runs it: for tests that kill the server (SIGKILL), restart it on the same database, or run
// several nodes at once. `launchServe` starts it with exactly the environment given (the CLI
// tests); `spawnServer` with the test account's credentials. Its output is kept; with
// PARLEY_LOG_LEVEL set, the JSON log lines can be read back. A shutdown that hangs is ended with
// SIGKILL after a generous wait, and every way the process ended is reported (`exitReport`).

import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './app.js';
import { GENEROUS_MS, sleep } from './eventually.js';
import { HttpClient } from './http-client.js';

/** Absolute, so that the process may run in any working directory (as a service manager starts it). */
export const CLI = ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('../../src/cli.ts', import.meta.url))];
/** The banner's last line of interest: the whole banner is out once it is (it is written at once). */
const BANNER = /auth token +\S+/;

export interface ServeProcess {
  readonly pid: number;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** The JSON log lines written so far (pino's), parsed. */
  logs(): Array<Record<string, unknown>>;
  /** True until the process has exited. */
  alive(): boolean;
  /** Sends SIGKILL and resolves once the process is gone (with the signal that ended it). */
  kill(): Promise<NodeJS.Signals | null>;
  /** Sends SIGTERM (a clean shutdown) and resolves with the exit code: null if a signal ended it. */
  stop(): Promise<number | null>;
  /** How the process ended (exit code or signal, how long its shutdown took) and its last output. */
  exitReport(): string;
}

export interface ServerProcess extends ServeProcess {
  /** Authenticated as the test account. */
  readonly api: HttpClient;
}

/**
 * `parley serve` with this environment (PORT=0 picks a free port), once its banner is out; with
 * `args` after `serve`, in the test's working directory unless `cwd` names another.
 */
export async function launchServe(
  env: NodeJS.ProcessEnv,
  startTimeoutMs = 2 * GENEROUS_MS,
  { cwd, args = [] }: { cwd?: string; args?: string[] } = {},
): Promise<ServeProcess> {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, [...CLI, 'serve', ...args], {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (output += chunk));
  child.stderr.on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  let stopping: { sentAt: number; killed: boolean } | null = null;
  let ended: { code: number | null; signal: NodeJS.Signals | null; at: number } | null = null;
  void exited.then((exit) => (ended = { ...exit, at: Date.now() }));

  const deadline = Date.now() + startTimeoutMs;
  while (!BANNER.test(output)) {
    if (!alive() || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start:\n${output}`);
    }
    await sleep(25);
  }
  return {
    pid: child.pid!,
    baseUrl: /API at (http:\/\/\S+)\/v1/.exec(output)![1]!,
    output: () => output,
    logs: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    alive,
    kill: async () => {
      if (alive()) child.kill('SIGKILL');
      return (await exited).signal;
    },
    stop: async () => {
      if (alive()) {
        stopping = { sentAt: Date.now(), killed: false };
        child.kill('SIGTERM');
      }
      // A shutdown that hangs must not hang the test run: it fails it, with the report.
      const timer = setTimeout(() => {
        if (stopping !== null) stopping.killed = true;
        child.kill('SIGKILL');
      }, 2 * GENEROUS_MS);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
    exitReport: () => {
      const how =
        ended === null
          ? 'still running'
          : ended.signal !== null
            ? `ended by ${ended.signal}${stopping?.killed ? ' (the shutdown hung: the test killed it)' : ''}`
            : `exited with code ${ended.code}`;
      const shutdown = stopping !== null && ended !== null ? `, ${ended.at - stopping.sentAt} ms after SIGTERM` : '';
      return `the server ${how}${shutdown}; its output ends:\n${output.slice(-3000)}`;
    },
  };
}

/**
 * Starts a server on a free loopback port with the test account's credentials and these extra
 * variables (DATABASE_URL at least); resolves once its banner is printed.
 */
export async function spawnServer(env: Record<string, string>, startTimeoutMs?: number): Promise<ServerProcess> {
  const server = await launchServe(
    {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      PARLEY_ACCOUNT_SID: TEST_ACCOUNT_SID,
      PARLEY_AUTH_TOKEN: TEST_AUTH_TOKEN,
      PARLEY_LOG_LEVEL: 'warn',
      // No drain before closing (5 s by default): nothing balances load across these servers.
      PARLEY_SHUTDOWN_DRAIN_MS: '0',
      ...env,
    },
    startTimeoutMs,
  );
  return { ...server, api: new HttpClient(server.baseUrl, { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN }) };
}
