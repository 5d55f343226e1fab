// The expiry job: closes sessions whose expiry has passed and frees their numbers, every
// PARLEY_EXPIRY_SWEEP_MS and whenever the simulator's clock moves. Reads already show such
// sessions closed (sessions.expiry.ts `asOf`); this writes it down, so the state is durable and
// the numbers can be chosen again.

import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { SessionsService } from '../resources/sessions/sessions.service.js';
import { PeriodicJob } from './periodic-job.js';

export function expirySweeper(sessions: SessionsService, clock: Clock, intervalMs: number, log: Logger): PeriodicJob {
  return new PeriodicJob(
    { name: 'expiry sweep', intervalMs },
    async (stopping) => {
      const closed = await sessions.closeExpired(clock.now(), stopping);
      if (closed > 0) log.info({ count: closed }, 'closed expired sessions');
    },
    log,
  );
}
