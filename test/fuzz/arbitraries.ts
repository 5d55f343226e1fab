// Generators for the API fuzz tests: whole requests on every route of the app, with paths, methods,
// headers and bodies that range from valid to garbage, built from the parts in routes.ts, text.ts,
// paths.ts, values.ts, headers.ts and bodies.ts. Real values (the baseline's SIDs, numbers, names)
// are written as `{{name}}` or `{{name|mangle}}` tokens and resolved when the request is sent, so a
// counterexample stays readable and keeps working after the baseline is re-seeded.

import http from 'node:http';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { PREFIX, REALS, ROUTES } from './routes.js';
import type { Kind, RouteDef } from './routes.js';
import { BAD_PERCENT, freshSid, printable, randomSid, token, unicode } from './text.js';
import { PATH_MUTATIONS, segmentArb } from './paths.js';
import type { PathMutation, Segment } from './paths.js';
import { formArb } from './values.js';
import { AUTHS, contentTypeArb, extraHeaderArb } from './headers.js';
import type { Auth } from './headers.js';
import { bodyArb, methodArb } from './bodies.js';
import type { Body } from './bodies.js';

// ---- whole requests ---------------------------------------------------------------------------

/** A request of the garbage property: any route, method, path damage, headers and body. */
export interface FuzzRequest {
  route: string;
  method: string;
  segments: Segment[];
  mutation: PathMutation;
  query: string | null;
  auth: Auth;
  contentType: string;
  headers: Array<[string, string]>;
  body: Body;
}

const QUERY_VALUES = [
  '',
  '0',
  '1',
  '50',
  '1000',
  '1001',
  '-1',
  'abc',
  '99999999999',
  '1.5',
  'PT',
  'PTdeadbeef',
  '%2B14155550100',
  '%E0%A4%A',
  'true',
  '%00',
  '%',
  'a+b',
];
const queryArb: Arbitrary<string | null> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.tuple(fc.constantFrom('PageSize', 'Page', 'PageToken', 'To', 'From', 'pagesize', 'Page[]'), fc.constantFrom(...QUERY_VALUES)),
        { minLength: 1, maxLength: 4 },
      )
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
  },
  { weight: 1, arbitrary: printable(60) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_PERCENT).map((bad) => `PageSize=${bad}&${bad}=1`) },
);

export function pathOf(route: RouteDef, segments: readonly Segment[]): string {
  let i = 0;
  return route.parts.map((part) => (typeof part === 'string' ? part : segments[i++]!.text)).join('');
}

export const fuzzRequestArb: Arbitrary<FuzzRequest> = fc.constantFrom(...ROUTES).chain((route) => {
  const params = route.parts.filter((part): part is { param: Kind } => typeof part !== 'string');
  return methodArb(route).chain((method) =>
    fc.record({
      route: fc.constant(route.id),
      method: fc.constant(method),
      segments: fc.tuple(...params.map((p) => segmentArb(p.param))),
      mutation: fc.oneof(
        { weight: 12, arbitrary: fc.constant('none' as const) },
        { weight: 5, arbitrary: fc.constantFrom(...PATH_MUTATIONS) },
      ),
      query: queryArb,
      auth: fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom('valid' as const, 'valid lowercase scheme' as const, 'valid padded' as const) },
        { weight: 3, arbitrary: fc.constantFrom(...AUTHS) },
      ),
      contentType: contentTypeArb,
      headers: fc.array(extraHeaderArb, { maxLength: 2 }),
      body: bodyArb(route.body, method === 'GET' || method === 'HEAD'),
    }),
  );
});

/** Query values cut to 2,000 characters: a request head over 16 KiB is the protocol-level property's case. */
function shortValues(pairs: Array<[string, string]>): Array<[string, string]> {
  return pairs.map(([key, value]) => [key, value.slice(0, 2000)]);
}

/** A request of the well-formed property (sent with the HttpClient): right shapes, wrong values. */
export interface WellFormedRequest {
  route: string;
  method: string;
  /** Path parameters, still to be resolved and then percent-encoded. */
  segments: string[];
  fresh: boolean;
  pairs: Array<[string, string]>;
  anonymous: boolean;
  idempotencyKey: string | null;
}

function wellFormedSegment(kind: Kind): Arbitrary<{ text: string; fresh: boolean }> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant({ text: token(REALS[kind][0]!), fresh: false }) },
    { weight: 2, arbitrary: fc.constantFrom(...REALS[kind]).map((name) => ({ text: token(name), fresh: false })) },
    { weight: 1, arbitrary: freshSid(PREFIX[kind]).map((text) => ({ text, fresh: true })) },
    { weight: 1, arbitrary: randomSid(PREFIX[kind]).map((text) => ({ text, fresh: false })) },
    // Not empty: `…/Sessions/` is the list route (trailing slashes are ignored), not a bad SID.
    {
      weight: 1,
      arbitrary: unicode(12)
        .filter((text) => text !== '')
        .map((text) => ({ text, fresh: false })),
    },
  );
}

export const wellFormedRequestArb: Arbitrary<WellFormedRequest> = fc.constantFrom(...ROUTES).chain((route) => {
  const params = route.parts.filter((part): part is { param: Kind } => typeof part !== 'string');
  const method = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...route.methods) },
    { weight: 1, arbitrary: fc.constantFrom('POST', 'DELETE', 'PUT', 'PATCH') },
  );
  return method.chain((m) =>
    fc
      .record({
        route: fc.constant(route.id),
        method: fc.constant(m),
        segments: fc.tuple(...params.map((p) => wellFormedSegment(p.param))),
        pairs:
          m === 'GET'
            ? formArb(route.query, 8).map(shortValues)
            : m === 'POST'
              ? formArb(route.body, 8)
              : fc.constant<Array<[string, string]>>([]),
        anonymous: fc.oneof({ weight: 30, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        idempotencyKey: fc.oneof(
          { weight: 8, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3') },
        ),
      })
      .map(({ segments, ...rest }) => ({ ...rest, segments: segments.map((s) => s.text), fresh: segments.some((s) => s.fresh) })),
  );
});

// ---- the protocol level -----------------------------------------------------------------------

/** Requests node's HTTP parser itself refuses, before Fastify routes them. */
export type ProtocolRequest =
  | { kind: 'unknown method'; route: string; method: string }
  | { kind: 'raw byte in target'; route: string; byte: number; at: number }
  | { kind: 'header overflow'; route: string; size: number; where: 'path' | 'header' };

export const protocolRequestArb: Arbitrary<ProtocolRequest> = fc.constantFrom(...ROUTES).chain((route) =>
  fc.oneof(
    fc
      .stringMatching(/^[A-Z][A-Z_-]{0,11}$/)
      .filter((method) => !http.METHODS.includes(method))
      .map((method): ProtocolRequest => ({ kind: 'unknown method', route: route.id, method })),
    fc
      .record({ byte: fc.integer({ min: 0x7f, max: 0xff }), at: fc.nat({ max: 1000 }) })
      .map(({ byte, at }): ProtocolRequest => ({ kind: 'raw byte in target', route: route.id, byte, at })),
    fc
      .record({ size: fc.integer({ min: 17 * 1024, max: 64 * 1024 }), where: fc.constantFrom('path' as const, 'header' as const) })
      .map(({ size, where }): ProtocolRequest => ({ kind: 'header overflow', route: route.id, size, where })),
  ),
);
