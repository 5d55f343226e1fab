// The retention job: privacy/retention.service.ts's purge every hour, at start-up, and whenever the
// simulator's clock moves (clock.routes.ts runs it before answering). Each account's data ages by
// its own clock: one pass at real time for all, then one per account whose clock is ahead.

import type { ClockScopes } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { Db } from '../db/unit-of-work.js';
import { purgeOldData } from '../privacy/retention.service.js';
import { PeriodicJob } from './periodic-job.js';

const HOUR_MS = 3_600_000;

export function retentionJob(db: Db, clocks: ClockScopes, retentionDays: number, log: Logger, intervalMs = HOUR_MS): PeriodicJob {
  return new PeriodicJob(
    { name: 'retention', intervalMs, runAtStart: true },
    async (stopping) => {
      for (const scope of await clocks.scopes()) {
        const purged = await purgeOldData(db, scope, retentionDays, stopping);
        if (Object.values(purged).some((count) => count > 0)) log.info(purged, 'retention: purged old data');
      }
    },
    log,
  );
}
