import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedAccount, Authenticator } from '../accounts/authenticator.js';
import { ApiError } from '../errors/api-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The account the request authenticated as; set by the auth hook on every API route. */
    accountSid: string;
    /** Its rate limits, for the rate limiter. */
    account: AuthenticatedAccount | null;
  }
}

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="Twilio API"' };

/** HTTP Basic with the account SID and auth token, as every Twilio client sends it. */
export function basicAuth(authenticator: Authenticator) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const credentials = parseBasic(request.headers.authorization);
    const account = credentials && (await authenticator.authenticate(credentials.username, credentials.password));
    if (!account) throw new ApiError(20003, undefined, { headers: CHALLENGE });
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
