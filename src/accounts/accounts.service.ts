import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import { newSid } from '../http/sids.js';
import { findAccount, findOldestAccount, insertAccount, updateAuthToken } from './accounts.repository.js';

export interface DefaultAccount {
  sid: string;
  authToken: string;
  /** True when the credentials come from the database rather than the environment. */
  stored: boolean;
  /** True when this start created them. */
  created: boolean;
}

/**
 * The account the API accepts: PARLEY_ACCOUNT_SID/PARLEY_AUTH_TOKEN when set (created or
 * updated to match), else the one generated on the first start and kept in the database.
 */
export async function ensureDefaultAccount(
  db: Kysely<Database>,
  clock: Clock,
  configured: { sid: string; authToken: string } | null,
): Promise<DefaultAccount> {
  const now = clock.now();
  if (configured !== null) {
    const existing = await findAccount(db, configured.sid);
    if (existing === undefined) {
      await insertAccount(db, account(configured.sid, configured.authToken, now));
    } else if (existing.auth_token !== configured.authToken) {
      await updateAuthToken(db, configured.sid, configured.authToken, now);
    }
    return { ...configured, stored: false, created: existing === undefined };
  }
  const oldest = await findOldestAccount(db);
  if (oldest !== undefined) return { sid: oldest.sid, authToken: oldest.auth_token, stored: true, created: false };
  const generated = account(newSid('AC'), randomBytes(16).toString('hex'), now);
  await insertAccount(db, generated);
  return { sid: generated.sid, authToken: generated.auth_token, stored: true, created: true };
}

function account(sid: string, authToken: string, now: number) {
  return { sid, auth_token: authToken, friendly_name: 'Parley account', date_created: now, date_updated: now };
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Compares digests, which have equal length, so the time taken says nothing about the guess. */
export function secretMatches(given: string, expectedDigest: Buffer): boolean {
  return timingSafeEqual(digest(given), expectedDigest);
}

const CACHE_MS = 5_000;

/**
 * Checks Basic credentials against the accounts table. Tokens are cached for a few seconds so
 * a busy API does not read the accounts table on every request; a changed token applies within
 * CACHE_MS.
 */
export class Authenticator {
  readonly #cache = new Map<string, { tokenDigest: Buffer | null; until: number }>();

  constructor(private readonly db: Kysely<Database>) {}

  /** Returns the account SID the credentials belong to, or null. */
  async authenticate(username: string, password: string): Promise<string | null> {
    if (!/^AC[0-9a-fA-F]{32}$/.test(username)) return null;
    const tokenDigest = await this.#tokenDigestOf(username);
    return tokenDigest !== null && secretMatches(password, tokenDigest) ? username : null;
  }

  async #tokenDigestOf(sid: string): Promise<Buffer | null> {
    const now = Date.now(); // real time, not the emulator's clock: this is a cache lifetime
    const cached = this.#cache.get(sid);
    if (cached !== undefined && cached.until > now) return cached.tokenDigest;
    const row = await findAccount(this.db, sid);
    const tokenDigest = row === undefined ? null : digest(row.auth_token);
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(sid, { tokenDigest, until: now + CACHE_MS });
    return tokenDigest;
  }
}
