// The console's HTTP plumbing: its cookie, its forms, its redirects and the checks every
// state-changing request passes (same origin, the session's CSRF token).

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleSession } from '../accounts/console-sessions.js';
import { CONSOLE_SESSION_SECONDS } from '../accounts/console-sessions.js';
import { invalidParameter } from '../errors/api-error.js';
import type { FormFields } from '../http/form-body.js';
import type { Html } from './html.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is signed in to the console (set by its auth hook on every page). */
    consoleSession: ConsoleSession | null;
  }
}

export const CONSOLE = '/console';
const COOKIE = 'parley_console';

/** The session token the browser sent, if any. */
export function cookieToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), scoped to the
 * console, Secure whenever the console is reached over HTTPS, and expiring with the session.
 */
export function sessionCookie(request: FastifyRequest, token: string | null): string {
  const attributes = [`${COOKIE}=${token ?? ''}`, `Path=${CONSOLE}`, 'HttpOnly', 'SameSite=Strict'];
  attributes.push(token === null ? 'Max-Age=0' : `Max-Age=${CONSOLE_SESSION_SECONDS}`);
  if (request.protocol === 'https') attributes.push('Secure');
  return attributes.join('; ');
}

/**
 * A state-changing request comes from a page of this server: a browser says where a request
 * came from (Sec-Fetch-Site, Origin), and a request from another site is refused whatever it
 * carries. The CSRF token (checked after) covers browsers that say neither.
 */
export function fromThisSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return origin === `${request.protocol}://${request.host}`;
}

/** The request's form fields (an empty form when it sent none). */
export function formOf(request: FastifyRequest): FormFields {
  return (request.body ?? {}) as FormFields;
}

/** One field of a form, at most `max` characters; repeated fields are refused. */
export function field(form: FormFields, name: string, max = 1600): string | undefined {
  const value = form[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParameter(name, `${name} was sent more than once`);
  if (value.length > max) throw invalidParameter(name, `${name} is longer than ${max} characters`);
  return value;
}

/** One query parameter, the same way. */
export function queryParam(request: FastifyRequest, name: string, max = 200): string | undefined {
  const value = field(request.query as FormFields, name, max);
  return value === '' ? undefined : value;
}

/**
 * Where to go back to after an action: a console path, never another site (`//evil` or a scheme
 * would make this an open redirect).
 */
export function consolePath(value: string | undefined, fallback: string): string {
  if (value === undefined || !/^\/console(\/[A-Za-z0-9/_\-.]*)?(\?[A-Za-z0-9_\-.%=&+]*)?$/.test(value)) return fallback;
  return value;
}

export function sendPage(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.markup);
}

/** After a POST: the browser loads the next page with a GET (a reload does not repeat the action). */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('Location', location).send();
}

/** The signed-in session (only ever read on pages behind the console's auth hook). */
export function signedIn(request: FastifyRequest): ConsoleSession {
  if (request.consoleSession === null) throw new Error('a console page was served without a session');
  return request.consoleSession;
}
