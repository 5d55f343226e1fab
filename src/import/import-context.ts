// What every step of an import shares, and how a step writes: it plans from what the target holds
// (reads only), then applies the plan in the same unit of work, so what it decided is what it
// writes. A dry run plans outside any transaction and applies nothing.

import type { AccountClock } from '../common/clock.js';
import type { Carrier, NumberCheck } from '../config.js';
import { isTransientConflict, isUniqueViolation } from '../db/constraint-errors.js';
import type { Transactions } from '../db/database.js';
import type { Db, UnitOfWork } from '../db/unit-of-work.js';
import { AssignmentConflict } from '../pool/pool.repository.js';
import type { ImportReport } from './import-report.js';
import type { ProxyApiClient } from './proxy-api-client.js';

export interface ImportProgress {
  serviceSid: string;
  /** `listing`: the first pass over the service's sessions (counting them); `importing`: the second. */
  stage: 'listing' | 'importing';
  done: number;
  /** Null while listing (the total is not known yet). */
  total: number | null;
}

export interface ImportContext {
  readonly database: { readonly queries: Db; readonly transactions: Transactions };
  readonly source: ProxyApiClient;
  readonly accountSid: string;
  readonly clock: AccountClock;
  readonly carrier: Carrier;
  readonly numberCheck: NumberCheck;
  readonly dryRun: boolean;
  readonly includeClosed: boolean;
  readonly interactions: boolean;
  /** Requests to the source in flight at once (a page's participants). */
  readonly concurrency: number;
  readonly report: ImportReport;
  readonly progress: (event: ImportProgress) => void;
}

export interface Plan {
  /** What the plan does, merged into the run's report once it is written (or, in a dry run, planned). */
  readonly tally: ImportReport;
}

/** Times a unit is planned again after losing a race for a key (a live server wrote meanwhile). */
const ATTEMPTS = 3;

/**
 * Plans and applies one unit. A unique violation means someone else wrote a conflicting row since
 * the plan read (a participant created on a live server): planned again, the plan refuses it.
 */
export async function step<P extends Plan>(
  ctx: ImportContext,
  plan: (db: Db) => Promise<P>,
  apply: (uow: UnitOfWork, planned: P) => Promise<void>,
): Promise<P> {
  for (let attempt = 1; ; attempt++) {
    try {
      const planned = ctx.dryRun
        ? await plan(ctx.database.queries)
        : await ctx.database.transactions.run(async (uow) => {
            const planned = await plan(uow);
            await apply(uow, planned);
            return planned;
          });
      ctx.report.merge(planned.tally);
      return planned;
    } catch (err) {
      const raced = err instanceof AssignmentConflict || isUniqueViolation(err) || isTransientConflict(err);
      if (!raced || attempt >= ATTEMPTS) throw err;
    }
  }
}
