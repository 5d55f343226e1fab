// Keyset paging behind Twilio's PageSize/Page/PageToken. A token names the row a page starts
// after (PA…) or ends before (PB…), so a deep page costs what the first does and inserts
// elsewhere don't shift pages. Page without a token falls back to an offset (see docs/paging.md).

import { ApiError, invalidParameter } from '../errors/api-error.js';
import type { PageKey, PageRequest, PageToken } from '../common/paging.js';

export interface PagingQuery {
  PageSize?: string;
  Page?: string;
  PageToken?: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export function parsePageRequest(query: PagingQuery): PageRequest {
  const pageSize = query.PageSize === undefined || query.PageSize === '' ? DEFAULT_PAGE_SIZE : Number(query.PageSize);
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw invalidParameter('PageSize', 'PageSize must be an integer from 1 to 1000');
  }
  if (pageSize > MAX_PAGE_SIZE) throw new ApiError(20007);
  const page = query.Page === undefined || query.Page === '' ? 0 : Number(query.Page);
  if (!Number.isInteger(page) || page < 0 || page > 1_000_000) {
    throw invalidParameter('Page', 'Page must be a non-negative integer');
  }
  const token = query.PageToken === undefined || query.PageToken === '' ? null : decodePageToken(query.PageToken);
  return { pageSize, page, token };
}

export function encodePageToken(direction: 'after' | 'before', key: PageKey): string {
  return (direction === 'after' ? 'PA' : 'PB') + Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodePageToken(raw: string): PageToken {
  const direction = raw.startsWith('PA') ? 'after' : raw.startsWith('PB') ? 'before' : null;
  const body = raw.slice(2);
  if (direction !== null && raw.length <= 200 && /^[A-Za-z0-9_-]+$/.test(body)) {
    try {
      const key: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      if (Array.isArray(key) && key.length === 2 && Number.isSafeInteger(key[0]) && typeof key[1] === 'string' && key[1].length <= 64) {
        return { direction, key: [key[0] as number, key[1] as string], raw };
      }
    } catch {
      // falls through to the error below
    }
  }
  throw new ApiError(21481, { detail: `"${raw.slice(0, 60)}" was not issued by this server` });
}

export interface Page<T> {
  readonly items: T[];
  readonly hasNext: boolean;
  readonly hasPrevious: boolean;
}

/**
 * Turns the rows a repository fetched (up to pageSize + 1, in the fetch direction) into a page.
 * A backward fetch comes newest-first and is put back in order here.
 */
export function toPage<T>(rows: T[], request: PageRequest, offset: number): Page<T> {
  const extra = rows.length > request.pageSize;
  const items = extra ? rows.slice(0, request.pageSize) : rows;
  if (request.token?.direction === 'before') {
    return { items: items.reverse(), hasNext: true, hasPrevious: extra };
  }
  return { items, hasNext: extra, hasPrevious: request.token !== null || offset > 0 };
}

export interface ListMeta {
  first_page_url: string;
  key: string;
  next_page_url: string | null;
  page: number;
  page_size: number;
  previous_page_url: string | null;
  url: string;
}

/**
 * `meta` exactly as Twilio shapes it: absolute URLs with PageSize then Page (then PageToken),
 * plus any filter parameters of the list (e.g. the simulator's To/From).
 */
export function buildMeta<T>(
  key: string,
  listUrl: string,
  request: PageRequest,
  page: Page<T>,
  sortKey: (item: T) => PageKey,
  filters: Record<string, string> = {},
): ListMeta {
  const link = (pageNumber: number, token?: string): string => {
    const params = new URLSearchParams(filters);
    params.set('PageSize', String(request.pageSize));
    params.set('Page', String(pageNumber));
    if (token !== undefined) params.set('PageToken', token);
    return `${listUrl}?${params.toString()}`;
  };
  const first = page.items[0];
  const last = page.items[page.items.length - 1];
  return {
    first_page_url: link(0),
    key,
    next_page_url: page.hasNext && last !== undefined ? link(request.page + 1, encodePageToken('after', sortKey(last))) : null,
    page: request.page,
    page_size: request.pageSize,
    previous_page_url:
      page.hasPrevious && first !== undefined ? link(Math.max(request.page - 1, 0), encodePageToken('before', sortKey(first))) : null,
    url: link(request.page, request.token?.raw),
  };
}
