import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedAccount, Authenticator } from '../accounts/authenticator.js';
import { ApiError } from '../errors/api-error.js';
import type { SignInGuard } from './sign-in-guard.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The account the request authenticated as; set by the auth hook on every API route. */
    accountSid: string;
    /** Its rate limits, for the rate limiter. */
    account: AuthenticatedAccount | null;
  }
}

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="Twilio API"' };

/**
 * HTTP Basic with the account SID and auth token (or an API key and its secret), as every Twilio
 * client sends it. A failed sign-in counts against the client's address (sign-in-guard.ts).
 */
export function basicAuth(authenticator: Authenticator, guard: SignInGuard) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    guard.check(request.ip);
    const credentials = parseBasic(request.headers.authorization);
    const account = credentials && (await authenticator.authenticate(credentials.username, credentials.password));
    if (!account) {
      // A request that offered no credentials at all guessed nothing.
      if (request.headers.authorization !== undefined) guard.failed(request.ip);
      throw new ApiError(20003, { headers: CHALLENGE });
    }
    guard.succeeded(request.ip);
    request.accountSid = account.sid;
    request.account = account;
  };
}

function parseBasic(header: string | undefined): { username: string; password: string } | null {
  if (header === undefined || header.length > 1024) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
