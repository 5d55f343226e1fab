// PostgreSQL's session counters (migration 0009): the triggers append +1/-1 rows, and this job
// folds them into the totals every few seconds, so a scrape sums a few rows, not a growing log.
// It runs whether or not metrics are on (the triggers always write), on every node: concurrent
// compactions are safe (metrics/session-counts.repository.ts). SQLite needs none.

import type { Logger } from '../common/logger.js';
import type { Db } from '../db/unit-of-work.js';
import { compactSessionCounts } from '../metrics/session-counts.repository.js';
import { PeriodicJob } from './periodic-job.js';

export const SESSION_COUNTS_COMPACTION_MS = 5000;

export function sessionCountsJob(db: Db, log: Logger, intervalMs = SESSION_COUNTS_COMPACTION_MS): PeriodicJob {
  return new PeriodicJob({ name: 'session counts', intervalMs }, () => compactSessionCounts(db), log);
}
