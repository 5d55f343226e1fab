// Property-based fuzzing of the whole HTTP surface (every /v1 route, the simulator's routes and
// the health probes) on the real app. Properties:
//   1. No response is a 5xx, and every error has Twilio's shape {code, message, more_info, status}.
//   2. Requests that are invalid by construction (bad credentials, a SID that cannot exist, a body
//      over 64 KiB, not a form, not UTF-8, broken percent-encoding) are answered with a 4xx.
//   3. A rejected request writes nothing: row counts of every table are unchanged around it.
//   4. The server stays up: /healthz answers 200 after every batch.
// Seeded: PARLEY_FUZZ_SEED=<n> replays another sequence; a failure prints the seed, the shrunk
// counterexample and the request as sent.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { assertTwilioError } from '../helpers/http-client.js';
import type { Form, Response } from '../helpers/http-client.js';
import { fuzzRequestArb, pathOf, protocolRequestArb, wellFormedRequestArb } from './arbitraries.js';
import type { FuzzRequest, ProtocolRequest, WellFormedRequest } from './arbitraries.js';
import { BODY_METHODS, encodeBody, methodArb, oversizeArb } from './bodies.js';
import { authHeader, BAD_AUTHS, contentTypeArb, contentTypeClass } from './headers.js';
import { mutatePath, segmentArb } from './paths.js';
import { RawClient } from './raw-http.js';
import type { RawRequest, RawResponse } from './raw-http.js';
import { baselineIntact, countRows, seedBaseline, unexplainedChanges } from './state.js';
import type { Baseline, Counts } from './state.js';
import { ROUTE_BY_ID, ROUTES } from './routes.js';
import type { Kind } from './routes.js';
import { isValidFormBody, resolveTokens } from './text.js';

const SEED = Number(process.env.PARLEY_FUZZ_SEED ?? 20_240_611);
const BODY_LIMIT = 64 * 1024;
/** Methods that never write: a 2xx to one of them does not spoil a batch's row-count check. */
const READS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

interface RouteStats {
  sent: number;
  ok: number;
  rejected: number;
}

const stats = {
  garbage: 0,
  wellFormed: 0,
  oversize: 0,
  protocol: 0,
  batchesCompared: 0,
  batchesWithWrites: 0,
  countChecks: 0,
  reseeds: 0,
  byRoute: new Map<string, RouteStats>(ROUTES.map((route) => [route.id, { sent: 0, ok: 0, rejected: 0 }])),
};

function tally(route: string, status: number): void {
  const entry = stats.byRoute.get(route)!;
  entry.sent++;
  if (status < 300) entry.ok++;
  else entry.rejected++;
}

/** The request as it went on the wire, for failure messages. */
function describeRaw(request: RawRequest): string {
  const body =
    request.body === undefined
      ? '(no body)'
      : `${request.body.length} bytes: ${JSON.stringify(request.body.subarray(0, 400).toString('latin1'))}`;
  return `${request.method} ${JSON.stringify(request.path.length > 300 ? request.path.slice(0, 300) + '…' : request.path)}\n  headers: ${JSON.stringify(request.headers, (k, v: string) => (typeof v === 'string' && v.length > 200 ? v.slice(0, 200) + '…' : v))}\n  body: ${body}`;
}

function excerpt(text: string): string {
  return text.length > 600 ? text.slice(0, 600) + '…' : text;
}

/** Properties 1 and 2 for one response. */
function checkResponse(what: string, method: string, status: number, body: unknown, text: string, mustReject: string[]): void {
  assert.ok(status < 500, `5xx for\n${what}\n→ ${status} ${excerpt(text)}`);
  assert.ok(status >= 200, `unexpected status for\n${what}\n→ ${status} ${excerpt(text)}`);
  if (status >= 400 && method !== 'HEAD') {
    try {
      assertTwilioError(status, body, text);
    } catch (err) {
      throw new assert.AssertionError({
        message: `an error without Twilio's shape for\n${what}\n→ ${status} ${excerpt(text)}\n${(err as Error).message.slice(0, 300)}`,
      });
    }
  }
  if (mustReject.length > 0) {
    assert.ok(status >= 400 && status < 500, `expected a 4xx (${mustReject.join(', ')}) for\n${what}\n→ ${status} ${excerpt(text)}`);
  }
}

