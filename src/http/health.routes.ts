// The probes, without credentials. `/healthz/live`: the process answers (an orchestrator restarts
// it when not); no database, so an outage does not get healthy nodes restarted. `/healthz/ready`:
// send it traffic (lifecycle/readiness.ts: not draining, schema current, writes commit).
// `/healthz`: as it always was, for the setups that use it: the database is reachable and, after
// a storage fault, takes writes again (db/storage-health.ts).

import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DatabaseHandle } from '../db/database.js';
import type { Readiness } from '../lifecycle/readiness.js';

const Status = Type.Object({ status: Type.String() });
const Ready = Type.Object({ status: Type.String(), failed: Type.Array(Type.String()) });

export function healthRoutes(app: FastifyInstance, database: DatabaseHandle, readiness: Readiness): void {
  app.get('/healthz', { schema: { response: { 200: Status, 503: Status } } }, async (_request, reply) => {
    const ready = await database.ping();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable' });
  });

  app.get('/healthz/live', { schema: { response: { 200: Status } } }, async () => ({ status: 'ok' }));

  app.get('/healthz/ready', { schema: { response: { 200: Ready, 503: Ready } } }, async (_request, reply) => {
    const { ready, failed } = await readiness.check();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', failed });
  });
}
