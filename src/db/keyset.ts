import type { SelectQueryBuilder } from 'kysely';
import { sql } from 'kysely';
import type { PageRequest } from '../http/paging.js';
import { offsetOf } from '../http/paging.js';

/**
 * Applies a page request to a list query ordered by (date_created, sid) of `table`.
 * Fetches one row more than the page so the caller knows whether another page follows.
 * The redundant `date_created >= x` bound lets both engines range-scan the listing index.
 */
export function pageOf<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  table: string,
  request: PageRequest,
): SelectQueryBuilder<DB, TB, O> {
  const created = sql.ref(`${table}.date_created`);
  const sid = sql.ref(`${table}.sid`);
  const limit = request.pageSize + 1;
  const token = request.token;
  if (token === null) {
    return query
      .orderBy(created, 'asc')
      .orderBy(sid, 'asc')
      .limit(limit)
      .offset(offsetOf(request));
  }
  const [date, key] = token.key;
  if (token.direction === 'after') {
    return query
      .where(sql<boolean>`${created} >= ${date} and (${created} > ${date} or ${sid} > ${key})`)
      .orderBy(created, 'asc')
      .orderBy(sid, 'asc')
      .limit(limit);
  }
  return query
    .where(sql<boolean>`${created} <= ${date} and (${created} < ${date} or ${sid} < ${key})`)
    .orderBy(created, 'desc')
    .orderBy(sid, 'desc')
    .limit(limit);
}
