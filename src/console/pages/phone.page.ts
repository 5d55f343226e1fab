// A simulated phone (PARLEY_CARRIER=simulator): pick or type a handset number, see its
// conversations grouped by the proxy number on the other side, text a number, place a call and
// end it. The threads refresh on their own (assets/console.js polls /phone/live, which answers
// the same escaped markup as the page). Texts and calls go through the simulator's Handsets, as
// POST /simulator/v1/Messages and /Calls do.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { number } from '../../carriers/simulator/handsets.routes.js';
import { CALL_ENDINGS } from '../../carriers/simulator/handsets.model.js';
import type { CallEnding } from '../../carriers/simulator/handsets.model.js';
import type { Handsets } from '../../carriers/simulator/handsets.service.js';
import type { SimulatorCallRow, SimulatorMessageRow } from '../../db/schema.js';
import { invalidParameter } from '../../errors/api-error.js';
import { found } from '../../http/routing.js';
import { CONSOLE, field, formOf, queryParam, seeOther, sendPage, signedIn } from '../console-http.js';
import type { ConsoleDeps } from '../console.routes.js';
import { html } from '../html.js';
import type { Html } from '../html.js';
import { badge, csrfField, layout, when } from '../layout.js';
import { frameOf } from './page-kit.js';
import type { ConsoleSession } from '../../accounts/console-sessions.js';

export const phonePath = (handset: string) => `${CONSOLE}/phone?number=${encodeURIComponent(handset)}`;

/** A call can be ended as the callee's phone would end it. */
const ENDINGS: readonly CallEnding[] = CALL_ENDINGS.filter((ending) => ending !== 'failed');

export function phonePages(pages: FastifyInstance, handsets: Handsets, deps: ConsoleDeps): void {
  const handsetOf = (request: FastifyRequest) => {
    const given = queryParam(request, 'number', 40);
    return given === undefined ? undefined : number('number', given);
  };

  pages.get('/phone', async (request, reply) => {
    const handset = handsetOf(request);
    const frame = frameOf(request, deps, handset === undefined ? 'Phone' : `Phone ${handset}`, 'phone');
    if (handset === undefined) return sendPage(reply, layout(frame, pickNumber()));
    const session = signedIn(request);
    const to = queryParam(request, 'to', 40);
    const content = html`${pickNumber(handset)}
      <div class="phone-grid">
        <section class="card" aria-labelledby="compose-heading">
          <h2 id="compose-heading">Send a text</h2>
          <form method="post" action="${CONSOLE}/phone/messages" id="compose">
            ${csrfField(session)}
            <input type="hidden" name="from" value="${handset}" />
            <label for="to">To (a proxy number)</label>
            <input id="to" name="to" value="${to ?? ''}" required inputmode="tel" autocomplete="off" placeholder="+15550100001" />
            <label for="body">Message</label>
            <textarea id="body" name="body" rows="3" maxlength="1600" required></textarea>
            <button type="submit" class="primary">Send</button>
          </form>
          <h2 id="call-heading">Place a call</h2>
          <form method="post" action="${CONSOLE}/phone/calls" aria-labelledby="call-heading">
            ${csrfField(session)}
            <input type="hidden" name="from" value="${handset}" />
            <label for="call-to">Call (a proxy number)</label>
            <input id="call-to" name="to" value="${to ?? ''}" required inputmode="tel" autocomplete="off" />
            <button type="submit">Call</button>
          </form>
        </section>
        <section aria-labelledby="threads-heading">
          <h2 id="threads-heading">Conversations</h2>
          <div id="live" data-live="${CONSOLE}/phone/live?number=${encodeURIComponent(handset)}" aria-live="polite">
            ${await phoneActivity(handsets, session, handset)}
          </div>
        </section>
      </div>`;
    return sendPage(reply, layout(frame, content));
  });

  pages.get('/phone/live', async (request, reply) => {
    const handset = handsetOf(request) ?? missingNumber();
    return reply.type('text/html; charset=utf-8').send((await phoneActivity(handsets, signedIn(request), handset)).markup);
  });

  pages.post('/phone/messages', async (request, reply) => {
    const form = formOf(request);
    const from = number('From', field(form, 'from', 40) ?? '');
    const to = number('To', field(form, 'to', 40) ?? '');
    await handsets.text(signedIn(request).account.sid, { from, to, body: field(form, 'body', 1600) ?? '', mediaUrls: [] });
    return seeOther(reply, `${phonePath(from)}&to=${encodeURIComponent(to)}`);
  });

  pages.post('/phone/calls', async (request, reply) => {
    const form = formOf(request);
    const from = number('From', field(form, 'from', 40) ?? '');
    await handsets.call(signedIn(request).account.sid, from, number('To', field(form, 'to', 40) ?? ''));
    return seeOther(reply, phonePath(from));
  });

  pages.post('/phone/calls/:CallSid', async (request, reply) => {
    const form = formOf(request);
    const status = field(form, 'status', 20) as CallEnding | undefined;
    if (status === undefined || !ENDINGS.includes(status)) throw invalidParameter('Status', `a call ends as ${ENDINGS.join(', ')}`);
    // Read before the call ends: a form refused with a 400 has ended nothing.
    const back = field(form, 'back', 40);
    const backTo = back === undefined ? undefined : number('back', back);
    const call = found(await handsets.findCall(signedIn(request).account.sid, (request.params as { CallSid: string }).CallSid), request);
    await handsets.endCall(call, status);
    return seeOther(reply, phonePath(backTo ?? call.from_number));
  });
}

