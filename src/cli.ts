#!/usr/bin/env node
// The `parley` command: serve (what `npm start` runs) and migrate.

import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { startServer } from './server.js';

const USAGE = `Usage: parley <command>

Commands:
  serve     run the API server (migrates the database first)
  migrate   bring the database schema up to date and exit
  help      show this text

Configuration comes from the environment (PORT, HOST, DATABASE_URL, PARLEY_ACCOUNT_SID,
PARLEY_AUTH_TOKEN, PARLEY_PUBLIC_URL, ...); see the README.
`;

async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const command = positionals[0] ?? 'help';
  switch (command) {
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
    process.exit(1);
  },
);
