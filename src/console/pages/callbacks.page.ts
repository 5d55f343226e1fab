// The callback log: every call Parley made or will make to the account's URLs, newest first, with
// its status, attempts and last error; a status callback can be delivered again (CallbackLog, as
// POST /parley/v1/Callbacks/{Sid}/Redeliver does it).

import type { FastifyInstance } from 'fastify';
import { toCallbackResource } from '../../callbacks/callback-log.mapper.js';
import { CALLBACK_STATUSES } from '../../callbacks/callback-log.model.js';
import type { CallbackStatus } from '../../callbacks/callback-log.model.js';
import { invalidParameter } from '../../errors/api-error.js';
import { found } from '../../http/routing.js';
import { CONSOLE, consolePath, field, formOf, queryParam, seeOther, sendPage, signedIn } from '../console-http.js';
import type { ConsoleDeps } from '../console.routes.js';
import { html } from '../html.js';
import { badge, dataTable, layout, postButton, statusSelect } from '../layout.js';
import { frameOf, pageOfRows, pageRequestOf, pager } from './page-kit.js';

export function callbackPages(pages: FastifyInstance, deps: ConsoleDeps): void {
  pages.get('/callbacks', async (request, reply) => {
    const session = signedIn(request);
    const status = queryParam(request, 'status');
    if (status !== undefined && !(CALLBACK_STATUSES as readonly string[]).includes(status)) {
      throw invalidParameter('status', `status must be one of ${CALLBACK_STATUSES.join(', ')}`);
    }
    const page = pageRequestOf(request, 50);
    const filter = status === undefined ? {} : { status: status as CallbackStatus };
    const list = pageOfRows(await deps.callbackLog.list(session.account.sid, filter, page), page);
    const rows = list.items.map((row) => {
      const entry = toCallbackResource(row);
      return html`<tr>
        <td>${entry.date_created.replace('T', ' ').replace('Z', '')}</td>
        <td>${entry.kind.replace(/_/g, ' ')}</td>
        <td class="wrap mono small">${entry.url}</td>
        <td>
          ${badge(entry.status)}${entry.response_status === null ? '' : html` <span class="small">HTTP ${entry.response_status}</span>`}
        </td>
        <td>${entry.attempts}</td>
        <td class="wrap small">${entry.error ?? ''}</td>
        <td>
          ${entry.replayable && entry.status !== 'pending' ? postButton(session, `${CONSOLE}/callbacks/${entry.sid}/redeliver`, 'Redeliver', { back: request.url }) : ''}
        </td>
      </tr>`;
    });
    const content = html`<form method="get" class="filters" role="search" aria-label="Filter callbacks">
        ${statusSelect(CALLBACK_STATUSES, status)}
        <button type="submit">Filter</button>
      </form>
      ${
        list.items.length === 0
          ? html`<p class="empty">No callbacks${status === undefined ? ' yet' : ` with status ${status}`}.</p>`
          : html`${dataTable(['Created', 'Kind', 'URL', 'Status', 'Attempts', 'Last error', html`<span class="visually-hidden">Actions</span>`], rows)}`
      }
      ${pager(request, list, { status })}`;
    return sendPage(reply, layout(frameOf(request, deps, 'Callbacks', 'callbacks'), content));
  });

  pages.post('/callbacks/:Sid/redeliver', async (request, reply) => {
    const sid = (request.params as { Sid: string }).Sid;
    // Read before the callback is queued again: a form refused with a 400 has queued nothing.
    const back = consolePath(field(formOf(request), 'back', 2000), `${CONSOLE}/callbacks`);
    found(await deps.callbackLog.redeliver(signedIn(request).account.sid, sid), request);
    return seeOther(reply, back);
  });
}
