// A service's number pool: how full it is, then its numbers with their capabilities, reservation
// and the active sessions each holds.

import type { FastifyInstance } from 'fastify';
import { serviceKeyOf } from '../../http/routing.js';
import { sendPage } from '../console-http.js';
import type { ConsoleDeps } from '../console.routes.js';
import { html } from '../html.js';
import { dataTable, layout, when } from '../layout.js';
import { frameOf, pageOfRows, pageRequestOf, pager } from './page-kit.js';
import { serviceOf, servicePath } from './services.page.js';

export function poolPages(pages: FastifyInstance, deps: ConsoleDeps): void {
  pages.get('/services/:ServiceSid/numbers', async (request, reply) => {
    const service = await serviceOf(request, deps);
    const key = serviceKeyOf(request);
    const page = pageRequestOf(request, 100);
    const [usage, rows] = await Promise.all([deps.numbers.usage(key), deps.numbers.list(key, page)]);
    const list = pageOfRows(rows ?? [], page);
    const percent = usage.total === 0 ? 0 : Math.round((usage.busy / usage.total) * 100);
    const yes = (value: boolean) => (value ? html`<span class="yes">yes</span>` : html`<span class="muted">no</span>`);
    const capabilities = (row: (typeof list.items)[number]) =>
      [row.cap_sms && 'SMS', row.cap_mms && 'MMS', row.cap_voice && 'Voice', row.cap_fax && 'Fax'].filter(Boolean).join(', ') || '—';
    const content = html`<p class="crumbs"><a href="${servicePath(service.sid)}">${service.unique_name}</a></p>
      <section class="card" aria-labelledby="usage-heading">
        <h2 id="usage-heading">Utilisation</h2>
        <p>
          <strong>${usage.busy}</strong> of <strong>${usage.total}</strong> numbers hold an active session (${percent}%),
          ${usage.assignments} assignments in all; ${usage.reserved} reserved.
        </p>
        <label for="usage-meter">Numbers in use</label>
        <meter
          id="usage-meter"
          min="0"
          max="${Math.max(1, usage.total)}"
          low="${usage.total * 0.7}"
          high="${usage.total * 0.9}"
          optimum="0"
          value="${usage.busy}"
        >
          ${percent}%
        </meter>
      </section>
      ${
        list.items.length === 0
          ? html`<p class="empty">No numbers in this pool. Add one with <code>POST /v1/Services/${service.sid}/PhoneNumbers</code>.</p>`
          : html`${dataTable(
              ['Number', 'Friendly name', 'Country', 'Capabilities', 'Reserved', 'In use', 'Added'],
              list.items.map(
                (row) =>
                  html`<tr>
                    <td class="mono">${row.phone_number}</td>
                    <td>${row.friendly_name ?? ''}</td>
                    <td>${row.iso_country}</td>
                    <td>${capabilities(row)}</td>
                    <td>${yes(row.is_reserved === 1)}</td>
                    <td>${row.in_use}</td>
                    <td>${when(row.date_created)}</td>
                  </tr>`,
              ),
            )}
            ${pager(request, list, {}, ['Previous', 'Next'])}`
      }`;
    return sendPage(reply, layout(frameOf(request, deps, `${service.unique_name}: number pool`, 'services'), content));
  });
}
