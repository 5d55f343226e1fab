// The frame of every console page: head, navigation, the emulator's clock, the content. Forms
// that change state carry the session's CSRF token (csrfField); styles and script are files
// under assets/, so the Content-Security-Policy can refuse every inline script.

import type { ConsoleSession } from '../accounts/console-sessions.js';
import { formatDate } from '../common/dates.js';
import { ASSET_PATHS } from './assets.js';
import { CONSOLE } from './console-http.js';
import { html } from './html.js';
import type { Html } from './html.js';

export interface Frame {
  title: string;
  /** The request path, so forms can come back to it. */
  path: string;
  session: ConsoleSession | null;
  /** The account's emulated time, under the simulator; null with a real carrier. */
  clockMs?: number | null;
  /** Which navigation entry is this page's. */
  section?: 'services' | 'callbacks' | 'phone';
}

export function csrfField(session: ConsoleSession): Html {
  return html`<input type="hidden" name="_csrf" value="${session.csrfToken}" />`;
}

/** A button that POSTs to `action`, with hidden fields. */
export function postButton(session: ConsoleSession, action: string, label: string, fields: Record<string, string> = {}, style = ''): Html {
  const hidden = Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`);
  return html`<form method="post" action="${action}" class="inline">
    ${csrfField(session)}${hidden}<button type="submit" class="${style}">${label}</button>
  </form>`;
}

/** A date as the API writes it, shown without the T and Z. */
export function when(ms: number | null): Html {
  const iso = formatDate(ms);
  if (iso === null) return html`<span class="muted">—</span>`;
  return html`<time datetime="${iso}">${iso.replace('T', ' ').replace('Z', '')}</time>`;
}

/** A table of rows under column headings, scrolling sideways on its own on a narrow screen. */
export function dataTable(headings: ReadonlyArray<string | Html>, rows: Html | readonly Html[]): Html {
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          ${headings.map((heading) => html`<th scope="col">${heading}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

/** The "Status" select of a list's filter form: any, or one of `statuses`. */
export function statusSelect(statuses: readonly string[], current: string | undefined): Html {
  const option = (value: string, label: string) =>
    html`<option value="${value}" ${(current ?? '') === value ? html` selected` : ''}>${label}</option>`;
  return html`<label for="status">Status</label>
    <select id="status" name="status">
      ${option('', 'Any')}${statuses.map((value) => option(value, value))}
    </select>`;
}

export function badge(status: string | null): Html {
  if (status === null) return html`<span class="muted">—</span>`;
  return html`<span class="badge badge-${status.replace(/[^a-z-]/g, '')}">${status}</span>`;
}

export function layout(frame: Frame, content: Html): Html {
  const { session } = frame;
  const current = (section: Frame['section']) => (frame.section === section ? html` aria-current="page"` : '');
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${frame.title} · Parley console</title>
        <link rel="stylesheet" href="${ASSET_PATHS.css}" />
        <script src="${ASSET_PATHS.js}" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="${CONSOLE}">Parley</a>
          ${
            session === null
              ? ''
              : html`<nav aria-label="Main">
                    <a href="${CONSOLE}/services" ${current('services')}>Services</a>
                    <a href="${CONSOLE}/callbacks" ${current('callbacks')}>Callbacks</a>
                    ${frame.clockMs === null || frame.clockMs === undefined ? '' : html`<a href="${CONSOLE}/phone" ${current('phone')}>Phone</a>`}
                  </nav>
                  <div class="who">
                    <span class="mono" title="Signed in as">${session.credentialSid}</span>
                    <form method="post" action="${CONSOLE}/sign-out" class="inline">
                      ${csrfField(session)}<button type="submit" class="link">Sign out</button>
                    </form>
                  </div>`
          }
        </header>
        ${session !== null && frame.clockMs !== null && frame.clockMs !== undefined ? clockBar(session, frame.clockMs, frame.path) : ''}
        <main id="main" tabindex="-1">
          <h1>${frame.title}</h1>
          ${content}
        </main>
      </body>
    </html> `;
}

/** The account's emulated time, and the ways to move it forward. */
function clockBar(session: ConsoleSession, nowMs: number, back: string): Html {
  const action = `${CONSOLE}/clock`;
  const preset = (seconds: number, label: string) =>
    html`<form method="post" action="${action}" class="inline">
      ${csrfField(session)}<input type="hidden" name="back" value="${back}" /><input
        type="hidden"
        name="advance"
        value="${seconds}"
      /><button type="submit">${label}</button>
    </form>`;
  const iso = formatDate(nowMs)!;
  return html`<section class="clock" aria-label="Emulator clock">
    <span>Emulated time <strong id="clock-now">${when(nowMs)}</strong> UTC</span>
    ${preset(3600, '+1 hour')} ${preset(86_400, '+1 day')}
    <form method="post" action="${action}" class="inline">
      ${csrfField(session)}<input type="hidden" name="back" value="${back}" />
      <label for="clock-set">Move to (UTC)</label>
      <input id="clock-set" name="set" type="datetime-local" step="1" min="${iso.slice(0, 19)}" required />
      <button type="submit">Move</button>
    </form>
  </section>`;
}