function pickNumber(current?: string): Html {
  return html`<form method="get" action="${CONSOLE}/phone" class="filters" aria-label="Choose a phone">
      <label for="number">Handset number</label>
      <input id="number" name="number" value="${current ?? ''}" required inputmode="tel" autocomplete="off" placeholder="+15550101234" />
      <button type="submit">Open phone</button>
    </form>
    ${current === undefined ? html`<p class="muted">Type a participant's number, or open one from a session's participants.</p>` : ''}`;
}

/** The live part of a phone: its calls, then its threads, newest first. */
async function phoneActivity(handsets: Handsets, session: ConsoleSession, handset: string): Promise<Html> {
  const { messages, calls } = await handsets.phone(session.account.sid, handset);
  const threads = new Map<string, SimulatorMessageRow[]>();
  for (const message of messages) {
    const other = message.from_number === handset ? message.to_number : message.from_number;
    threads.set(other, [...(threads.get(other) ?? []), message]);
  }
  return html`${
    calls.length === 0
      ? ''
      : html`<h3>Calls</h3>
          <ul class="calls">
            ${calls.map((call) => callItem(session, handset, call))}
          </ul>`
  }
  ${
    threads.size === 0
      ? html`<p class="empty">No messages to or from ${handset} yet.</p>`
      : [...threads].map(
          ([other, rows]) =>
            html`<article class="thread" aria-label="Conversation with ${other}">
              <header>
                <span>with <strong class="mono">${other}</strong></span>
                <a href="${phonePath(handset)}&amp;to=${encodeURIComponent(other)}#compose">Reply</a>
              </header>
              <ol class="bubbles">
                ${rows
                  .slice()
                  .reverse()
                  .map((row) => bubble(handset, row))}
              </ol>
            </article>`,
        )
  }`;
}

function bubble(handset: string, row: SimulatorMessageRow): Html {
  const sent = row.from_number === handset;
  const status = sent && row.session_sid === null ? 'not forwarded: no session' : row.status;
  return html`<li class="bubble ${sent ? 'sent' : 'received'}">
    <p>${row.body}</p>
    <span class="meta"
      >${sent ? 'sent' : 'received'} ${when(row.date_created)} ·
      ${badge(status)}${row.error_code === null ? '' : ` (error ${row.error_code})`}</span
    >
  </li>`;
}

function callItem(session: ConsoleSession, handset: string, call: SimulatorCallRow): Html {
  const placed = call.from_number === handset;
  const other = placed ? call.to_number : (call.bridged_from ?? call.from_number);
  const end =
    call.status !== 'in-progress'
      ? ''
      : html`<form method="post" action="${CONSOLE}/phone/calls/${call.sid}" class="inline">
          ${csrfField(session)}
          <input type="hidden" name="back" value="${handset}" />
          <label for="end-${call.sid}">End as</label>
          <select id="end-${call.sid}" name="status">
            ${ENDINGS.map((ending) => html`<option value="${ending}">${ending}</option>`)}
          </select>
          <button type="submit">End call</button>
        </form>`;
  return html`<li class="call">
    ${placed ? 'Call to' : 'Call from'} <span class="mono">${other}</span> ${when(call.date_created)} ${badge(call.status)} ${end}
  </li>`;
}

function missingNumber(): never {
  throw invalidParameter('number', 'give the handset number: ?number=+15550101234');
}
