// A real `parley serve` process (node --import tsx src/cli.ts serve), as test/e2e/cli.test.ts starts
// it: for tests that kill the server (SIGKILL), restart it on the same database, or run several
// nodes at once. Its output is kept; with PARLEY_LOG_LEVEL set, the JSON log lines can be read back.

import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './app.js';
import { HttpClient } from './http-client.js';

const CLI = ['--import', 'tsx', 'src/cli.ts', 'serve'];

export interface ServerProcess {
  readonly pid: number;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** Authenticated as the test account. */
  readonly api: HttpClient;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** The JSON log lines written so far (pino's), parsed. */
  logs(): Array<Record<string, unknown>>;
  /** True until the process has exited. */
  alive(): boolean;
  /** Sends SIGKILL and resolves once the process is gone (with the signal that ended it). */
  kill(): Promise<NodeJS.Signals | null>;
  /** Sends SIGTERM (a clean shutdown) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts a server on a free loopback port with the test account's credentials and these extra
 * variables (DATABASE_URL at least); resolves once its banner is printed.
 */
export async function spawnServer(env: Record<string, string>, startTimeoutMs = 30_000): Promise<ServerProcess> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    PARLEY_ACCOUNT_SID: TEST_ACCOUNT_SID,
    PARLEY_AUTH_TOKEN: TEST_AUTH_TOKEN,
    PARLEY_LOG_LEVEL: 'warn',
    ...env,
  };
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, CLI, {
    env: childEnv,
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

  const deadline = Date.now() + startTimeoutMs;
  while (!/API at (http:\/\/\S+)\/v1/.test(output)) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const baseUrl = /API at (http:\/\/\S+)\/v1/.exec(output)![1]!;
  return {
    pid: child.pid!,
    baseUrl,
    api: new HttpClient(baseUrl, { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN }),
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
    alive: () => child.exitCode === null && child.signalCode === null,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return (await exited).signal;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      // A shutdown that hangs must not hang the test run.
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
