// `parley accounts …` and `parley keys …`: tenant and credential administration, straight on the
// database named by DATABASE_URL (a running server sees the changes within a few seconds).

import { deleteAccount } from '../accounts/account-deletion.js';
import { deleteApiKey, findAccount, listAccounts, listApiKeys, updateAccount } from '../accounts/accounts.repository.js';
import { createAccount, createApiKey } from '../accounts/accounts.service.js';
import { systemClock } from '../common/clock.js';
import { formatDate } from '../common/dates.js';
import { counts, note, out, text, UsageError } from './cli-kit.js';
import type { AdminContext, Options } from './cli-kit.js';
import { secondaryTokenCommand, tokenCommand } from './token-commands.js';

/** A non-negative integer option; `off` or 0 turns a rate limit off, `default` clears it (null). */
function rate(options: Options, name: string): number | null | undefined {
  const value = text(options, name);
  if (value === undefined) return undefined;
  if (value === 'default') return null;
  if (value === 'off') return 0;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`--${name} must be a whole number, "off" or "default"`);
  return Number(value);
}

export async function accountsCommand(context: AdminContext, action: string | undefined, args: string[], options: Options): Promise<void> {
  const db = context.database.queries;
  switch (action) {
    case 'create': {
      const account = await createAccount(db, systemClock, {
        friendlyName: text(options, 'name'),
        rateLimit: rate(options, 'rate-limit'),
        rateBurst: rate(options, 'rate-burst'),
      });
      out([`account_sid ${account.sid}`, `auth_token  ${account.auth_token}`]);
      return;
    }
    case 'list': {
      const accounts = await listAccounts(db);
      if (accounts.length === 0) note('no accounts (parley accounts create makes one; so does the first parley serve)');
      for (const account of accounts) {
        out([
          `${account.sid}  ${formatDate(account.date_created)}  rate ${account.rate_limit ?? 'default'}/${account.rate_burst ?? 'default'}  ${account.friendly_name}`,
        ]);
      }
      return;
    }
    case 'set': {
      const sid = args[0];
      if (sid === undefined) throw new UsageError('parley accounts set AC… [--rate-limit N] [--rate-burst N] [--name NAME]');
      const changes = {
        friendly_name: text(options, 'name'),
        rate_limit: rate(options, 'rate-limit'),
        rate_burst: rate(options, 'rate-burst'),
      };
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      if (Object.keys(defined).length === 0) throw new UsageError('nothing to change: give --rate-limit, --rate-burst or --name');
      if (!(await updateAccount(db, sid, { ...defined, date_updated: Date.now() }))) throw new UsageError(`no account ${sid}`);
      out([`updated ${sid}`]);
      return;
    }
    case 'token':
      return tokenCommand(context, args);
    case 'secondary-token':
      return secondaryTokenCommand(context, args, options);
    case 'delete': {
      const sid = args[0];
      if (sid === undefined) throw new UsageError('parley accounts delete AC…');
      const deleted = await deleteAccount(context.database.transactions, sid, context.config.accountSid);
      out(counts(`deleted ${sid}; rows removed:`, Object.entries(deleted)));
      return;
    }
    default:
      throw new UsageError('parley accounts create|list|set|token|secondary-token|delete …');
  }
}

export async function keysCommand(context: AdminContext, action: string | undefined, args: string[], options: Options): Promise<void> {
  const db = context.database.queries;
  switch (action) {
    case 'create': {
      const account = text(options, 'account');
      if (account === undefined) throw new UsageError('parley keys create --account AC… [--name NAME]');
      const key = await createApiKey(db, systemClock, account, text(options, 'name'));
      if (key === undefined) throw new UsageError(`no account ${account}`);
      out([`key_sid ${key.sid}`, `secret  ${key.secret}`, '(the secret is shown only now; Parley keeps only a hash of it)']);
      return;
    }
    case 'list': {
      const account = text(options, 'account');
      if (account === undefined || (await findAccount(db, account)) === undefined) throw new UsageError('parley keys list --account AC…');
      const keys = await listApiKeys(db, account);
      if (keys.length === 0) note(`no API keys for ${account}`);
      for (const key of keys) out([`${key.sid}  ${formatDate(key.date_created)}  ${key.friendly_name}`]);
      return;
    }
    case 'revoke': {
      const sid = args[0];
      if (sid === undefined) throw new UsageError('parley keys revoke SK…');
      // Revoking deletes the key: one revoked before is gone, like one that never was.
      if (!(await deleteApiKey(db, sid))) throw new UsageError(`no key ${sid}: it is already revoked, or never existed`);
      out([`revoked ${sid}`]);
      return;
    }
    default:
      throw new UsageError('parley keys create|list|revoke …');
  }
}
