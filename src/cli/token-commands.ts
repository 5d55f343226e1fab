// `parley accounts token` and `parley accounts secondary-token`: showing an account's tokens
// (the banner prints a stored one only on the start that generated it) and Twilio's rotation
// flow: create a secondary token, move the clients to it, promote it (or delete it).

import { accountTokens, createSecondaryToken, deleteSecondaryToken, promoteSecondaryToken } from '../accounts/token-rotation.js';
import { systemClock } from '../common/clock.js';
import { out, UsageError } from './cli-kit.js';
import type { AdminContext, Options } from './cli-kit.js';

const WITHIN = '(within 5 seconds on a running server)';

export async function tokenCommand(context: AdminContext, args: string[]): Promise<void> {
  const sid = args[0];
  if (sid === undefined) throw new UsageError('parley accounts token AC…');
  const tokens = await accountTokens(context.database.queries, sid);
  out([
    `auth_token           ${tokens.authToken}`,
    ...(tokens.secondaryAuthToken === null ? [] : [`secondary_auth_token ${tokens.secondaryAuthToken}`]),
  ]);
}

export async function secondaryTokenCommand(context: AdminContext, args: string[], options: Options): Promise<void> {
  const sid = args[0];
  if (sid === undefined || (options.promote === true && options.delete === true)) {
    throw new UsageError('parley accounts secondary-token AC… [--promote | --delete]');
  }
  const db = context.database.queries;
  const configured = context.config.accountSid;
  if (options.promote === true) {
    await promoteSecondaryToken(db, systemClock, sid, configured);
    out([`promoted the secondary token of ${sid}: it is the auth token and signs callbacks; the old auth token no longer works ${WITHIN}`]);
  } else if (options.delete === true) {
    await deleteSecondaryToken(db, systemClock, sid, configured);
    out([`deleted the secondary token of ${sid}: it no longer works ${WITHIN}`]);
  } else {
    const token = await createSecondaryToken(db, systemClock, sid, configured);
    out([
      `secondary_auth_token ${token}`,
      `(it works beside the auth token; then parley accounts secondary-token ${sid} --promote, or --delete)`,
    ]);
  }
}
