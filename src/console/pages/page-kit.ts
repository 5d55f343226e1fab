// What every console page builds from: its frame (who, the clock, where), its page of rows (the
// API's own keyset tokens, PageToken, so a deep page costs what the first does) and its pager.

import type { FastifyRequest } from 'fastify';
import type { PageRequest } from '../../common/paging.js';
import { encodePageToken, parsePageRequest, toPage } from '../../http/paging.js';
import type { Page } from '../../http/paging.js';
import { pathOf } from '../../http/routing.js';
import { queryParam, signedIn } from '../console-http.js';
import type { ConsoleDeps } from '../console.routes.js';
import { html } from '../html.js';
import type { Html } from '../html.js';
import type { Frame } from '../layout.js';

export function frameOf(
  request: FastifyRequest,
  deps: Pick<ConsoleDeps, 'clocks' | 'simulator'>,
  title: string,
  section?: Frame['section'],
): Frame {
  const session = signedIn(request);
  const clockMs = deps.simulator === null ? null : deps.clocks.now(session.account.sid);
  return { title, path: request.url, session, clockMs, section };
}

export function pageRequestOf(request: FastifyRequest, pageSize: number): PageRequest {
  return parsePageRequest({ PageSize: String(pageSize), PageToken: queryParam(request, 'PageToken') });
}

interface Keyed {
  date_created: number;
  sid: string;
}

export function pageOfRows<Row extends Keyed>(rows: Row[], page: PageRequest): Page<Row> {
  return toPage(rows, page, 0);
}

/**
 * Links to the pages either side, keeping the page's filters. In a list newest first, "after" a
 * row is older and "before" it newer.
 */
export function pager<Row extends Keyed>(
  request: FastifyRequest,
  page: Page<Row>,
  filters: Record<string, string | undefined>,
  labels = ['Newer', 'Older'],
): Html {
  const link = (direction: 'after' | 'before', row: Row) => {
    const query = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined));
    query.set('PageToken', encodePageToken(direction, [row.date_created, row.sid]));
    return `${pathOf(request)}?${query.toString()}`;
  };
  const first = page.items[0];
  const last = page.items[page.items.length - 1];
  const previous = page.hasPrevious && first !== undefined ? html`<a rel="prev" href="${link('before', first)}">← ${labels[0]}</a>` : '';
  const next = page.hasNext && last !== undefined ? html`<a rel="next" href="${link('after', last)}">${labels[1]} →</a>` : '';
  if (previous === '' && next === '') return html``;
  return html`<nav class="pager" aria-label="Pages">${previous}${next}</nav>`;
}
