// Every `parley` command: the options and arguments it takes, and what it runs. A command's code
// is imported only when that command runs (`import()`), so `parley --version` or `parley keys
// list` does not load Fastify and every route of the server first.

import { loadConfigWith, ConfigError } from '../config.js';
import type { Config } from '../config.js';
import { UsageError } from './cli-kit.js';
import type { AdminContext, Options } from './cli-kit.js';

type OptionSpecs = Record<string, { type: 'string' | 'boolean' }>;

export interface Call {
  /** The arguments after the command's words (SIDs, the number). */
  args: string[];
  options: Options;
}

export interface Command {
  readonly options: OptionSpecs;
  /** How many arguments may follow the command's words. */
  readonly args: number;
  /** Resolves with the exit status, or null while the command keeps running (serve). */
  run(call: Call): Promise<number | null>;
}

const text = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;
const DATABASE: OptionSpecs = { 'database-url': text };
const ACCOUNT_FIELDS: OptionSpecs = { name: text, 'rate-limit': text, 'rate-burst': text };
/** Declared here, not in import-command.ts: loading that module would load the importer for every command. */
const IMPORT_OPTIONS: OptionSpecs = {
  'account-sid': text,
  'auth-token': text,
  service: text,
  'include-closed': flag,
  interactions: flag,
  'dry-run': flag,
  'from-url': text,
  'keep-auth-token': flag,
  concurrency: text,
};
/** The variables options override, so that a bad value is reported by the option's name. */
const OVERRIDES: Record<string, string> = { port: 'PORT', host: 'HOST', 'database-url': 'DATABASE_URL' };

/** The configuration, with the options' values in place of their variables'. */
export function configFor(options: Options): Config {
  const overrides = Object.fromEntries(
    Object.entries(OVERRIDES).map(([option, variable]) => [variable, typeof options[option] === 'string' ? options[option] : undefined]),
  );
  try {
    return loadConfigWith(overrides);
  } catch (err) {
    const option = Object.keys(OVERRIDES).find((name) => OVERRIDES[name] === (err as ConfigError).variable);
    if (err instanceof ConfigError && option !== undefined && overrides[err.variable] !== undefined) {
      throw new UsageError(`--${option}${err.message.slice(err.variable.length)}`);
    }
    throw err;
  }
}

type Action = (context: AdminContext, call: Call) => Promise<void>;

/** A command on an existing database (never creates one: existing-database.ts). */
function admin(options: OptionSpecs, args: number, action: Action): Command {
  return {
    options: { ...options, ...DATABASE },
    args,
    run: async (call) => {
      const config = configFor(call.options);
      const { withExistingDatabase } = await import('./existing-database.js');
      await withExistingDatabase(config, (context) => action(context, call));
      return 0;
    },
  };
}

const accounts =
  (action: string): Action =>
  async (context, call) =>
    (await import('./admin-commands.js')).accountsCommand(context, action, call.args, call.options);
const keys =
  (action: string): Action =>
  async (context, call) =>
    (await import('./admin-commands.js')).keysCommand(context, action, call.args, call.options);

export const COMMANDS: Readonly<Record<string, Command>> = {
  serve: {
    options: { port: text, host: text, ...DATABASE },
    args: 0,
    run: async (call) => {
      const config = configFor(call.options);
      await (await import('../server.js')).startServer(config);
      return null;
    },
  },
  migrate: {
    options: DATABASE,
    args: 0,
    run: async (call) => {
      const config = configFor(call.options);
      await (await import('./migrate-command.js')).migrateCommand(config);
      return 0;
    },
  },
  'accounts create': admin(ACCOUNT_FIELDS, 0, accounts('create')),
  'accounts list': admin({}, 0, accounts('list')),
  'accounts set': admin(ACCOUNT_FIELDS, 1, accounts('set')),
  'accounts token': admin({}, 1, accounts('token')),
  'accounts secondary-token': admin({ promote: flag, delete: flag }, 1, accounts('secondary-token')),
  'accounts delete': admin({}, 1, accounts('delete')),
  'keys create': admin({ account: text, name: text }, 0, keys('create')),
  'keys list': admin({ account: text }, 0, keys('list')),
  'keys revoke': admin({}, 1, keys('revoke')),
  'erase-number': admin({ account: text }, 1, async (context, call) =>
    (await import('./erase-command.js')).eraseCommand(context, call.args, call.options),
  ),
  // Not admin(): a backup reads the database as it is (no migration), a restore may create it.
  backup: {
    options: { force: flag, ...DATABASE },
    args: 1,
    run: async (call) => {
      await (await import('./backup-command.js')).backupCommand(configFor(call.options), call.args, call.options);
      return 0;
    },
  },
  restore: {
    options: DATABASE,
    args: 1,
    run: async (call) => {
      await (await import('./restore-command.js')).restoreCommand(configFor(call.options), call.args);
      return 0;
    },
  },
  // Its own exit statuses (3: some records refused), so not admin()'s.
  'import twilio-proxy': {
    options: { ...IMPORT_OPTIONS, ...DATABASE },
    args: 0,
    run: async (call) => (await import('./import-command.js')).importCommand(configFor(call.options), call.options),
  },
};

/** `parley accounts` and `parley keys` name a group; alone, they are answered with its actions. */
export const GROUPS: Readonly<Record<string, string>> = {
  accounts: 'parley accounts create|list|set|token|secondary-token|delete …',
  keys: 'parley keys create|list|revoke …',
  import: 'parley import twilio-proxy --account-sid AC… --auth-token TOKEN …',
};
