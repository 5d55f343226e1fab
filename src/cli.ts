#!/usr/bin/env node
// The `parley` command: serve (what `npm start` runs), migrate, account and key administration,
// and data-subject erasure.

import { parseArgs } from 'node:util';
import { AdminRefusal } from './accounts/accounts.service.js';
import { loadConfig, ConfigError } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { accountsCommand, keysCommand } from './cli/admin-commands.js';
import { UsageError } from './cli/cli-kit.js';
import type { AdminContext, Options } from './cli/cli-kit.js';
import { eraseCommand } from './cli/erase-command.js';
import { startServer } from './server.js';

const USAGE = `Usage: parley <command>

Commands:
  serve                                   run the API server (migrates the database first)
  migrate                                 bring the database schema up to date and exit
  accounts create [--name N] [--rate-limit R] [--rate-burst B]
                                          a new account: prints its SID and auth token
  accounts list                           every account
  accounts set AC… [--name N] [--rate-limit R|off|default] [--rate-burst B|off|default]
  accounts token AC…                      the account's auth token (and secondary token, if any)
  accounts secondary-token AC…            a new secondary token: authenticates beside the auth token
  accounts secondary-token AC… --promote  the secondary token becomes the auth token (signs callbacks);
                                          the old auth token stops working
  accounts secondary-token AC… --delete   the secondary token stops working
  accounts delete AC…                     the account and everything it owns, in one transaction
  keys create --account AC… [--name N]    a new API key: prints its SID and secret (shown once)
  keys list --account AC…                 the account's API keys
  keys revoke SK…                         the key stops working (within 5 seconds on a running server)
  erase-number +1… --account AC…          erase one person's number from the account (prints counts)
  help                                    show this text

Configuration comes from the environment (PORT, HOST, DATABASE_URL, PARLEY_ACCOUNT_SID,
PARLEY_AUTH_TOKEN, PARLEY_PUBLIC_URL, ...); see the README.
`;

/** Strict: a mistyped flag (`--promte`) must stop the command, not be ignored by it. */
function parse(argv: string[]): { positionals: string[]; values: Options } {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string' },
        account: { type: 'string' },
        'rate-limit': { type: 'string' },
        'rate-burst': { type: 'string' },
        promote: { type: 'boolean' },
        delete: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    // Node's message goes on about '--' for positionals; its first sentence says what is wrong.
    throw new UsageError((err instanceof Error ? err.message : String(err)).split('. ')[0]!);
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parse(argv);
  const command = values.help === true ? 'help' : (positionals[0] ?? 'help');
  switch (command) {
    case 'accounts':
    case 'keys':
    case 'erase-number': {
      const config = loadConfig();
      const database = openDatabase(config.databaseUrl);
      try {
        await migrateToLatest(database.db);
        const context: AdminContext = { database, config };
        if (command === 'erase-number') await eraseCommand(context, positionals.slice(1), values);
        else await (command === 'accounts' ? accountsCommand : keysCommand)(context, positionals[1], positionals.slice(2), values);
      } finally {
        await database.destroy();
      }
      return 0;
    }
    case 'serve':
      await startServer(loadConfig());
      return -1; // keep running
    case 'migrate': {
      const config = loadConfig();
      const database = openDatabase(config.databaseUrl);
      try {
        const applied = await migrateToLatest(database.db);
        process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
      } finally {
        await database.destroy();
      }
      return 0;
    }
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`parley: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    // Configuration problems get one line naming the variable; anything else a short reason.
    const message = err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err);
    process.stderr.write(`parley: ${message}\n`);
    process.exit(err instanceof UsageError || err instanceof AdminRefusal ? 2 : 1);
  },
);
