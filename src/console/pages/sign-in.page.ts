// Signing in and out. The form takes what the API's Basic auth takes: an account SID and its auth
// token, or an API key SID and its secret. A failed attempt counts against the address, with the
// API's own (PARLEY_AUTH_FAILURE_LIMIT); signing out deletes the session everywhere.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CONSOLE, consolePath, cookieToken, field, formOf, seeOther, sendPage, sessionCookie, signedIn } from '../console-http.js';
import type { ConsoleDeps } from '../console.routes.js';
import { html } from '../html.js';
import { layout } from '../layout.js';

export function signInPages(ui: FastifyInstance, deps: Pick<ConsoleDeps, 'consoleSessions' | 'guard'>): void {
  ui.get('/sign-in', async (request, reply) => {
    const next = consolePath((request.query as { next?: string }).next, `${CONSOLE}/services`);
    return sendPage(reply, signInPage(request, next, null));
  });

  ui.post('/sign-in', async (request, reply) => {
    deps.guard.check(request.ip);
    const form = formOf(request);
    const next = consolePath(field(form, 'next', 2000), `${CONSOLE}/services`);
    const username = (field(form, 'username', 100) ?? '').trim();
    const password = field(form, 'password', 200) ?? '';
    const signed = await deps.consoleSessions.signIn(username, password);
    if (signed === null) {
      if (username !== '' || password !== '') deps.guard.failed(request.ip);
      return sendPage(reply, signInPage(request, next, 'Those credentials were not accepted. Check the SID and the token or secret.'), 401);
    }
    deps.guard.succeeded(request.ip);
    reply.header('Set-Cookie', sessionCookie(request, signed.token));
    return seeOther(reply, next);
  });
}

export function signOutAction(pages: FastifyInstance, deps: Pick<ConsoleDeps, 'consoleSessions'>): void {
  pages.post('/sign-out', async (request, reply) => {
    signedIn(request);
    const token = cookieToken(request);
    if (token !== undefined) await deps.consoleSessions.signOut(token);
    reply.header('Set-Cookie', sessionCookie(request, null));
    return seeOther(reply, `${CONSOLE}/sign-in`);
  });
}

function signInPage(request: FastifyRequest, next: string, failure: string | null) {
  const content = html`${failure === null ? '' : html`<div class="notice error" role="alert"><p>${failure}</p></div>`}
    <form method="post" action="${CONSOLE}/sign-in" class="card narrow">
      <input type="hidden" name="next" value="${next}" />
      <p class="muted">The credentials the API takes: an account SID with its auth token, or an API key with its secret.</p>
      <label for="username">Account SID or API key SID</label>
      <input id="username" name="username" autocomplete="username" spellcheck="false" required autofocus placeholder="AC… or SK…" />
      <label for="password">Auth token or API key secret</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <button type="submit" class="primary">Sign in</button>
    </form>`;
  return layout({ title: 'Sign in', path: request.url, session: null }, content);
}
