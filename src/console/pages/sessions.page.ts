// A service's sessions: filtered by status and unique name, newest first, paged; then one session
// with its participants, its interactions as a timeline, and the actions the API allows on it
// (close, re-open, a new TTL), made through the same SessionsService as POST …/Sessions/{Sid}.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isSid } from '../../common/sids.js';
import type { InteractionRow, SessionRow } from '../../db/schema.js';
import { invalidParameter } from '../../errors/api-error.js';
import { optionalInteger } from '../../http/params.js';
import { found, serviceKeyOf } from '../../http/routing.js';
import { SESSION_STATUSES } from '../../resources/sessions/sessions.model.js';
import type { SessionChanges } from '../../resources/sessions/sessions.service.js';
import { field, formOf, queryParam, seeOther, sendPage } from '../console-http.js';
import type { ConsoleDeps } from '../console.routes.js';
import { html } from '../html.js';
import type { Html } from '../html.js';
import { badge, csrfField, dataTable, layout, postButton, statusSelect, when } from '../layout.js';
import { frameOf, pageOfRows, pageRequestOf, pager } from './page-kit.js';
import { phonePath } from './phone.page.js';
import { serviceOf, servicePath } from './services.page.js';

const sessionPath = (serviceSid: string, sid: string) => `${servicePath(serviceSid)}/sessions/${sid}`;

export function sessionPages(pages: FastifyInstance, deps: ConsoleDeps): void {
  pages.get('/services/:ServiceSid/sessions', async (request, reply) => {
    const service = await serviceOf(request, deps);
    const status = queryParam(request, 'status');
    if (status !== undefined && !(SESSION_STATUSES as readonly string[]).includes(status)) {
      throw invalidParameter('status', `status must be one of ${SESSION_STATUSES.join(', ')}`);
    }
    const uniqueName = queryParam(request, 'unique_name', 200);
    const page = pageRequestOf(request, 50);
    const rows = found(await deps.sessions.search(serviceKeyOf(request), { status, uniqueNamePrefix: uniqueName }, page), request);
    const list = pageOfRows(rows, page);
    const content = html`<p class="crumbs"><a href="${servicePath(service.sid)}">${service.unique_name}</a></p>
      <form method="get" class="filters" role="search" aria-label="Filter sessions">
        ${statusSelect(SESSION_STATUSES, status)}
        <label for="unique_name">Unique name starts with</label>
        <input id="unique_name" name="unique_name" value="${uniqueName ?? ''}" maxlength="200" />
        <button type="submit">Filter</button>
      </form>
      ${
        list.items.length === 0
          ? html`<p class="empty">
              No sessions${status !== undefined || uniqueName !== undefined ? ' match the filter' : ' in this service yet'}.
            </p>`
          : html`${dataTable(
              ['Session', 'Status', 'Mode', 'Created', 'Expires'],
              list.items.map((session) => sessionRow(service.sid, session)),
            )}`
      }
      ${pager(request, list, { status, unique_name: uniqueName })}`;
    return sendPage(reply, layout(frameOf(request, deps, `${service.unique_name}: sessions`, 'services'), content));
  });

  pages.get('/services/:ServiceSid/sessions/:Sid', async (request, reply) => {
    const service = await serviceOf(request, deps);
    const session = await sessionOf(request, deps);
    const key = serviceKeyOf(request);
    const page = pageRequestOf(request, 100);
    const [participants, interactions] = await Promise.all([
      deps.participants.list(key, session.sid, { pageSize: 10, page: 0, token: null }),
      deps.interactions.list(key, session.sid, page),
    ]);
    const names = new Map((participants ?? []).map((p) => [p.sid, p.friendly_name ?? p.identifier]));
    const timeline = pageOfRows(interactions ?? [], page);
    const content = html`<p class="crumbs">
        <a href="${servicePath(service.sid)}">${service.unique_name}</a> › <a href="${servicePath(service.sid)}/sessions">Sessions</a>
      </p>
      <section class="card" aria-labelledby="summary">
        <h2 id="summary">${session.unique_name ?? session.sid} ${badge(session.status)}</h2>
        <dl class="facts">
          <dt>SID</dt>
          <dd class="mono">${session.sid}</dd>
          <dt>Mode</dt>
          <dd>${session.mode}</dd>
          <dt>TTL</dt>
          <dd>${session.ttl === 0 ? 'none' : `${session.ttl} s`}</dd>
          <dt>Expires</dt>
          <dd>${when(session.expires_at)}</dd>
          <dt>Closed reason</dt>
          <dd>${session.closed_reason ?? '—'}</dd>
          <dt>Last interaction</dt>
          <dd>${when(session.date_last_interaction)}</dd>
          <dt>Created</dt>
          <dd>${when(session.date_created)}</dd>
        </dl>
        ${sessionActions(request, service.sid, session)}
      </section>
      <section aria-labelledby="participants-heading">
        <h2 id="participants-heading">Participants</h2>
        ${
          (participants ?? []).length === 0
            ? html`<p class="empty">No participants.</p>`
            : html`${dataTable(
                ['Name', 'Identifier', 'Proxy number', 'Added'],
                (participants ?? []).map(
                  (p) =>
                    html`<tr>
                      <td>${p.friendly_name ?? ''}</td>
                      <td class="mono">
                        ${deps.simulator !== null ? html`<a href="${phonePath(p.identifier)}" title="Open this phone">${p.identifier}</a>` : p.identifier}
                      </td>
                      <td class="mono">${p.proxy_identifier ?? '—'}</td>
                      <td>${when(p.date_created)}</td>
                    </tr>`,
                ),
              )}`
        }
      </section>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Interactions</h2>
        ${
          timeline.items.length === 0
            ? html`<p class="empty">No interactions yet.</p>`
            : html`<ol class="timeline">
                  ${timeline.items.map((row) => interactionItem(row, names))}
                </ol>
                ${pager(request, timeline, {}, ['Earlier', 'Later'])}`
        }
      </section>`;
    return sendPage(reply, layout(frameOf(request, deps, `Session ${session.unique_name ?? session.sid}`, 'services'), content));
  });

  pages.post('/services/:ServiceSid/sessions/:Sid', async (request, reply) => {
    const session = await sessionOf(request, deps);
    const form = formOf(request);
    const action = field(form, 'action', 20);
    const changes: SessionChanges =
      action === 'close'
        ? { status: 'closed' }
        : action === 'reopen'
          ? { status: 'in-progress' }
          : action === 'ttl'
            ? { ttl: optionalInteger('Ttl', field(form, 'ttl', 20)) ?? missingTtl() }
            : unknownAction(action);
    found(await deps.sessions.update(serviceKeyOf(request), session.sid, changes), request);
    return seeOther(reply, sessionPath(session.service_sid, session.sid));
  });
}

