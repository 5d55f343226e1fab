// The `parley` command as a user runs it: `node --import tsx src/cli.ts …` in a child process.

import { spawn } from 'node:child_process';

export const CLI = ['--import', 'tsx', 'src/cli.ts'];

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

export interface RunningServer {
  url: string;
  sid: string;
  /** Null when the banner does not print it (a later start, or PARLEY_AUTH_TOKEN's). */
  token: string | null;
  banner: string;
  stop(): Promise<number | null>;
}

/** `parley serve` until its banner is out (PORT=0 in env picks a free port). */
export async function serve(env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const child = spawn(process.execPath, [...CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 20_000;
  while (!/auth token +\S+/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGTERM');
      throw new Error(`server did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: /API at (http:\/\/\S+)\/v1/.exec(output)![1]!,
    sid: /account SID +(AC[0-9a-f]{32})/.exec(output)![1]!,
    token: /auth token +([^\s(]\S*)/.exec(output)?.[1] ?? null,
    banner: output,
    stop: () =>
      new Promise<number | null>((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

export function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}
