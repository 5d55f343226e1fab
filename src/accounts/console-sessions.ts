// Who is signed in to the web console (/console). Signing in takes the same credentials as the
// API's Basic auth (an account SID and auth token, or an API key and secret), checked by the same
// Authenticator. A session is a random token in an HttpOnly cookie; the database keeps its SHA-256,
// the account, what signed in (and the digest its secret matched), and the CSRF token every form of that session must carry.
// Lifetimes are real time, not the emulator's clock: advancing an account's clock by a day must
// not sign its user out.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import type { ConsoleSessionRow } from '../db/schema.js';
import type { Db } from '../db/unit-of-work.js';
import type { AuthenticatedAccount, Authenticator } from './authenticator.js';
import {
  deleteConsoleSession,
  deleteExpiredConsoleSessions,
  findConsoleSession,
  insertConsoleSession,
} from './console-sessions.repository.js';

/** How long a console session lasts after sign-in. */
export const CONSOLE_SESSION_SECONDS = 8 * 3600;

export interface ConsoleSession {
  account: AuthenticatedAccount;
  credentialSid: string;
  csrfToken: string;
  expiresAt: number;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export class ConsoleSessions {
  constructor(
    private readonly db: Db,
    private readonly authenticator: Authenticator,
    private readonly clock: Clock,
  ) {}

  /** A new session for good credentials (its cookie token and the session), or null. */
  async signIn(username: string, password: string): Promise<{ token: string; session: ConsoleSession } | null> {
    const signed = await this.authenticator.signIn(username, password);
    if (signed === null) return null;
    const { account } = signed;
    const now = this.clock.now();
    await deleteExpiredConsoleSessions(this.db, now, 100);
    const token = randomBytes(32).toString('base64url');
    const row: ConsoleSessionRow = {
      token_hash: hashOf(token),
      account_sid: account.sid,
      credential_sid: username,
      credential_digest: signed.digest,
      csrf_token: randomBytes(24).toString('base64url'),
      date_created: now,
      expires_at: now + CONSOLE_SESSION_SECONDS * 1000,
    };
    await insertConsoleSession(this.db, row);
    return { token, session: { account, credentialSid: username, csrfToken: row.csrf_token, expiresAt: row.expires_at } };
  }

  /** The session a cookie token names, while it lasts and what signed in still exists; else null. */
  async resume(token: string): Promise<ConsoleSession | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const row = await findConsoleSession(this.db, hashOf(token), this.clock.now());
    if (row === undefined) return null;
    // A revoked API key, a token rotated away, or a deleted account ends its console sessions too.
    const account = await this.authenticator.stillValid(row.credential_sid, row.credential_digest);
    if (account === null || account.sid !== row.account_sid) return null;
    return { account, credentialSid: row.credential_sid, csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  async signOut(token: string): Promise<void> {
    if (/^[A-Za-z0-9_-]{43}$/.test(token)) await deleteConsoleSession(this.db, hashOf(token));
  }
}

/** Whether a form's CSRF token is the session's, compared in constant time. */
export function csrfMatches(session: ConsoleSession, given: string | undefined): boolean {
  if (given === undefined) return false;
  const expected = Buffer.from(session.csrfToken);
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
