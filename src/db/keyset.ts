import type { SelectQueryBuilder } from 'kysely';
import { sql } from 'kysely';
import type { PageRequest } from '../common/paging.js';
import { offsetOf } from '../common/paging.js';

/**
 * Applies a page request to a list query ordered by (date_created, sid) of `table`, oldest first
 * (`asc`, the API's lists) or newest first (`desc`, the simulator's message log). Fetches one row
 * more than the page so the caller knows whether another page follows. A token's "after" follows
 * the list's order; "before" walks back against it. The redundant `date_created >=` (or `<=`)
 * bound lets both engines range-scan the listing index.
 */
export function pageOf<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  table: string,
  request: PageRequest,
  order: 'asc' | 'desc' = 'asc',
): SelectQueryBuilder<DB, TB, O> {
  const created = sql.ref(`${table}.date_created`);
  const sid = sql.ref(`${table}.sid`);
  const limit = request.pageSize + 1;
  const token = request.token;
  if (token === null) {
    return query.orderBy(created, order).orderBy(sid, order).limit(limit).offset(offsetOf(request));
  }
  const [date, key] = token.key;
  const direction = token.direction === 'after' ? order : order === 'asc' ? 'desc' : 'asc';
  const condition =
    direction === 'asc'
      ? sql<boolean>`${created} >= ${date} and (${created} > ${date} or ${sid} > ${key})`
      : sql<boolean>`${created} <= ${date} and (${created} < ${date} or ${sid} < ${key})`;
  return query.where(condition).orderBy(created, direction).orderBy(sid, direction).limit(limit);
}
