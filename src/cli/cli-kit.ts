// What every `parley` administration command shares: its context, option reading, output, and
// the error that means "you asked for something the command cannot do" (exit status 2).

import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';

export class UsageError extends Error {}

/** The database named by DATABASE_URL, and the configuration the server runs with. */
export interface AdminContext {
  database: DatabaseHandle;
  config: Config;
}

export type Options = Record<string, string | boolean | undefined>;

export function text(options: Options, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function out(lines: string[]): void {
  process.stdout.write(lines.join('\n') + '\n');
}

/** A remark for the person at the terminal ("no API keys"): on stderr, so stdout stays one line per item. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** `title`, then one indented line per count, names padded so the numbers line up. */
export function counts(title: string, rows: Array<[string, number]>): string[] {
  const width = Math.max(...rows.map(([name]) => name.length));
  return [title, ...rows.map(([name, count]) => `  ${name.padEnd(width)}  ${count}`)];
}