describe('API fuzz', () => {
  let t: TestApp;
  let raw: RawClient;
  /** A connection per request, for requests the server refuses by closing the connection. */
  let oneShot: RawClient;
  let baseline: Baseline;

  before(async () => {
    console.log(`fuzz seed: ${SEED} (set PARLEY_FUZZ_SEED to explore another sequence)`);
    t = await startTestApp();
    raw = new RawClient(t.baseUrl);
    oneShot = new RawClient(t.baseUrl, { keepAlive: false });
    baseline = await seedBaseline(t.api);
  });
  after(async () => {
    raw.close();
    oneShot.close();
    await t.close();
  });

  const db = () => t.app.parley.database.db;

  async function ensureBaseline(): Promise<void> {
    if (await baselineIntact(db(), baseline, t.app.parley.clock.now(TEST_ACCOUNT_SID))) return;
    baseline = await seedBaseline(t.api);
    stats.reseeds++;
  }

  async function assertHealthy(after: string): Promise<void> {
    let response: RawResponse;
    try {
      response = await raw.send({ method: 'GET', path: '/healthz', headers: {} });
    } catch (err) {
      throw new Error(`the server stopped answering after ${after}: ${(err as Error).message}`, { cause: err });
    }
    assert.equal(response.status, 200, `/healthz after ${after}: ${response.status} ${response.text}`);
    assert.deepEqual(response.json, { status: 'ok' });
  }

  async function sendRaw(request: RawRequest, client = raw): Promise<RawResponse> {
    try {
      return await client.send(request);
    } catch (err) {
      throw new Error(`no response (${(err as Error).message}) for\n${describeRaw(request)}`, { cause: err });
    }
  }

  /** A generated request as bytes, with the reasons it must be rejected (none: anything but a 5xx). */
  function materialise(request: FuzzRequest): { wire: RawRequest; mustReject: string[] } {
    const route = ROUTE_BY_ID.get(request.route)!;
    const segments = request.segments.map((segment) => ({ ...segment, text: resolveTokens(segment.text, baseline) }));
    let path = mutatePath(pathOf(route, segments), request.mutation);
    if (request.query !== null) path += (path.includes('?') ? '&' : '?') + request.query;
    const headers: Record<string, string> = {};
    const authorization = authHeader(request.auth, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN);
    if (authorization !== undefined) headers.authorization = authorization;
    if (request.contentType !== '(none)') headers['content-type'] = request.contentType;
    for (const [name, value] of request.headers) headers[name] = value;
    const body = encodeBody(request.body, baseline);
    const mustReject: string[] = [];
    if (BAD_AUTHS.has(request.auth) && route.open !== true) mustReject.push('bad credentials');
    // Only where it is still part of the path: an earlier segment of `?` or `#` turns the rest into a query.
    const target = path.split(/[?#]/)[0]!;
    if (segments.some((segment) => segment.fresh && target.includes(segment.text))) mustReject.push('a SID no record has');
    if (BODY_METHODS.has(request.method) && body !== undefined && body.length > 0) {
      const kind = contentTypeClass(request.contentType);
      if (body.length > BODY_LIMIT) mustReject.push('a body over 64 KiB');
      else if (kind === 'other') mustReject.push('a body that is not a form');
      else if (kind === 'form' && !isValidFormBody(body)) mustReject.push('a malformed form body');
    }
    return { wire: { method: request.method, path, headers, body }, mustReject };
  }

  /**
   * Sends a batch one request at a time, checks every response, then compares row counts around
   * the batch when nothing in it could legitimately write (no 2xx to anything but a read).
   */
  async function runRawBatch(batch: FuzzRequest[], counter: 'garbage' | 'oversize'): Promise<void> {
    await ensureBaseline();
    const before = await countRows(db());
    const log: string[] = [];
    let wrote = false;
    for (const request of batch) {
      const { wire, mustReject } = materialise(request);
      const response = await sendRaw(wire);
      stats[counter]++;
      tally(request.route, response.status);
      checkResponse(describeRaw(wire), wire.method, response.status, response.json, response.text, mustReject);
      if (response.status < 300 && !READS.has(wire.method)) wrote = true;
      log.push(`${response.status} ${wire.method} ${wire.path.slice(0, 160)}`);
    }
    if (wrote) stats.batchesWithWrites++;
    else {
      const changes = unexplainedChanges(before, await countRows(db()));
      stats.batchesCompared++;
      assert.deepEqual(changes, [], `rows were written by a batch in which every write was rejected:\n${log.join('\n')}`);
    }
    await assertHealthy(`a batch of ${batch.length}`);
  }

  async function sendWellFormed(request: WellFormedRequest): Promise<{ response: Response; what: string }> {
    const route = ROUTE_BY_ID.get(request.route)!;
    let i = 0;
    const path = route.parts
      .map((part) => (typeof part === 'string' ? part : encodeURIComponent(resolveTokens(request.segments[i++]!, baseline))))
      .join('');
    const form: Form = {};
    const grouped = new Map<string, string[]>();
    for (const [key, value] of request.pairs) {
      const k = resolveTokens(key, baseline);
      grouped.set(k, [...(grouped.get(k) ?? []), resolveTokens(value, baseline)]);
    }
    for (const [key, values] of grouped) form[key] = values.length === 1 ? values[0] : values;
    const client = request.anonymous ? t.anonymous : t.api;
    const options = request.idempotencyKey === null ? undefined : { headers: { 'idempotency-key': request.idempotencyKey } };
    const what = `${request.method} ${path} ${JSON.stringify(form, (k, v: unknown) => (typeof v === 'string' && v.length > 120 ? v.slice(0, 120) + '…' : v))}${request.anonymous ? ' (no credentials)' : ''}${options ? ` Idempotency-Key: ${request.idempotencyKey}` : ''}`;
    try {
      switch (request.method) {
        case 'GET':
          return { response: await client.get(path, Object.keys(form).length > 0 ? form : undefined, options), what };
        case 'POST':
          return { response: await client.post(path, form, options), what };
        case 'DELETE':
          return { response: await client.delete(path, options), what };
        default:
          return { response: await client.request(request.method, path, {}, options), what };
      }
    } catch (err) {
      // The HttpClient checks every 2xx /v1 body against Twilio's spec and every error's shape.
      throw new Error(`${what}\n${(err as Error).message.slice(0, 2000)}`, { cause: err });
    }
  }

  /** Well-formed requests, counts compared around every one answered with a 4xx. */
  async function runWellFormedBatch(batch: WellFormedRequest[]): Promise<void> {
    await ensureBaseline();
    let counts: Counts | null = null;
    for (const request of batch) {
      counts ??= await countRows(db());
      const { response, what } = await sendWellFormed(request);
      stats.wellFormed++;
      tally(request.route, response.status);
      const mustReject: string[] = [];
      if (request.anonymous && ROUTE_BY_ID.get(request.route)!.open !== true) mustReject.push('no credentials');
      if (request.fresh) mustReject.push('a SID no record has');
      checkResponse(what, request.method, response.status, response.body, response.text, mustReject);
      if (response.status >= 400) {
        const now = await countRows(db());
        stats.countChecks++;
        assert.deepEqual(
          unexplainedChanges(counts, now),
          [],
          `a rejected request wrote rows:\n${what}\n→ ${response.status} ${excerpt(response.text)}`,
        );
        counts = now;
      } else if (request.method !== 'GET') counts = null;
    }
    await assertHealthy(`a batch of ${batch.length}`);
  }

  test('garbage requests to every route: no 5xx, Twilio-shaped errors, nothing written, server up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fuzzRequestArb, { minLength: 1, maxLength: 40, size: 'max' }), (batch) => runRawBatch(batch, 'garbage')),
      { seed: SEED, numRuns: 400 },
    );
  });

  test('well-formed requests with wrong, huge and duplicated values: no 5xx, spec-valid answers, rejected ones write nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(wellFormedRequestArb, { minLength: 1, maxLength: 30, size: 'max' }), (batch) => runWellFormedBatch(batch)),
      { seed: SEED + 1, numRuns: 220 },
    );
  });

  test('bodies over 64 KiB on every route are a 413 (or an earlier 4xx) and write nothing', async () => {
    const oversized: fc.Arbitrary<FuzzRequest> = fc.constantFrom(...ROUTES).chain((route) => {
      const params = route.parts.filter((part): part is { param: Kind } => typeof part !== 'string');
      return fc.record({
        route: fc.constant(route.id),
        method: methodArb(route).filter((method) => BODY_METHODS.has(method)),
        segments: fc.tuple(...params.map((p) => segmentArb(p.param))),
        mutation: fc.constant('none' as const),
        query: fc.constant(null),
        auth: fc.oneof({ weight: 5, arbitrary: fc.constant('valid' as const) }, { weight: 1, arbitrary: fc.constant('none' as const) }),
        contentType: contentTypeArb,
        headers: fc.constant([]),
        body: oversizeArb,
      });
    });
    await fc.assert(
      fc.asyncProperty(fc.array(oversized, { minLength: 1, maxLength: 8, size: 'max' }), (batch) => runRawBatch(batch, 'oversize')),
      { seed: SEED + 2, numRuns: 40 },
    );
  });

  test('requests node’s HTTP parser refuses (unknown method, raw byte in the target, oversized head) still get a Twilio error', async () => {
    const build = (request: ProtocolRequest): RawRequest => {
      const route = ROUTE_BY_ID.get(request.route)!;
      const path = resolveTokens(
        pathOf(
          route,
          route.parts.filter((p) => typeof p !== 'string').map(() => ({ text: '{{service}}', fresh: false })),
        ),
        baseline,
      );
      const headers = { authorization: authHeader('valid', TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)! };
      switch (request.kind) {
        case 'unknown method':
          return { method: request.method, path, headers };
        case 'raw byte in target': {
          const at = 1 + Math.floor((request.at / 1000) * (path.length - 1));
          return { method: 'GET', path: path.slice(0, at) + String.fromCharCode(request.byte) + path.slice(at), headers };
        }
        case 'header overflow':
          return request.where === 'path'
            ? { method: 'GET', path: `${path}?PageToken=${'a'.repeat(request.size)}`, headers }
            : { method: 'GET', path, headers: { ...headers, 'x-fuzz': 'a'.repeat(request.size) } };
      }
    };
    await fc.assert(
      fc.asyncProperty(protocolRequestArb, async (request) => {
        const wire = build(request);
        const response = await sendRaw(wire, oneShot);
        stats.protocol++;
        checkResponse(describeRaw(wire), wire.method, response.status, response.json, response.text, [request.kind]);
        await assertHealthy(request.kind);
      }),
      { seed: SEED + 3, numRuns: 100 },
    );
  });

  test('covered every route, sent at least 10,000 requests', () => {
    const total = stats.garbage + stats.wellFormed + stats.oversize;
    const table = [...stats.byRoute].map(
      ([route, s]) =>
        `  ${String(s.sent).padStart(5)} sent ${String(s.ok).padStart(5)} 2xx ${String(s.rejected).padStart(5)} 4xx  ${route}`,
    );
    console.log(
      [
        `fuzz requests: ${total} (garbage ${stats.garbage}, well-formed ${stats.wellFormed}, oversized ${stats.oversize}) + protocol-level ${stats.protocol}`,
        `row counts compared around ${stats.batchesCompared} garbage/oversized batches (${stats.batchesWithWrites} had a legitimate write) and after ${stats.countChecks} rejected well-formed requests; baseline re-seeded ${stats.reseeds} times`,
        ...table,
      ].join('\n'),
    );
    assert.ok(total >= 10_000, `only ${total} requests`);
    for (const [route, s] of stats.byRoute) {
      assert.ok(s.sent >= 100, `${route}: only ${s.sent} requests`);
      assert.ok(s.ok >= 1, `${route}: never answered 2xx; the generators no longer reach it`);
    }
  });
});
