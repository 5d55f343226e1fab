// The one place errors become responses: every body is Twilio's `{code, message, more_info, status}`.

import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { validationError } from './validation-errors.js';
import { isDatabaseUnavailable } from '../db/constraint-errors.js';
import { pathOf, resourceNotFound } from './routing.js';

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => send(reply, reportedError(error, request)));
  app.setNotFoundHandler((request, reply) => send(reply, resourceNotFound(request)));
}

/** Fastify's own early failures (a malformed URL), rendered the same way. */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void send(reply, new ApiError(70002, { detail: error.message, status: 400 }));
}

function send(reply: FastifyReply, error: ApiError) {
  return reply.code(error.status).headers(error.headers).type('application/json; charset=utf-8').send(error.toBody());
}

/** The Twilio error a failure answers with; a server-side one is logged (the console renders the same). */
export function reportedError(error: FastifyError, request: FastifyRequest): ApiError {
  const apiError = toApiError(error);
  // The error as the database gave it: the log is where "disk full" or "read-only" must show. A
  // 503 thrown as such is another service's outage (the carrier's API), its detail saying which.
  if (apiError.status === 503) {
    request.log.warn(
      { err: error, path: pathOf(request) },
      error instanceof ApiError ? 'unavailable' : 'database unavailable or storage failing',
    );
  } else if (apiError.status >= 500) request.log.error({ err: error, path: pathOf(request) }, 'request failed');
  return apiError;
}

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) return validationError(error.validation);
  // An outage or a storage fault (disk full, read-only, I/O error, locked): nothing the client did wrong.
  if (isDatabaseUnavailable(error)) {
    return new ApiError(20503, { detail: 'the database cannot take requests right now; retry shortly', headers: { 'Retry-After': '1' } });
  }
  // Fastify's own 4xx (body too large, unsupported content type, malformed body): keep the status.
  const status = error.statusCode;
  if (status === 415) {
    return new ApiError(70002, { detail: 'unsupported Content-Type: send the body as application/x-www-form-urlencoded', status });
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new ApiError(70002, { detail: error.message, status });
  }
  // Never echo internals; the log has the details.
  return new ApiError(20500);
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (an unknown method, a raw control
 * byte in the target, a head over the size limit, a head that never finishes): answered on the
 * socket, as Fastify's default handler does, but in Twilio's shape.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const apiError = clientError(error.code);
    const body = JSON.stringify(apiError.toBody());
    socket.write(
      `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function clientError(code: string | undefined): ApiError {
  if (code === 'HPE_HEADER_OVERFLOW') return new ApiError(70002, { detail: 'the request head is too large', status: 431 });
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new ApiError(70002, { detail: 'the request did not arrive in time', status: 408 });
  return new ApiError(70002, { detail: 'the HTTP request is malformed', status: 400 });
}
