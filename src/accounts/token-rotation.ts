// Twilio's auth-token rotation: create a secondary token, move the clients over while both
// authenticate, then promote it (it becomes the auth token, which also signs the account's
// callbacks, and the old one stops working) or delete it. Not for the account whose token comes
// from PARLEY_AUTH_TOKEN: its next start would set the token back, so it rotates by changing the
// variable. A running server sees each change within the authenticator's cache time (5 s).

import type { Clock } from '../common/clock.js';
import { deleteSecondaryToken as clearSecondary, promoteSecondaryToken as promote, updateAccount } from './accounts.repository.js';
import { AdminRefusal, existingAccount, newAuthToken } from './accounts.service.js';
import type { Db } from '../db/unit-of-work.js';

export interface Tokens {
  authToken: string;
  secondaryAuthToken: string | null;
}

/** Both tokens of an account (the CLI shows them; the banner prints a stored token only once). */
export async function accountTokens(db: Db, sid: string): Promise<Tokens> {
  const account = await existingAccount(db, sid);
  return { authToken: account.auth_token, secondaryAuthToken: account.secondary_auth_token };
}

/** A new secondary token, replacing any earlier one (as Twilio's create does). */
export async function createSecondaryToken(db: Db, clock: Clock, sid: string, configuredSid: string | null): Promise<string> {
  await rotatable(db, sid, configuredSid);
  const token = newAuthToken();
  await updateAccount(db, sid, { secondary_auth_token: token, date_updated: clock.now() });
  return token;
}

/** The secondary token becomes the auth token; the old auth token is retired. */
export async function promoteSecondaryToken(db: Db, clock: Clock, sid: string, configuredSid: string | null): Promise<void> {
  await rotatable(db, sid, configuredSid);
  // Conditional in the UPDATE itself: of two promotions racing, the second finds nothing to promote.
  if (!(await promote(db, sid, clock.now()))) throw new AdminRefusal(`${sid} has no secondary token`);
}

export async function deleteSecondaryToken(db: Db, clock: Clock, sid: string, configuredSid: string | null): Promise<void> {
  await rotatable(db, sid, configuredSid);
  if (!(await clearSecondary(db, sid, clock.now()))) throw new AdminRefusal(`${sid} has no secondary token`);
}

async function rotatable(db: Db, sid: string, configuredSid: string | null): Promise<void> {
  if (sid === configuredSid) {
    throw new AdminRefusal(`${sid} takes its auth token from PARLEY_AUTH_TOKEN: rotate it by changing PARLEY_AUTH_TOKEN and restarting`);
  }
  await existingAccount(db, sid);
}
