// Idempotency-Key on any POST (beyond Twilio): the first successful response for a key is kept
// for PARLEY_IDEMPOTENCY_TTL seconds and replayed to a retry with the same method, path and body;
// the same key with a different request is a 422. Only 2xx answers are kept: a request that
// failed created nothing, so its retry runs again. See README "Idempotent retries".

import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountClock } from '../common/clock.js';
import { ApiError, invalidParameter } from '../errors/api-error.js';
import { pathOf } from '../http/routing.js';
import { claimKey, completeKey, releaseKey } from './idempotency.repository.js';
import type { Db } from '../db/unit-of-work.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** SHA-256 of the raw body, computed by the form parser when an Idempotency-Key is sent. */
    bodyDigest: string | null;
    /** The key this request claimed, to be completed or released when it answers. */
    idempotencyKey: string | null;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** A claim older than this belongs to a request that never answered (a crash): take it over. */
const STALE_CLAIM_MS = 60_000;
const KEY = /^[\x21-\x7e]{1,255}$/;

export function digestBody(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

export function registerIdempotency(app: FastifyInstance, db: Db, clock: AccountClock, ttlSeconds: number): void {
  app.decorateRequest('bodyDigest', null);
  app.decorateRequest('idempotencyKey', null);

  const preHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (request.method !== 'POST' || key === undefined) return;
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw invalidParameter('Idempotency-Key', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
    }
    const digest = createHash('sha256')
      .update(`${request.method} ${pathOf(request)}\n${request.bodyDigest ?? digestBody(Buffer.alloc(0))}`)
      .digest('hex');
    const now = clock.now(request.accountSid);
    const record = {
      account_sid: request.accountSid,
      key,
      request_digest: digest,
      status: null,
      response: null,
      date_created: now,
      expires_at: now + ttlSeconds * 1000,
    };
    let existing = await claimKey(db, record);
    // A key past its lifetime (not yet purged by the expiry job), or a claim whose request never
    // answered (a crash), counts as free.
    const forgotten =
      existing !== null && (existing.expires_at <= now || (existing.status === null && existing.date_created < now - STALE_CLAIM_MS));
    if (forgotten) {
      await releaseKey(db, request.accountSid, key);
      existing = await claimKey(db, record);
    }
    if (existing === null) {
      request.idempotencyKey = key;
      return;
    }
    if (existing.request_digest !== digest) {
      throw new ApiError(70002, {
        detail: `Idempotency-Key "${key}" was already used with a different request (method, path or body)`,
        status: 422,
      });
    }
    if (existing.status === null) {
      throw new ApiError(70002, { detail: `a request with Idempotency-Key "${key}" is still being processed; retry later`, status: 409 });
    }
    return replay(reply, existing.status, existing.response ?? '');
  };

  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const key = request.idempotencyKey;
    if (key === null) return payload;
    request.idempotencyKey = null;
    if (reply.statusCode >= 200 && reply.statusCode < 300) {
      await completeKey(db, request.accountSid, key, reply.statusCode, typeof payload === 'string' ? payload : '');
    } else {
      await releaseKey(db, request.accountSid, key);
    }
    return payload;
  };

  // Only POST routes carry the hooks, so reads pay nothing for them.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST')) return;
    route.preHandler = [...asArray(route.preHandler), preHandler];
    route.onSend = [...asArray(route.onSend), onSend];
  });
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function replay(reply: FastifyReply, status: number, response: string): FastifyReply {
  return reply
    .code(status)
    .header('Idempotent-Replayed', 'true')
    .type('application/json; charset=utf-8')
    .serializer((payload: unknown) => payload as string)
    .send(response);
}
