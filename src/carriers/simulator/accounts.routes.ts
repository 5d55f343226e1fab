// The emulator's admin API: an account per test suite, created and deleted over HTTP
// (accounts/account-admin.ts), so parallel suites on one server each get their own data and their
// own clock. On only with PARLEY_CARRIER=simulator and PARLEY_ADMIN_TOKEN set (app.ts); otherwise
// these paths are unknown (404). The caller shows the token as a bearer token, not Basic
// credentials: no account owns this API.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AccountAdmin } from '../../accounts/account-admin.js';
import { formatDate } from '../../common/dates.js';
import { bearerAuth } from '../../http/bearer-auth.js';
import { onlyMethods } from '../../http/routing.js';
import { TextParam } from '../../http/schema-kit.js';

const AccountResource = Type.Object({
  sid: Type.String(),
  auth_token: Type.String(),
  friendly_name: Type.String(),
  date_created: Type.String(),
});

const CreateBody = Type.Object({ FriendlyName: Type.Optional(TextParam('FriendlyName', 255)) });

export function adminRoutes(app: FastifyInstance, admin: AccountAdmin, token: string): void {
  app.register(async (scope) => {
    scope.addHook('onRequest', bearerAuth(token, 'Parley emulator admin'));
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
