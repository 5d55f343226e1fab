#!/usr/bin/env node
// The `parley` command: serve (what `npm start` runs), migrate, account and key administration,
// data-subject erasure, backup and restore. Strict: an unknown command, option or argument stops it (exit 2) with
// the usage, and only the code of the command asked for is loaded (cli/commands.ts).

import { parseArgs } from 'node:util';
import { ConfigError } from './config.js';
import { UsageError } from './cli/cli-kit.js';
import type { Options } from './cli/cli-kit.js';
import { COMMANDS, GROUPS } from './cli/commands.js';
import type { Command } from './cli/commands.js';
import { USAGE } from './cli/usage.js';

/** Input the command does not know at all: answered with the whole usage. */
class UnknownInput extends UsageError {}

function parse(args: string[], command: Command, name: string): { positionals: string[]; values: Options } {
  let parsed: { positionals: string[]; values: Options };
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    // Node's message goes on about '--' for positionals; its first sentence says what is wrong.
    const reason = (err instanceof Error ? err.message : String(err)).split('. ')[0]!;
    throw new (/^Unknown option/.test(reason) ? UnknownInput : UsageError)(`${reason} for parley ${name}`);
  }
  const extra = parsed.positionals[command.args];
  if (extra !== undefined && parsed.values.help !== true) throw new UnknownInput(`unexpected argument "${extra}" for parley ${name}`);
  return parsed;
}

/** Splits off the command's words (`accounts create`) and parses the rest for that command. */
async function main(argv: string[]): Promise<number | null> {
  const [given = 'help', second] = argv;
  const first = ALIASES[given] ?? given;
  if (first.startsWith('-')) throw new UnknownInput(`unknown option "${first}"`);
  const group = GROUPS[first];
  if (group !== undefined && (second === undefined || second.startsWith('-'))) {
    if (second === '--help' || second === '-h') return help();
    throw new UsageError(group);
  }
  const name = group === undefined ? first : `${first} ${second}`;
  const command = COMMANDS[name] ?? BUILT_IN[name] ?? null;
  if (command === null) throw new UnknownInput(`unknown command "${name}"`);
  const { positionals, values } = parse(argv.slice(group === undefined ? 1 : 2), command, name);
  if (values.help === true) return help();
  return command.run({ args: positionals, options: values });
}

function help(): number {
  process.stdout.write(USAGE);
  return 0;
}

const ALIASES: Record<string, string> = { '--help': 'help', '-h': 'help', '--version': 'version' };
const BUILT_IN: Record<string, Command> = {
  help: { options: {}, args: 0, run: async () => help() },
  version: {
    options: {},
    args: 0,
    run: async () => {
      process.stdout.write(`${(await import('./cli/version.js')).packageVersion()}\n`);
      return 0;
    },
  },
};

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exit(code);
  },
  (err: unknown) => {
    // Configuration problems get one line naming the variable; anything else a short reason.
    const message = err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err);
    process.stderr.write(`parley: ${message}\n${err instanceof UnknownInput ? `\n${USAGE}` : ''}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
