import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AdjustableClock } from '../../common/clock.js';
import { missingParameter } from '../../errors/api-error.js';
import type { PeriodicJob } from '../../jobs/periodic-job.js';
import type { OutboxWorker } from '../../outbox/outbox.worker.js';
import { formatDate } from '../../common/dates.js';
import { optionalInteger } from '../../http/params.js';
import { onlyMethods } from '../../http/routing.js';
import { IntegerParam } from '../../http/schema-kit.js';

const ClockResource = Type.Object({
  now: Type.String(),
  now_ms: Type.Integer(),
  offset_seconds: Type.Number(),
});

/** Ten years: enough to pass any TTL, small enough to stay far from Date's limits. */
const MAX_ADVANCE = 10 * 366 * 24 * 3600;

/** The emulator's controllable clock: move time forward to test TTL and expiry without sleeping. */
export function clockRoutes(
  app: FastifyInstance,
  clock: AdjustableClock,
  sweeper: PeriodicJob,
  outbox: OutboxWorker,
  retention: PeriodicJob,
): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const render = () => ({ now: formatDate(clock.now())!, now_ms: clock.now(), offset_seconds: clock.offsetSeconds });

  api.get('/simulator/v1/Clock', { schema: { response: { 200: ClockResource } } }, async () => render());

  api.post(
    '/simulator/v1/Clock',
    { schema: { body: Type.Object({ Advance: IntegerParam('Advance') }), response: { 200: ClockResource } } },
    async (request) => {
      const seconds = optionalInteger('Advance', request.body.Advance, MAX_ADVANCE);
      if (seconds === undefined) throw missingParameter('Advance');
      clock.advance(seconds);
      // Before the answer: sessions that expired on the way close and free their numbers,
      // callbacks whose retry came due are delivered, and what outlived PARLEY_RETENTION_DAYS goes.
      await sweeper.run();
      await outbox.drain();
      await retention.run();
      return render();
    },
  );

  onlyMethods(app, '/simulator/v1/Clock', ['GET', 'POST']);
}
