// `Authorization: Bearer <token>` for the paths no account owns (the emulator's admin API,
// GET /metrics). Compared in constant time: both sides are hashed first, so the comparison takes
// as long whatever the given token's length, and a refusal is Twilio's 401 with a challenge.

import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../errors/api-error.js';

/** An onRequest hook that lets through only requests showing `token`; `realm` names what it guards. */
export function bearerAuth(token: string, realm: string) {
  const expected = createHash('sha256').update(token).digest();
  const challenge = { 'WWW-Authenticate': `Bearer realm="${realm}"` };
  return async function authorizeBearer(request: FastifyRequest): Promise<void> {
    const match = /^Bearer\s+(\S{1,1024})\s*$/i.exec(request.headers.authorization ?? '');
    const given = createHash('sha256')
      .update(match?.[1] ?? '')
      .digest();
    if (match === null || !timingSafeEqual(given, expected)) throw new ApiError(20003, { headers: challenge });
  };
}
