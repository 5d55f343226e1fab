import type { CompiledQuery, Kysely, SelectQueryBuilder } from 'kysely';
import { sql } from 'kysely';
import type { PageRequest } from '../common/paging.js';
import { offsetOf } from '../common/paging.js';
import { prepare } from './prepared.js';
import type { Database } from './schema.js';
import type { Db } from './unit-of-work.js';

type Order = 'asc' | 'desc';

/** The values a page query takes: real ones, or placeholders of a prepared query. */
interface Bounds {
  limit: unknown;
  offset: unknown;
  date: unknown;
  key: unknown;
}

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
  order: Order = 'asc',
): SelectQueryBuilder<DB, TB, O> {
  const [date, key] = request.token?.key ?? [null, null];
  return paged(query, table, order, seekOf(request, order), { limit: request.pageSize + 1, offset: offsetOf(request), date, key });
}

/**
 * pageOf() for a hot list: the query is built and compiled once per kind of start (db/prepared.ts),
 * not on every request. `build` takes `param(name)` for the values of `args`, as prepare() does.
 */
export function preparePage<TB extends keyof Database, O>(
  table: TB & string,
  build: (db: Kysely<Database>, param: (name: string) => any) => SelectQueryBuilder<Database, TB, O>,
  order: Order = 'asc',
) {
  const compiled = (seek: Order | null) =>
    prepare((db, param) =>
      paged(build(db, param), table, order, seek, {
        limit: param('page.limit'),
        offset: param('page.offset'),
        date: param('page.date'),
        key: param('page.key'),
      }),
    );
  const byOffset = compiled(null);
  const seeking = { asc: compiled('asc'), desc: compiled('desc') };
  return (db: Db, args: Record<string, unknown>, request: PageRequest): CompiledQuery<O> => {
    const [date, key] = request.token?.key ?? [null, null];
    const values = { ...args, 'page.limit': request.pageSize + 1, 'page.offset': offsetOf(request), 'page.date': date, 'page.key': key };
    const seek = seekOf(request, order);
    return (seek === null ? byOffset : seeking[seek])(db, values);
  };
}

/** Which way a token's page walks the index from its row; null without a token (by offset). */
function seekOf(request: PageRequest, order: Order): Order | null {
  const token = request.token;
  if (token === null) return null;
  return token.direction === 'after' ? order : order === 'asc' ? 'desc' : 'asc';
}

/** `seek`: the direction of a walk from a token's row; null for a page by offset, in `order`. */
function paged<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  table: string,
  order: Order,
  seek: Order | null,
  bounds: Bounds,
): SelectQueryBuilder<DB, TB, O> {
  const created = sql.ref(`${table}.date_created`);
  const sid = sql.ref(`${table}.sid`);
  const { limit, offset, date, key } = bounds;
  if (seek === null) {
    return query
      .orderBy(created, order)
      .orderBy(sid, order)
      .limit(limit as number)
      .offset(offset as number);
  }
  const condition =
    seek === 'asc'
      ? sql<boolean>`${created} >= ${date} and (${created} > ${date} or ${sid} > ${key})`
      : sql<boolean>`${created} <= ${date} and (${created} < ${date} or ${sid} < ${key})`;
  return query
    .where(condition)
    .orderBy(created, seek)
    .orderBy(sid, seek)
    .limit(limit as number);
}
