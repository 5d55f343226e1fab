// Accounts (tenants) and their API keys. An account's auth token is kept as it is, because it
// signs the account's callbacks (an HMAC needs the token itself); an API key's secret only ever
// exists as a salted hash once it has been shown to whoever created the key.

import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import type { AccountRow } from '../db/schema.js';
import { newSid } from '../common/sids.js';
import * as repo from './accounts.repository.js';
import type { Db } from '../db/unit-of-work.js';

/** An administrative change Parley will not make (its message says why); the CLI exits 2 with it. */
export class AdminRefusal extends Error {}

/** The refusal of a change to an account that does not exist. */
export class NoSuchAccount extends AdminRefusal {}

/** A new auth token: 128 random bits, hex, like the ones Twilio hands out. */
export function newAuthToken(): string {
  return randomBytes(16).toString('hex');
}

/** The account, or a refusal naming the SID that matches none. */
export async function existingAccount(db: Db, sid: string): Promise<AccountRow> {
  const account = await repo.findAccount(db, sid);
  if (account === undefined) throw new NoSuchAccount(`no account ${sid}`);
  return account;
}

export interface DefaultAccount {
  sid: string;
  authToken: string;
  /** True when the credentials come from the database rather than the environment. */
  stored: boolean;
  /** True when this start created them. */
  created: boolean;
}

/**
 * The account `parley serve` announces: PARLEY_ACCOUNT_SID/PARLEY_AUTH_TOKEN when set (created or
 * updated to match), else the oldest account, generated on the first start.
 */
export async function ensureDefaultAccount(
  db: Db,
  clock: Clock,
  configured: { sid: string; authToken: string } | null,
): Promise<DefaultAccount> {
  const now = clock.now();
  if (configured !== null) {
    const existing = await repo.findAccount(db, configured.sid);
    if (existing === undefined) {
      await repo.insertAccount(db, accountRow(configured.sid, configured.authToken, 'Parley account', now));
    } else if (existing.auth_token !== configured.authToken) {
      await repo.updateAccount(db, configured.sid, { auth_token: configured.authToken, date_updated: now });
    }
    return { ...configured, stored: false, created: existing === undefined };
  }
  const oldest = await repo.findOldestAccount(db);
  if (oldest !== undefined) return { sid: oldest.sid, authToken: oldest.auth_token, stored: true, created: false };
  const generated = await createAccount(db, clock, { friendlyName: 'Parley account' });
  return { sid: generated.sid, authToken: generated.auth_token, stored: true, created: true };
}

export interface NewAccount {
  friendlyName?: string;
  rateLimit?: number | null;
  rateBurst?: number | null;
}

export async function createAccount(db: Db, clock: Clock, input: NewAccount = {}): Promise<AccountRow> {
  const row = accountRow(newSid('AC'), newAuthToken(), input.friendlyName ?? 'Parley account', clock.now());
  row.rate_limit = input.rateLimit ?? null;
  row.rate_burst = input.rateBurst ?? null;
  await repo.insertAccount(db, row);
  return row;
}

/** An account whose SID was chosen elsewhere: `parley import twilio-proxy` keeps the Twilio account's. */
export async function createAccountWithSid(
  db: Db,
  clock: Clock,
  sid: string,
  authToken: string,
  friendlyName: string,
): Promise<AccountRow> {
  const row = accountRow(sid, authToken, friendlyName, clock.now());
  await repo.insertAccount(db, row);
  return row;
}

function accountRow(sid: string, authToken: string, friendlyName: string, now: number): AccountRow {
  return {
    sid,
    auth_token: authToken,
    friendly_name: friendlyName,
    rate_limit: null,
    rate_burst: null,
    secondary_auth_token: null,
    clock_offset_ms: 0,
    date_created: now,
    date_updated: now,
  };
}

export function hashSecret(salt: string, secret: string): string {
  return createHash('sha256').update(salt).update(secret).digest('hex');
}

/** A new API key of the account: its SID and secret (the secret is not stored, only its hash). */
export async function createApiKey(
  db: Db,
  clock: Clock,
  accountSid: string,
  friendlyName = 'API key',
): Promise<{ sid: string; secret: string } | undefined> {
  if ((await repo.findAccount(db, accountSid)) === undefined) return undefined;
  const sid = newSid('SK');
  const secret = randomBytes(24).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  const now = clock.now();
  await repo.insertApiKey(db, {
    sid,
    account_sid: accountSid,
    friendly_name: friendlyName,
    secret_salt: salt,
    secret_hash: hashSecret(salt, secret),
    date_created: now,
    date_updated: now,
  });
  return { sid, secret };
}

/** The token that signs the account's callbacks (X-Twilio-Signature): its auth token. Undefined once the account is gone. */
export async function signingToken(db: Db, accountSid: string): Promise<string | undefined> {
  return (await repo.findAccount(db, accountSid))?.auth_token;
}
