// The `parley` command as a user runs it: `node --import tsx src/cli.ts …` in a child process;
// `parley serve` through server-process.ts, with what its banner says read out.

import { spawn } from 'node:child_process';
import { CLI, launchServe } from './server-process.js';
import type { ServeProcess } from './server-process.js';

export { CLI };

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one command to its end. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export interface RunningServer extends ServeProcess {
  url: string;
  sid: string;
  /** Null when the banner does not print it (a later start, or PARLEY_AUTH_TOKEN's). */
  token: string | null;
  banner: string;
}

/** `parley serve` until its banner is out (PORT=0 in env picks a free port). */
export async function serve(env: NodeJS.ProcessEnv): Promise<RunningServer> {
  // No drain on stop: these tests stop the server, they do not test its shutdown.
  const server = await launchServe({ PARLEY_SHUTDOWN_DRAIN_MS: '0', ...env });
  const banner = server.output();
  return {
    ...server,
    url: server.baseUrl,
    sid: /account SID +(AC[0-9a-f]{32})/.exec(banner)![1]!,
    token: /auth token +([^\s(]\S*)/.exec(banner)?.[1] ?? null,
    banner,
  };
}

export function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}
