// The retention job: privacy/retention.service.ts's purge every hour, at start-up, and whenever the
// simulator's clock moves (clock.routes.ts runs it before answering).

import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { Db } from '../db/unit-of-work.js';
import { purgeOldData } from '../privacy/retention.service.js';
import { PeriodicJob } from './periodic-job.js';

const HOUR_MS = 3_600_000;

export function retentionJob(db: Db, clock: Clock, retentionDays: number, log: Logger, intervalMs = HOUR_MS): PeriodicJob {
  return new PeriodicJob(
    { name: 'retention', intervalMs, runAtStart: true },
    async (stopping) => {
      const purged = await purgeOldData(db, clock.now(), retentionDays, stopping);
      if (Object.values(purged).some((count) => count > 0)) log.info(purged, 'retention: purged old data');
    },
    log,
  );
}