async function sessionOf(request: FastifyRequest, deps: Pick<ConsoleDeps, 'sessions'>): Promise<SessionRow> {
  const sid = (request.params as { Sid: string }).Sid;
  const row = isSid('KC', sid) ? await deps.sessions.fetch(serviceKeyOf(request), sid) : undefined;
  return found(row, request);
}

function sessionRow(serviceSid: string, session: SessionRow): Html {
  return html`<tr>
    <td>
      <a href="${sessionPath(serviceSid, session.sid)}">${session.unique_name ?? session.sid}</a>${
        session.unique_name === null ? '' : html`<br /><span class="mono small">${session.sid}</span>`
      }
    </td>
    <td>${badge(session.status)}</td>
    <td>${session.mode}</td>
    <td>${when(session.date_created)}</td>
    <td>${when(session.expires_at)}</td>
  </tr>`;
}

function sessionActions(request: FastifyRequest, serviceSid: string, session: SessionRow): Html {
  const action = sessionPath(serviceSid, session.sid);
  const s = request.consoleSession!;
  const active = session.status === 'open' || session.status === 'in-progress';
  return html`<div class="actions">
    ${active ? postButton(s, action, 'Close session', { action: 'close' }, 'danger') : ''}
    ${session.status === 'closed' ? postButton(s, action, 'Re-open session', { action: 'reopen' }) : ''}
    ${
      active
        ? html`<form method="post" action="${action}" class="inline">
            ${csrfField(s)}<input type="hidden" name="action" value="ttl" />
            <label for="ttl">TTL (seconds)</label>
            <input id="ttl" name="ttl" type="number" min="0" step="1" value="${session.ttl + 3600}" required />
            <button type="submit">Set TTL</button>
          </form>`
        : ''
    }
  </div>`;
}

function interactionItem(row: InteractionRow, names: Map<string, string>): Html {
  const body = bodyOf(row.data);
  const who = (sid: string | null) => (sid === null ? '—' : (names.get(sid) ?? sid));
  return html`<li class="event event-${row.type}">
    <div class="event-head"><strong>${row.type}</strong> ${when(row.date_created)} <span class="mono small">${row.sid}</span></div>
    ${body === null ? '' : html`<p class="event-body">${body}</p>`}
    <div class="legs">
      <span>from ${who(row.inbound_participant_sid)}: ${badge(row.inbound_resource_status)}</span>
      <span>to ${who(row.outbound_participant_sid)}: ${badge(row.outbound_resource_status)}</span>
    </div>
  </li>`;
}

/** What a message said, or how long a call lasted (the interaction's `data`). */
function bodyOf(data: string | null): string | null {
  if (data === null) return null;
  try {
    const parsed = JSON.parse(data) as { body?: unknown; duration?: unknown };
    if (typeof parsed.body === 'string') return parsed.body;
    if (typeof parsed.duration === 'string') return `${parsed.duration} s`;
  } catch {
    // not JSON: shown as it is
  }
  return data;
}

function missingTtl(): never {
  throw invalidParameter('Ttl', 'give the TTL in seconds');
}

function unknownAction(action: string | undefined): never {
  throw invalidParameter('action', `there is no session action "${action ?? ''}"`);
}
