// Generated request bodies and methods: forms, corrupted bytes, other content, oversize bodies, and
// every method Node's parser knows.

import http from 'node:http';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { Baseline } from './state.js';
import type { FieldType, RouteDef } from './routes.js';
import { MALFORMED_ESCAPES, pctEncode, resolveTokens } from './text.js';
import { pairsArb } from './values.js';

/** Byte strings never (or only sometimes) valid in a form body, written as latin1 (one char per byte). */
const CORRUPTIONS = [
  ...MALFORMED_ESCAPES,
  '%2',
  '\xff',
  '\xc3\x28',
  '\x80',
  '\xed\xa0\x80',
  '\xf0\x9f\x98',
  '\xc0\xaf',
  '\xfe\xff',
  '&&',
  '==',
  '&=&',
  '%0A',
  '%25',
  '+',
  '&%=',
];

export type Body =
  | { kind: 'none' }
  | { kind: 'form'; pairs: Array<[string, string]>; encoding: 'pct' | 'plus' | 'raw'; corrupt: Array<{ at: number; insert: string }> }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'json'; pairs: Array<[string, string]> }
  | { kind: 'multipart'; pairs: Array<[string, string]> }
  | { kind: 'oversize'; size: number; fill: 'one value' | 'many pairs' | 'bytes' | 'invalid utf-8' };

export function bodyArb(fields: Readonly<Record<string, FieldType>> | undefined, bodyless: boolean): Arbitrary<Body> {
  const pairs = pairsArb(fields, 3);
  return fc.oneof(
    { weight: bodyless ? 12 : 3, arbitrary: fc.constant<Body>({ kind: 'none' }) },
    {
      weight: 8,
      arbitrary: fc
        .record({
          pairs,
          encoding: fc.constantFrom('pct' as const, 'plus' as const, 'raw' as const),
          corrupt: fc.array(fc.record({ at: fc.nat({ max: 1000 }), insert: fc.constantFrom(...CORRUPTIONS) }), { maxLength: 2 }),
        })
        .map((form): Body => ({ kind: 'form', ...form })),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes): Body => ({ kind: 'bytes', bytes })) },
    { weight: 1, arbitrary: pairs.map((p): Body => ({ kind: 'json', pairs: p })) },
    { weight: 1, arbitrary: pairs.map((p): Body => ({ kind: 'multipart', pairs: p })) },
    { weight: 1, arbitrary: oversizeArb },
  );
}

export const oversizeArb: Arbitrary<Body> = fc
  .record({
    size: fc.integer({ min: 64 * 1024 + 1, max: 160 * 1024 }),
    fill: fc.constantFrom('one value' as const, 'many pairs' as const, 'bytes' as const, 'invalid utf-8' as const),
  })
  .map((o): Body => ({ kind: 'oversize', ...o }));

export function encodeBody(body: Body, baseline: Baseline): Buffer | undefined {
  const resolved = (pairs: Array<[string, string]>) =>
    pairs.map(([k, v]): [string, string] => [resolveTokens(k, baseline), resolveTokens(v, baseline)]);
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'form': {
      const text = resolved(body.pairs)
        .map(([k, v]) =>
          body.encoding === 'raw' ? `${k}=${v}` : `${pctEncode(k, body.encoding === 'plus')}=${pctEncode(v, body.encoding === 'plus')}`,
        )
        .join('&');
      let bytes = Buffer.from(text, 'utf8');
      for (const { at, insert } of body.corrupt) {
        const index = Math.floor((at / 1000) * bytes.length);
        bytes = Buffer.concat([bytes.subarray(0, index), Buffer.from(insert, 'latin1'), bytes.subarray(index)]);
      }
      return bytes;
    }
    case 'bytes':
      return Buffer.from(body.bytes);
    case 'json':
      return Buffer.from(JSON.stringify(Object.fromEntries(resolved(body.pairs))), 'utf8');
    case 'multipart':
      return Buffer.from(
        resolved(body.pairs)
          .map(([k, v]) => `--fuzzboundary\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
          .join('') + '--fuzzboundary--\r\n',
        'utf8',
      );
    case 'oversize': {
      const unit = { 'one value': 'x', 'many pairs': 'Body=x&', bytes: '\x01\x02\x03', 'invalid utf-8': '\xff\xfe' }[body.fill];
      const prefix = body.fill === 'one value' ? 'UniqueName=' : '';
      return Buffer.from((prefix + unit.repeat(Math.ceil(body.size / unit.length))).slice(0, body.size), 'latin1');
    }
  }
}

// ---- methods ----------------------------------------------------------------------------------

const COMMON_METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'] as const;
/** Every method node's parser knows, except CONNECT (whose target is an authority, not a path). */
const EXOTIC_METHODS = http.METHODS.filter((method) => method !== 'CONNECT');
/** Methods whose body Fastify reads (and so rejects when it is malformed, too large or not a form). */
export const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function methodArb(route: RouteDef): Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...route.methods) },
    { weight: 2, arbitrary: fc.constant('POST') },
    { weight: 2, arbitrary: fc.constantFrom(...COMMON_METHODS) },
    { weight: 1, arbitrary: fc.constantFrom(...EXOTIC_METHODS) },
  );
}
