// The web console, at /console on the API's own port (PARLEY_CONSOLE). Server-rendered pages with
// one small script; every read and write goes through the same domain services as the API, for
// the signed-in account only, so another account's SIDs are not found here either.
//
// Safety: the session cookie is HttpOnly and SameSite=Strict; every POST must come from this site
// (Sec-Fetch-Site, Origin) and carry the session's CSRF token; every value on a page is escaped
// (html.ts) and the Content-Security-Policy runs no script but the console's own file.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AccountClocks } from '../accounts/account-clocks.js';
import type { ConsoleSessions } from '../accounts/console-sessions.js';
import { csrfMatches } from '../accounts/console-sessions.js';
import type { CallbackLog } from '../callbacks/callback-log.service.js';
import type { EmulatorClock } from '../carriers/simulator/emulator-clock.js';
import type { Handsets } from '../carriers/simulator/handsets.service.js';
import { ApiError } from '../errors/api-error.js';
import { reportedError } from '../http/error-handler.js';
import { pathOf } from '../http/routing.js';
import type { SignInGuard } from '../http/sign-in-guard.js';
import type { InteractionsService } from '../resources/interactions/interactions.service.js';
import type { ParticipantsService } from '../resources/participants/participants.service.js';
import type { PhoneNumbersService } from '../resources/phone-numbers/phone-numbers.service.js';
import type { ServicesService } from '../resources/services/services.service.js';
import type { SessionsService } from '../resources/sessions/sessions.service.js';
import { ASSETS } from './assets.js';
import { CONSOLE, cookieToken, field, formOf, fromThisSite, sendPage } from './console-http.js';
import { html } from './html.js';
import { layout } from './layout.js';
import { callbackPages } from './pages/callbacks.page.js';
import { clockActions } from './pages/clock.page.js';
import { phonePages } from './pages/phone.page.js';
import { poolPages } from './pages/pool.page.js';
import { servicePages } from './pages/services.page.js';
import { sessionPages } from './pages/sessions.page.js';
import { signInPages, signOutAction } from './pages/sign-in.page.js';

export interface ConsoleDeps {
  services: ServicesService;
  sessions: SessionsService;
  numbers: PhoneNumbersService;
  participants: ParticipantsService;
  interactions: InteractionsService;
  callbackLog: CallbackLog;
  consoleSessions: ConsoleSessions;
  clocks: AccountClocks;
  /** Under the simulator carrier only: its phones and its clock. */
  simulator: { handsets: Handsets; clock: EmulatorClock } | null;
  /** The API's failed-sign-in counter: the console's sign-in form counts against the same address. */
  guard: SignInGuard;
  /** The API's rate limit, applied to the console's pages alike. */
  limitRate: (request: FastifyRequest) => Promise<void>;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

export function consoleRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.register(
    async (ui) => {
      ui.decorateRequest('consoleSession', null);
      ui.addHook('onSend', async (request, reply) => {
        reply.headers(SECURITY_HEADERS);
        if (!request.url.startsWith(`${CONSOLE}/assets/`)) reply.header('Cache-Control', 'no-store');
      });
      ui.setErrorHandler((error: FastifyError, request, reply) => errorPage(request, reply, reportedError(error, request)));
      ui.setNotFoundHandler((request, reply) => errorPage(request, reply, new ApiError(20404, { values: { path: pathOf(request) } })));

      ui.get('/assets/:name', async (request, reply) => {
        const asset = ASSETS[(request.params as { name: string }).name];
        if (asset === undefined) throw new ApiError(20404, { values: { path: pathOf(request) } });
        return reply.type(asset.type).header('Cache-Control', 'public, max-age=31536000, immutable').send(asset.body);
      });

      // A POST from another site is refused before anything reads its body.
      ui.addHook('onRequest', async (request) => {
        if (request.method !== 'GET' && request.method !== 'HEAD' && !fromThisSite(request))
          throw forbidden('the request came from another site');
      });
      signInPages(ui, deps);

      ui.register(async (pages) => {
        pages.addHook('onRequest', requireSession(deps));
        pages.addHook('onRequest', deps.limitRate);
        // Another node may have moved the clock: read it at most a second old (account-clocks.ts).
        pages.addHook('onRequest', async () => {
          await deps.clocks.fresh();
        });
        pages.addHook('preHandler', checkCsrf);
        pages.get('/', async (_request, reply) => reply.redirect(`${CONSOLE}/services`, 303));
        signOutAction(pages, deps);
        servicePages(pages, deps);
        poolPages(pages, deps);
        sessionPages(pages, deps);
        callbackPages(pages, deps);
        if (deps.simulator !== null) {
          phonePages(pages, deps.simulator.handsets, deps);
          clockActions(pages, deps.simulator.clock);
        }
      });
    },
    { prefix: CONSOLE },
  );
}

/** Pages need a session: a GET without one goes to the sign-in page, and comes back after. */
function requireSession(deps: ConsoleDeps) {
  return async function withSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = cookieToken(request);
    const session = token === undefined ? null : await deps.consoleSessions.resume(token);
    if (session === null) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        const next = encodeURIComponent(request.url);
        return reply.redirect(`${CONSOLE}/sign-in?next=${next}`, 303);
      }
      throw forbidden('you are signed out: sign in again');
    }
    request.consoleSession = session;
    request.accountSid = session.account.sid;
    request.account = session.account;
  };
}

const checkCsrf: preHandlerAsyncHookHandler = async (request) => {
  if (request.method !== 'POST') return;
  if (!csrfMatches(request.consoleSession!, field(formOf(request), '_csrf', 100))) {
    throw forbidden('the form is out of date or came from elsewhere: reload the page and try again');
  }
};

function forbidden(detail: string): ApiError {
  return new ApiError(70002, { status: 403, detail });
}

function errorPage(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  reply.headers(error.headers);
  const frame = {
    title: error.status === 404 ? 'Not found' : `Error ${error.status}`,
    path: pathOf(request),
    session: request.consoleSession,
  };
  const content = html`<div class="notice error" role="alert"><p>${error.message}</p></div>
    <p><a href="${CONSOLE}/services">Back to the services</a></p>`;
  return sendPage(reply, layout(frame, content), error.status);
}
