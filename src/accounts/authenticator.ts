// Checks HTTP Basic credentials, as Twilio accepts them: an account SID with its auth token (or
// its secondary token, while a rotation is under way), or an API key SID (SK…) with its secret.
// Answers are cached for a few seconds so a busy API does not read these tables on every request;
// a changed token or a revoked key applies within CACHE_MS.

import * as crypto from 'node:crypto';
import { findAccount, findApiKey } from './accounts.repository.js';
import { hashSecret } from './accounts.service.js';
import type { Db } from '../db/unit-of-work.js';

export interface AuthenticatedAccount {
  sid: string;
  rateLimit: number | null;
  rateBurst: number | null;
}

interface Credential {
  account: AuthenticatedAccount;
  /** SHA-256 of what the password may hash to (the primary and secondary tokens, or the salted key secret). */
  expected: Buffer[];
  /** Salt for API key secrets; empty for auth tokens. */
  salt: string;
}

export const CACHE_MS = 5_000;
const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const KEY_SID = /^SK[0-9a-fA-F]{32}$/;

// Every request hashes its password: the one-shot crypto.hash (Node 20.12 on) costs a third less
// than a Hash object.
const sha256: (text: string) => Buffer =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'buffer')
    : (text) => crypto.createHash('sha256').update(text).digest();

export class Authenticator {
  readonly #cache = new Map<string, { credential: Credential | null; until: number }>();

  constructor(private readonly db: Db) {}

  async authenticate(username: string, password: string): Promise<AuthenticatedAccount | null> {
    return (await this.signIn(username, password))?.account ?? null;
  }

  /**
   * authenticate(), also answering the digest the password matched: the console keeps it, so a
   * session signed in with a token that was since rotated away ends (stillValid()).
   */
  async signIn(username: string, password: string): Promise<{ account: AuthenticatedAccount; digest: string } | null> {
    if (!ACCOUNT_SID.test(username) && !KEY_SID.test(username)) return null;
    const credential = await this.#credentialOf(username);
    if (credential === null) return null;
    const given = credential.salt === '' ? sha256(password) : Buffer.from(hashSecret(credential.salt, password), 'hex');
    // Equal-length digests, and every one compared (no early exit): the time taken says nothing
    // about how close the guess was, nor which token it matched.
    let matched = false;
    for (const expected of credential.expected) matched = crypto.timingSafeEqual(given, expected) || matched;
    return matched ? { account: credential.account, digest: given.toString('hex') } : null;
  }

  /** The account whose credential still matches a digest signIn() answered, or null (revoked, rotated, deleted). */
  async stillValid(username: string, digest: string): Promise<AuthenticatedAccount | null> {
    if (!ACCOUNT_SID.test(username) && !KEY_SID.test(username)) return null;
    const credential = await this.#credentialOf(username);
    const given = Buffer.from(digest, 'hex');
    return credential !== null && credential.expected.some((expected) => expected.equals(given)) ? credential.account : null;
  }

  /** Drops the cached answers, so the next request reads the tables again (tests, after a rotation). */
  forget(): void {
    this.#cache.clear();
  }

  async #credentialOf(username: string): Promise<Credential | null> {
    const now = Date.now(); // real time, not the emulator's clock: this is a cache lifetime
    const cached = this.#cache.get(username);
    if (cached !== undefined && cached.until > now) return cached.credential;
    const credential = await this.#load(username);
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(username, { credential, until: now + CACHE_MS });
    return credential;
  }

  async #load(username: string): Promise<Credential | null> {
    if (username.startsWith('AC')) {
      const account = await findAccount(this.db, username);
      if (account === undefined) return null;
      const tokens = account.secondary_auth_token === null ? [account.auth_token] : [account.auth_token, account.secondary_auth_token];
      return { account: accountOf(account), expected: tokens.map(sha256), salt: '' };
    }
    const key = await findApiKey(this.db, username);
    const account = key && (await findAccount(this.db, key.account_sid));
    if (key === undefined || account === undefined) return null;
    return { account: accountOf(account), expected: [Buffer.from(key.secret_hash, 'hex')], salt: key.secret_salt };
  }
}

function accountOf(row: { sid: string; rate_limit: number | null; rate_burst: number | null }): AuthenticatedAccount {
  return { sid: row.sid, rateLimit: row.rate_limit, rateBurst: row.rate_burst };
}
