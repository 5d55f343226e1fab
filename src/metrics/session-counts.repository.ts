// Sessions by status, as the triggers of migration 0009 keep them: session_status_counts, plus on
// PostgreSQL the +1/-1 rows in session_status_deltas not folded in yet. A scrape reads both (a
// few rows per service and status, and the deltas of the last compaction interval), never the
// sessions table itself.

import { CompiledQuery } from 'kysely';
import type { Db } from '../db/unit-of-work.js';

export interface StatusCount {
  /** Null when the totals are not split by service. */
  service_sid: string | null;
  status: string;
  sessions: number;
}

const both = `select service_sid, status, total as n from session_status_counts
  union all select service_sid, status, delta as n from session_status_deltas`;
const BY_SERVICE = CompiledQuery.raw(
  `select service_sid, status, sum(n) as sessions from (${both}) c group by service_sid, status having sum(n) <> 0`,
);
const BY_STATUS = CompiledQuery.raw(
  `select null as service_sid, status, sum(n) as sessions from (${both}) c group by status having sum(n) <> 0`,
);

export async function sessionCounts(db: Db, perService: boolean): Promise<StatusCount[]> {
  const rows = await db.read<StatusCount>(perService ? BY_SERVICE : BY_STATUS);
  // pg answers a sum of bigints as a numeric string.
  return rows.map((row) => ({ ...row, sessions: Number(row.sessions) }));
}

/**
 * PostgreSQL only (SQLite's triggers write the totals themselves): folds the pending deltas into
 * the totals in one statement. The DELETE removes exactly the rows it returns, those its snapshot
 * sees: a delta committed meanwhile stays for the next pass, and two nodes compacting at once
 * never fold a row twice (the second waits on the first's deletions, then skips them). Totals are
 * updated in key order, so two compactions never deadlock; totals that reached zero (a deleted
 * service) are removed.
 */
const FOLD = CompiledQuery.raw(`
  with moved as (delete from session_status_deltas returning service_sid, status, delta)
  insert into session_status_counts (service_sid, status, total)
  select service_sid, status, sum(delta) from moved group by service_sid, status order by service_sid, status
  on conflict (service_sid, status) do update set total = session_status_counts.total + excluded.total`);
const DROP_ZEROS = CompiledQuery.raw(`delete from session_status_counts where total = 0`);

export async function compactSessionCounts(db: Db): Promise<void> {
  await db.write(FOLD);
  await db.write(DROP_ZEROS);
}
