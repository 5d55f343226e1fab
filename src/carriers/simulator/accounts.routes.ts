// The emulator's admin API: an account per test suite, created and deleted over HTTP
// (accounts/account-admin.ts), so parallel suites on one server each get their own data and their
// own clock. On only with PARLEY_CARRIER=simulator and PARLEY_ADMIN_TOKEN set (app.ts); otherwise
// these paths are unknown (404). The caller shows the token as a bearer token, not Basic
// credentials: no account owns this API.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccountAdmin } from '../../accounts/account-admin.js';
import { formatDate } from '../../common/dates.js';
import { ApiError } from '../../errors/api-error.js';
import { onlyMethods } from '../../http/routing.js';
import { TextParam } from '../../http/schema-kit.js';

const AccountResource = Type.Object({
  sid: Type.String(),
  auth_token: Type.String(),
  friendly_name: Type.String(),
  date_created: Type.String(),
});

const CreateBody = Type.Object({ FriendlyName: Type.Optional(TextParam('FriendlyName', 255)) });

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="Parley emulator admin"' };

/** Checks `Authorization: Bearer <token>` against PARLEY_ADMIN_TOKEN in constant time (equal-length digests). */
function bearer(token: string) {
  const expected = createHash('sha256').update(token).digest();
  return async function authorizeAdmin(request: FastifyRequest): Promise<void> {
    const match = /^Bearer\s+(\S{1,1024})\s*$/i.exec(request.headers.authorization ?? '');
    const given = createHash('sha256')
      .update(match?.[1] ?? '')
      .digest();
    if (match === null || !timingSafeEqual(given, expected)) throw new ApiError(20003, { headers: CHALLENGE });
  };
}

export function adminRoutes(app: FastifyInstance, admin: AccountAdmin, token: string): void {
  app.register(async (scope) => {
    scope.addHook('onRequest', bearer(token));
    const api = scope.withTypeProvider<TypeBoxTypeProvider>();

    api.post('/simulator/v1/Accounts', { schema: { body: CreateBody, response: { 201: AccountResource } } }, async (request, reply) => {
      const account = await admin.create(request.body.FriendlyName || undefined);
      return reply.code(201).send({
        sid: account.sid,
        auth_token: account.auth_token,
        friendly_name: account.friendly_name,
        date_created: formatDate(account.date_created)!,
      });
    });

    api.delete('/simulator/v1/Accounts/:AccountSid', async (request, reply) => {
      await admin.delete((request.params as { AccountSid: string }).AccountSid);
      return reply.code(204).send();
    });

    onlyMethods(scope, '/simulator/v1/Accounts', ['POST']);
    onlyMethods(scope, '/simulator/v1/Accounts/:AccountSid', ['DELETE']);
  });
}
