// Services: the account's list, then each service's settings, with the way to its sessions and pool.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { found, serviceKeyOf } from '../../http/routing.js';
import type { ServiceRow } from '../../db/schema.js';
import { CONSOLE, sendPage, signedIn } from '../console-http.js';
import type { ConsoleDeps } from '../console.routes.js';
import { html } from '../html.js';
import { dataTable, layout, when } from '../layout.js';
import { frameOf, pageOfRows, pageRequestOf, pager } from './page-kit.js';

export const servicePath = (sid: string) => `${CONSOLE}/services/${sid}`;

/** The service a page under /services/:ServiceSid is about, for the signed-in account only. */
export async function serviceOf(request: FastifyRequest, deps: Pick<ConsoleDeps, 'services'>): Promise<ServiceRow> {
  const key = serviceKeyOf(request);
  return found(await deps.services.get(key.accountSid, key.serviceSid), request);
}

export function servicePages(pages: FastifyInstance, deps: ConsoleDeps): void {
  pages.get('/services', async (request, reply) => {
    const page = pageRequestOf(request, 50);
    const list = pageOfRows(await deps.services.list(signedIn(request).account.sid, page), page);
    const rows = list.items.map(
      (service) =>
        html`<tr>
          <td><a href="${servicePath(service.sid)}">${service.unique_name}</a></td>
          <td class="mono">${service.sid}</td>
          <td>${service.default_ttl === 0 ? 'none' : `${service.default_ttl} s`}</td>
          <td>${when(service.date_created)}</td>
        </tr>`,
    );
    const content =
      list.items.length === 0
        ? html`<p class="empty">No services yet. Create one with the API: <code>POST /v1/Services</code>.</p>`
        : html`${dataTable(['Unique name', 'SID', 'Default TTL', 'Created'], rows)} ${pager(request, list, {}, ['Previous', 'Next'])}`;
    return sendPage(reply, layout(frameOf(request, deps, 'Services', 'services'), content));
  });

  pages.get('/services/:ServiceSid', async (request, reply) => {
    const service = await serviceOf(request, deps);
    const setting = (name: string, value: string | number | null) =>
      html`<tr>
        <th scope="row">${name}</th>
        <td class="wrap">${value === null ? html`<span class="muted">—</span>` : value}</td>
      </tr>`;
    const content = html`<p class="actions">
        <a class="button" href="${servicePath(service.sid)}/sessions">Sessions</a>
        <a class="button" href="${servicePath(service.sid)}/numbers">Number pool</a>
      </p>
      <div class="table-wrap">
        <table class="settings">
          <tbody>
            ${setting('SID', service.sid)} ${setting('Unique name', service.unique_name)}
            ${setting('Default TTL (seconds)', service.default_ttl)} ${setting('Number selection', service.number_selection_behavior)}
            ${setting('Geo match level', service.geo_match_level)} ${setting('Callback URL', service.callback_url)}
            ${setting('Intercept callback URL', service.intercept_callback_url)}
            ${setting('Out-of-session callback URL', service.out_of_session_callback_url)}
            ${setting('Chat instance SID', service.chat_instance_sid)}
            <tr>
              <th scope="row">Created</th>
              <td>${when(service.date_created)}</td>
            </tr>
            <tr>
              <th scope="row">Updated</th>
              <td>${when(service.date_updated)}</td>
            </tr>
          </tbody>
        </table>
      </div>`;
    return sendPage(reply, layout(frameOf(request, deps, service.unique_name, 'services'), content));
  });
}
