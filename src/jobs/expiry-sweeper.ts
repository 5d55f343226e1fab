// The expiry job: closes sessions whose expiry has passed and frees their numbers, every
// PARLEY_EXPIRY_SWEEP_MS and whenever the simulator's clock moves. Reads already show such
// sessions closed (sessions.expiry.ts `asOf`); this writes it down, so the state is durable and
// the numbers can be chosen again. Each account's sessions expire by its own clock: one pass at
// real time for all, then one per account whose clock is ahead (common/clock.ts ClockScope).

import type { ClockScopes } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { SessionsService } from '../resources/sessions/sessions.service.js';
import { PeriodicJob } from './periodic-job.js';

export function expirySweeper(sessions: SessionsService, clocks: ClockScopes, intervalMs: number, log: Logger): PeriodicJob {
  return new PeriodicJob(
    { name: 'expiry sweep', intervalMs },
    async (stopping) => {
      let closed = 0;
      for (const scope of await clocks.scopes()) closed += await sessions.closeExpired(scope, stopping);
      if (closed > 0) log.info({ count: closed }, 'closed expired sessions');
    },
    log,
  );
}
