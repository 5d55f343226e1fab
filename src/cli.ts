#!/usr/bin/env node
// The `parley` command: serve (what `npm start` runs), migrate, and account and key administration.

import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { accountsCommand, keysCommand, UsageError } from './cli/admin-commands.js';
import { startServer } from './server.js';

const USAGE = `Usage: parley <command>

Commands:
  serve                                   run the API server (migrates the database first)
  migrate                                 bring the database schema up to date and exit
  accounts create [--name N] [--rate-limit R] [--rate-burst B]
                                          a new account: prints its SID and auth token
  accounts list                           every account
  accounts set AC… [--name N] [--rate-limit R|off|default] [--rate-burst B|off|default]
  keys create --account AC… [--name N]    a new API key: prints its SID and secret (shown once)
  keys list --account AC…                 the account's API keys
  keys revoke SK…                         the key stops working (within 5 seconds on a running server)
  help                                    show this text

Configuration comes from the environment (PORT, HOST, DATABASE_URL, PARLEY_ACCOUNT_SID,
PARLEY_AUTH_TOKEN, PARLEY_PUBLIC_URL, ...); see the README.
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      name: { type: 'string' },
      account: { type: 'string' },
      'rate-limit': { type: 'string' },
      'rate-burst': { type: 'string' },
    },
  });
  const command = positionals[0] ?? 'help';
  switch (command) {
    case 'accounts':
    case 'keys': {
      const database = openDatabase(loadConfig().databaseUrl);
      try {
        await migrateToLatest(database.db);
        const run = command === 'accounts' ? accountsCommand : keysCommand;
        await run(database.db, positionals[1], positionals.slice(2), values);
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
    case '--help':
    case '-h':
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
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
