// Generators for the API fuzz tests: every route of the app, with paths, methods, headers and
// bodies that range from valid to garbage. Real values (the baseline's SIDs, numbers, names) are
// written as `{{name}}` or `{{name|mangle}}` tokens and resolved when the request is sent, so a
// counterexample stays readable and keeps working after the baseline is re-seeded.

import http from 'node:http';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { Baseline, RealRef } from './state.js';

// ---- routes ---------------------------------------------------------------------------------

export type Kind = 'service' | 'session' | 'participant' | 'phoneNumber' | 'interaction' | 'call';

export type FieldType =
  | 'text191'
  | 'text255'
  | 'text1600'
  | 'int'
  | 'advance'
  | 'url'
  | 'urls'
  | 'datetime'
  | 'bool'
  | 'phone'
  | 'participants'
  | 'capabilities'
  | 'sidPN'
  | 'sidIS'
  | 'pageToken'
  | { readonly enum: readonly string[] };

export interface RouteDef {
  id: string;
  /** Literal path pieces and path parameters, in order. */
  parts: ReadonlyArray<string | { param: Kind }>;
  methods: readonly string[];
  /** POST form fields. */
  body?: Readonly<Record<string, FieldType>>;
  /** GET query parameters. */
  query?: Readonly<Record<string, FieldType>>;
}

const PAGING = { PageSize: 'int', Page: 'int', PageToken: 'pageToken' } as const;
const SERVICE_FIELDS = {
  UniqueName: 'text191',
  DefaultTtl: 'int',
  CallbackUrl: 'url',
  GeoMatchLevel: { enum: ['area-code', 'overlay', 'radius', 'country'] },
  NumberSelectionBehavior: { enum: ['avoid-sticky', 'prefer-sticky'] },
  InterceptCallbackUrl: 'url',
  OutOfSessionCallbackUrl: 'url',
  ChatInstanceSid: 'sidIS',
} as const;
const SESSION_STATUS = { enum: ['open', 'in-progress', 'closed', 'failed', 'unknown'] } as const;

const svc = { param: 'service' } as const;
const ses = { param: 'session' } as const;
const par = { param: 'participant' } as const;

export const ROUTES: readonly RouteDef[] = [
  { id: 'GET /healthz', parts: ['/healthz'], methods: ['GET'] },
  { id: '/v1/Services', parts: ['/v1/Services'], methods: ['GET', 'POST'], body: SERVICE_FIELDS, query: PAGING },
  { id: '/v1/Services/:Sid', parts: ['/v1/Services/', svc], methods: ['GET', 'POST', 'DELETE'], body: SERVICE_FIELDS },
  {
    id: '/v1/Services/:ServiceSid/Sessions',
    parts: ['/v1/Services/', svc, '/Sessions'],
    methods: ['GET', 'POST'],
    body: {
      UniqueName: 'text191',
      DateExpiry: 'datetime',
      Ttl: 'int',
      Mode: { enum: ['message-only', 'voice-only', 'voice-and-message'] },
      Status: SESSION_STATUS,
      Participants: 'participants',
    },
    query: PAGING,
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:Sid',
    parts: ['/v1/Services/', svc, '/Sessions/', ses],
    methods: ['GET', 'POST', 'DELETE'],
    body: { DateExpiry: 'datetime', Ttl: 'int', Status: SESSION_STATUS },
  },
  {
    id: '/v1/Services/:ServiceSid/PhoneNumbers',
    parts: ['/v1/Services/', svc, '/PhoneNumbers'],
    methods: ['GET', 'POST'],
    body: { Sid: 'sidPN', PhoneNumber: 'phone', IsReserved: 'bool', Capabilities: 'capabilities' },
    query: PAGING,
  },
  {
    id: '/v1/Services/:ServiceSid/PhoneNumbers/:Sid',
    parts: ['/v1/Services/', svc, '/PhoneNumbers/', { param: 'phoneNumber' }],
    methods: ['GET', 'POST', 'DELETE'],
    body: { IsReserved: 'bool' },
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:SessionSid/Participants',
    parts: ['/v1/Services/', svc, '/Sessions/', ses, '/Participants'],
    methods: ['GET', 'POST'],
    body: { Identifier: 'phone', FriendlyName: 'text255', ProxyIdentifier: 'phone', ProxyIdentifierSid: 'sidPN' },
    query: PAGING,
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:SessionSid/Participants/:Sid',
    parts: ['/v1/Services/', svc, '/Sessions/', ses, '/Participants/', par],
    methods: ['GET', 'DELETE'],
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:SessionSid/Interactions',
    parts: ['/v1/Services/', svc, '/Sessions/', ses, '/Interactions'],
    methods: ['GET'],
    query: PAGING,
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:SessionSid/Interactions/:Sid',
    parts: ['/v1/Services/', svc, '/Sessions/', ses, '/Interactions/', { param: 'interaction' }],
    methods: ['GET', 'DELETE'],
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:SessionSid/Participants/:ParticipantSid/MessageInteractions',
    parts: ['/v1/Services/', svc, '/Sessions/', ses, '/Participants/', par, '/MessageInteractions'],
    methods: ['GET', 'POST'],
    body: { Body: 'text1600', MediaUrl: 'urls' },
    query: PAGING,
  },
  {
    id: '/v1/Services/:ServiceSid/Sessions/:SessionSid/Participants/:ParticipantSid/MessageInteractions/:Sid',
    parts: ['/v1/Services/', svc, '/Sessions/', ses, '/Participants/', par, '/MessageInteractions/', { param: 'interaction' }],
    methods: ['GET'],
  },
  { id: '/simulator/v1/Clock', parts: ['/simulator/v1/Clock'], methods: ['GET', 'POST'], body: { Advance: 'advance' } },
  {
    id: '/simulator/v1/Messages',
    parts: ['/simulator/v1/Messages'],
    methods: ['GET', 'POST'],
    body: { From: 'phone', To: 'phone', Body: 'text1600', MediaUrl: 'urls' },
    query: { ...PAGING, To: 'phone', From: 'phone' },
  },
  { id: '/simulator/v1/Calls', parts: ['/simulator/v1/Calls'], methods: ['POST'], body: { From: 'phone', To: 'phone' } },
  {
    id: '/simulator/v1/Calls/:CallSid',
    parts: ['/simulator/v1/Calls/', { param: 'call' }],
    methods: ['GET', 'POST'],
    body: { Status: { enum: ['completed', 'busy', 'no-answer', 'failed'] } },
  },
];

export const ROUTE_BY_ID: ReadonlyMap<string, RouteDef> = new Map(ROUTES.map((route) => [route.id, route]));

const ALL_FIELDS: Readonly<Record<string, FieldType>> = Object.assign({}, ...ROUTES.flatMap((r) => [r.body ?? {}, r.query ?? {}]));
const FIELD_NAMES = Object.keys(ALL_FIELDS);

const PREFIX: Record<Kind, string> = { service: 'KS', session: 'KC', participant: 'KP', phoneNumber: 'PN', interaction: 'KI', call: 'CA' };
const REALS: Record<Kind, readonly RealRef[]> = {
  service: ['service'],
  session: ['session', 'sessionName'],
  participant: ['participant', 'participant2'],
  phoneNumber: ['phoneNumber', 'phoneNumberE164'],
  interaction: ['interaction'],
  call: ['call'],
};
const ALL_REALS: readonly RealRef[] = [
  'service',
  'session',
  'sessionName',
  'participant',
  'participant2',
  'identifier',
  'identifier2',
  'proxy',
  'proxy2',
  'phoneNumber',
  'phoneNumberE164',
  'interaction',
  'call',
];
const OTHER_PREFIXES = ['KS', 'KC', 'KP', 'PN', 'KI', 'CA', 'AC', 'SM', 'IS', 'XX', 'ks', 'k'];

// ---- tokens ---------------------------------------------------------------------------------

/** How a real value is damaged before use. `pct` percent-encodes every character (decodes back to it). */
const MANGLES = ['upper', 'lower', 'truncate', 'extend', 'pct', 'pct2', 'space', 'nul'] as const;
type Mangle = (typeof MANGLES)[number];

function mangle(value: string, how: Mangle | undefined): string {
  switch (how) {
    case undefined:
      return value;
    case 'upper':
      return value.toUpperCase();
    case 'lower':
      return value.toLowerCase();
    case 'truncate':
      return value.slice(0, -1);
    case 'extend':
      return value + '0';
    case 'pct':
      return pctEncodeAll(value);
    case 'pct2':
      return pctEncodeAll(value).replace(/%/g, '%25');
    case 'space':
      return `${value}%20`;
    case 'nul':
      return `${value}%00`;
  }
}

const TOKEN = /\{\{(\w+)(?:\|(\w+))?\}\}/g;

/** Replaces `{{name}}` / `{{name|mangle}}` with the baseline's current values. */
export function resolveTokens(text: string, baseline: Baseline): string {
  return text.replace(TOKEN, (whole, name: string, how: string | undefined) => {
    const value = (baseline as unknown as Record<string, string | undefined>)[name];
    return value === undefined ? whole : mangle(value, how as Mangle | undefined);
  });
}

const token = (name: RealRef, how?: Mangle) => (how === undefined ? `{{${name}}}` : `{{${name}|${how}}}`);

// ---- encodings --------------------------------------------------------------------------------

const hex = (byte: number) => '%' + byte.toString(16).toUpperCase().padStart(2, '0');

export function pctEncodeAll(text: string): string {
  return [...Buffer.from(text, 'utf8')].map(hex).join('');
}

/** Form encoding as twilio-node sends it (`%20`) or twilio-python (`+`); lone surrogates become U+FFFD. */
export function pctEncode(text: string, plus = false): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      '-_.~'.includes(String.fromCharCode(byte))
    ) {
      out += String.fromCharCode(byte);
    } else if (plus && byte === 0x20) out += '+';
    else out += hex(byte);
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The oracle for "this body is application/x-www-form-urlencoded as Parley documents it": UTF-8,
 * and every percent escape decodes (to UTF-8). Independent of src/: the contract, not the code.
 */
export function isValidFormBody(body: Buffer): boolean {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return false;
  }
  try {
    for (const pair of text.split('&')) for (const part of pair.split('=')) decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return false;
  }
  return true;
}

// ---- basic arbitraries ------------------------------------------------------------------------

const char = (min: number, max: number) => fc.integer({ min, max }).map((code) => String.fromCharCode(code));
const hexString = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
/** Printable ASCII without space: what a request target may carry without the client refusing it. */
const printable = (maxLength: number) => fc.string({ unit: char(0x21, 0x7e), maxLength });
const unicode = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength });

/** A SID of a well-formed shape that cannot exist: `deadbeef` marks it (real SIDs are random). */
const freshSid = (prefix: string) => hexString(24).map((h) => `${prefix}deadbeef${h}`);
const randomSid = (prefix: string) => hexString(32).map((h) => prefix + h);

const TRAVERSALS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2E',
  '%2e',
  '.%2e',
  '%2e.',
  '..%2f..',
  '..%2F..%2Fetc%2Fpasswd',
  '..\\..',
  '%5c..',
  '',
  '%2F',
  '...',
  '..;',
  '%252e%252e',
  '%c0%ae%c0%ae',
  '%uff0e%uff0e',
  '~',
  '*',
  '%20',
] as const;
const BAD_PERCENT = [
  '%',
  '%Z',
  '%ZZ',
  '%G1',
  '%E0%A4%A',
  '%C3%28',
  '%ED%A0%80',
  '%FF',
  '%C0%AF',
  '%F0%9F%98',
  '%%',
  '%2',
  'KS%',
  '%E2%82',
] as const;
const longString = fc
  .tuple(fc.constantFrom(63, 64, 65, 191, 192, 2047, 2048, 2049, 4096, 9000), fc.constantFrom('a', '%41', 'K', '0'))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

// ---- path segments ----------------------------------------------------------------------------

export interface Segment {
  text: string;
  /** A well-formed SID no record can have: the request must be a 4xx. */
  fresh: boolean;
}

const seg = (text: string, fresh = false): Segment => ({ text, fresh });

/** One path parameter, from the real value through mangled and foreign ones to garbage. */
export function segmentArb(kind: Kind): Arbitrary<Segment> {
  const reals = REALS[kind];
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant(seg(token(reals[0]!))) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...reals), fc.option(fc.constantFrom(...MANGLES), { nil: undefined }))
        .map(([name, how]) => seg(token(name, how))),
    },
    { weight: 1, arbitrary: fc.constantFrom(...ALL_REALS).map((name) => seg(token(name))) },
    { weight: 3, arbitrary: freshSid(PREFIX[kind]).map((sid) => seg(sid, true)) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...OTHER_PREFIXES)
        .chain(freshSid)
        .map((sid) => seg(sid, true)),
    },
    { weight: 2, arbitrary: fc.constantFrom(...TRAVERSALS).map((text) => seg(text)) },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_PERCENT).map((text) => seg(text)) },
    { weight: 2, arbitrary: printable(40).map((text) => seg(text)) },
    { weight: 1, arbitrary: longString.map((text) => seg(text)) },
    { weight: 1, arbitrary: unicode(12).map((text) => seg(pctEncodeAll(text))) },
  );
}

/** Whole-path damage: double slashes, dot segments, traversal out of the API, case, encoded slashes. */
export const PATH_MUTATIONS = [
  'none',
  'leading //',
  'inner //',
  'trailing /',
  'trailing //',
  'trailing /..',
  'trailing /%2e%2e',
  'inner /./',
  'inner /../',
  'escape /../../../..',
  'upper V1',
  'lower',
  'encoded slash',
  'backslash',
  'semicolon',
  'trailing %00',
  'trailing ?',
  'trailing #x',
  'trailing .json',
] as const;
export type PathMutation = (typeof PATH_MUTATIONS)[number];

export function mutatePath(path: string, how: PathMutation): string {
  const slash = path.indexOf('/', 1);
  const at = (insert: string) => (slash === -1 ? path + insert : path.slice(0, slash) + insert + path.slice(slash + 1));
  switch (how) {
    case 'none':
      return path;
    case 'leading //':
      return '/' + path;
    case 'inner //':
      return at('//');
    case 'trailing /':
      return path + '/';
    case 'trailing //':
      return path + '//';
    case 'trailing /..':
      return path + '/..';
    case 'trailing /%2e%2e':
      return path + '/%2e%2e';
    case 'inner /./':
      return at('/./');
    case 'inner /../':
      return at('/x/../');
    case 'escape /../../../..':
      return path + '/../../../../etc/passwd';
    case 'upper V1':
      return path.replace('/v1/', '/V1/');
    case 'lower':
      return path.toLowerCase();
    case 'encoded slash':
      return at('%2F');
    case 'backslash':
      return path.replace(/\//g, '\\').replace(/^\\/, '/');
    case 'semicolon':
      return path + ';jsessionid=x';
    case 'trailing %00':
      return path + '%00';
    case 'trailing ?':
      return path + '?';
    case 'trailing #x':
      return path + '#x';
    case 'trailing .json':
      return path + '.json';
  }
}

// ---- values -----------------------------------------------------------------------------------

const phoneish = fc.oneof(
  fc.constantFrom(token('identifier'), token('identifier2'), token('proxy'), token('proxy2'), token('phoneNumberE164')),
  hexString(4).map((h) => `+1415555${String(parseInt(h, 16) % 10000).padStart(4, '0')}`),
  fc.constantFrom('+14155550100', '+442071838750', '+61412345678', '4155550123'),
);

const participantJson = fc
  .record(
    {
      Identifier: phoneish,
      FriendlyName: unicode(20),
      ProxyIdentifier: fc.constantFrom(token('proxy'), token('proxy2'), token('phoneNumberE164'), '+14155550199'),
      ProxyIdentifierSid: fc.constantFrom(token('phoneNumber'), 'PN' + '0'.repeat(32)),
    },
    { requiredKeys: ['Identifier'] },
  )
  .chain((object) => fc.constantFrom('PascalCase', 'camelCase', 'snake_case').map((style) => restyle(object, style)))
  .map((object) => JSON.stringify(object));

function restyle(object: Record<string, string>, style: string): Record<string, string> {
  if (style === 'PascalCase') return object;
  return Object.fromEntries(
    Object.entries(object).map(([key, value]) => [
      style === 'camelCase' ? key[0]!.toLowerCase() + key.slice(1) : key.replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase(),
      value,
    ]),
  );
}

/** A value of this type that the API should accept. */
function goodValue(type: FieldType): Arbitrary<string | string[]> {
  if (typeof type === 'object') return fc.constantFrom(...type.enum);
  switch (type) {
    case 'text191':
    case 'text255':
    case 'text1600':
      return fc.oneof(unicode(30), fc.constantFrom(token('sessionName'), 'fuzz', ''));
    case 'int':
      return fc.oneof(fc.constantFrom('0', '1', '60', '3600', '86400', '2147483646', ''), fc.nat({ max: 100_000 }).map(String));
    case 'advance':
      return fc.constantFrom('0', '1', '5', '60');
    case 'url':
      return fc.constantFrom('http://127.0.0.1:9/cb', 'https://127.0.0.1:9/cb?x=1&y=%20', 'http://localhost:9/a#b', '');
    case 'urls':
      return fc.array(fc.constantFrom('http://127.0.0.1:9/a.png', 'https://127.0.0.1:9/b.jpg?x=1', ''), { minLength: 1, maxLength: 3 });
    case 'datetime':
      return fc.constantFrom('2030-01-02T03:04:05Z', '2099-12-31T23:59:59Z', '2031-06-01T00:00:00+02:00', '');
    case 'bool':
      return fc.constantFrom('true', 'false', 'True', 'False', '');
    case 'phone':
      return phoneish;
    case 'participants':
      return fc.array(participantJson, { minLength: 1, maxLength: 2 });
    case 'capabilities':
      return fc.uniqueArray(fc.constantFrom('voice', 'sms', 'mms', 'fax'), { minLength: 1, maxLength: 4 });
    case 'sidPN':
      return fc.oneof(fc.constant(token('phoneNumber')), randomSid('PN'), fc.constant(''));
    case 'sidIS':
      return fc.oneof(randomSid('IS'), fc.constant(''));
    case 'pageToken':
      return fc.constantFrom('', 'PT', 'PTx');
  }
}

const NUL = 'NUL';
const INT_BAD = [
  '-1',
  '1.5',
  'abc',
  '1e3',
  '0x10',
  '2147483647',
  '9999999999',
  '99999999999',
  ' 1',
  '１',
  'NaN',
  'Infinity',
  '+1',
  '00000000001',
  `1${NUL}`,
];
const URL_BAD = [
  'ftp://x',
  'notaurl',
  'http://',
  'javascript:alert(1)',
  'http://exa mple.com',
  '//127.0.0.1/x',
  'http://[::1',
  'http://127.0.0.1:99999/',
  'http://' + 'a'.repeat(4000),
  `http://127.0.0.1:9/${NUL}`,
  'HTTP://127.0.0.1:9/',
  'http://user:pass@127.0.0.1:9/',
];
const DATE_BAD = [
  '2030-13-45T99:99:99Z',
  '2030-02-30T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2030-01-02',
  'tomorrow',
  '2030-01-02T03:04:05.123456789Z',
  '2030-01-02T03:04:05+25:00',
  '9999-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  `2030-01-02T03:04:05Z${NUL}`,
  '2030-01-02T03:04:05',
  '1e12',
  '2030-01-02T03:04:05Z'.repeat(4),
];
const PHONE_BAD = [
  '+1',
  '+999999999999999999',
  'abc',
  '+1 415 555 0100',
  '(415) 555-0100',
  '+٤١٥٥٥٥٠١٠٠',
  `+1415555010${NUL}`,
  '',
  '+0000000000',
  '+1'.padEnd(40, '1'),
  'sip:alice@example.com',
  'client:alice',
  '+1-415-555-0100',
  '++14155550100',
];
const PARTICIPANTS_BAD = [
  '[]',
  '{}',
  'null',
  '"x"',
  '1',
  '{"Identifier":1}',
  '{"Identifier":null}',
  '{"__proto__":{"Identifier":"x"}}',
  '{"constructor":"x"}',
  `{"Identifier":"${'a'.repeat(200)}"}`,
  '{"identifier":"+14155550100","ProxyIdentifierSid":"PNxyz"}',
  '{"Unknown":"x"}',
  '{',
  '{"Identifier":"+14155550100"}{"Identifier":"+14155550101"}',
  `{"Identifier":"+14155550100","FriendlyName":"${'é'.repeat(256)}"}`,
  '['.repeat(3000),
  `{"Identifier":"${token('identifier')}","ProxyIdentifier":"${token('phoneNumberE164')}"}`,
  `{"Identifier":"${token('identifier')}","ProxyIdentifierSid":"${token('interaction')}"}`,
  `{"Identifier":"a${NUL}b"}`,
];

/** A value of this type that the API should refuse (or at least handle without a 5xx). */
function badValue(type: FieldType): Arbitrary<string | string[]> {
  if (typeof type === 'object') {
    return fc.oneof(
      fc.constantFrom(...type.enum).map((v) => v.toUpperCase()),
      fc.constantFrom(...type.enum).map((v) => ` ${v}`),
      fc.constantFrom('', `closed${NUL}`, 'message_only'),
      unicode(8),
    );
  }
  switch (type) {
    case 'text191':
    case 'text255':
    case 'text1600': {
      const max = Number(type.slice(4));
      return fc.constantFrom(
        'x'.repeat(max + 1),
        '\u{1F600}'.repeat(max),
        'é'.repeat(max),
        `a${NUL}b`,
        '\uD800',
        ' ',
        '\r\n',
        '<script>alert(1)</script>',
        "'; drop table services; --",
        '%',
        'x'.repeat(20_000),
        '\u202E\u0301\uFEFF',
      );
    }
    case 'int':
    case 'advance':
      return fc.oneof(fc.constantFrom(...INT_BAD, '316224001', '316224000'), fc.integer().map(String));
    case 'url':
      return fc.constantFrom(...URL_BAD);
    case 'urls':
      return fc.oneof(
        fc.array(fc.constantFrom(...URL_BAD), { minLength: 1, maxLength: 3 }),
        fc.constant(Array.from({ length: 101 }, () => 'http://127.0.0.1:9/x')),
      );
    case 'datetime':
      return fc.constantFrom(...DATE_BAD);
    case 'bool':
      return fc.constantFrom('yes', '1', 'TRUE ', 'tru', 'null', NUL);
    case 'phone':
      return fc.constantFrom(...PHONE_BAD);
    case 'participants':
      return fc.oneof(
        fc.constantFrom(...PARTICIPANTS_BAD),
        fc.array(fc.constantFrom(...PARTICIPANTS_BAD), { minLength: 2, maxLength: 3 }),
        fc.constant(Array.from({ length: 101 }, () => '{"Identifier":"+14155550100"}')),
      );
    case 'capabilities':
      return fc.oneof(fc.constantFrom('VOICE', '', 'sms,mms', 'telepathy'), fc.constant(Array.from({ length: 101 }, () => 'sms')));
    case 'sidPN':
    case 'sidIS':
      return fc.oneof(
        fc.constantFrom('PN123', 'PN' + 'g'.repeat(32), token('interaction'), `${token('phoneNumber')}x`, token('phoneNumber', 'lower')),
        randomSid('pn'),
      );
    case 'pageToken':
      return fc.oneof(
        fc.constantFrom('x'.repeat(401), '%', `PT${NUL}`, 'PTeyJ9', 'PT' + Buffer.from('{"x":1}').toString('base64')),
        printable(60),
      );
  }
}

const GENERIC = [
  '',
  ' ',
  '0',
  '-0',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '[object Object]',
  '__proto__',
  NUL,
  '\uFFFF',
  '\u{10FFFF}',
  '%00',
  '%',
  '&',
  '=',
  '+',
];

/** Any value at all: generic oddities, unicode (lone surrogates included), real values, huge strings. */
const anyValue: Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...GENERIC) },
  { weight: 2, arbitrary: unicode(40) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map((x) => x.replace(/\0/g, '')) },
  { weight: 2, arbitrary: fc.constantFrom(...ALL_REALS).map((name) => token(name)) },
  { weight: 1, arbitrary: fc.constantFrom(1000, 5000, 20_000, 66_000).map((n) => 'y'.repeat(n)) },
);

/** A value for a known field: mostly of the right type, often wrong, sometimes anything. */
export function valueArb(type: FieldType | undefined, goodWeight: number): Arbitrary<string | string[]> {
  if (type === undefined) return anyValue;
  return fc.oneof(
    { weight: goodWeight, arbitrary: goodValue(type) },
    { weight: 3, arbitrary: badValue(type) },
    { weight: 1, arbitrary: anyValue },
  );
}

const WEIRD_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'Participants[Identifier]',
  'Participants[]',
  'a[b][c]',
  'uniquename',
  'UNIQUENAME',
  ' UniqueName',
  'UniqueName ',
  'Unique%4Eame',
];

/** [key, value] pairs of a form: known fields of this route (repeated ones become several pairs), others, oddities. */
export function pairsArb(fields: Readonly<Record<string, FieldType>> | undefined, goodWeight: number): Arbitrary<Array<[string, string]>> {
  const own = Object.keys(fields ?? {});
  const known = own.length > 0 ? own : FIELD_NAMES;
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: fc.constantFrom(...FIELD_NAMES) },
    { weight: 1, arbitrary: fc.constantFrom(...WEIRD_KEYS) },
    { weight: 1, arbitrary: unicode(10) },
  );
  const pair = key.chain((name) =>
    valueArb(typeOf(fields, name) ?? typeOf(ALL_FIELDS, name), goodWeight).map((value) => toPairs(name, value)),
  );
  return fc.array(pair, { maxLength: 6 }).map((groups) => groups.flat());
}

/** Own properties only: a key named __proto__ or constructor is just a key. */
function typeOf(fields: Readonly<Record<string, FieldType>> | undefined, name: string): FieldType | undefined {
  return fields !== undefined && Object.hasOwn(fields, name) ? fields[name] : undefined;
}

function toPairs(name: string, value: string | string[]): Array<[string, string]> {
  return (Array.isArray(value) ? value : [value]).map((v) => [name, v]);
}

/** A well-formed form for this route: each field present or not, plus the odd stray or repeated one. */
export function formArb(fields: Readonly<Record<string, FieldType>> | undefined, goodWeight: number): Arbitrary<Array<[string, string]>> {
  const entries = Object.entries(fields ?? {});
  const present = entries.map(([name, type]) =>
    fc.oneof(
      { weight: 1, arbitrary: fc.constant([] as Array<[string, string]>) },
      { weight: 1, arbitrary: valueArb(type, goodWeight).map((value) => toPairs(name, value)) },
    ),
  );
  const extra = fc.oneof(
    { weight: 4, arbitrary: fc.constant([] as Array<[string, string]>) },
    { weight: 1, arbitrary: pairsArb(fields, goodWeight) },
  );
  return fc.tuple(fc.tuple(...present), extra).map(([groups, more]) => [...groups.flat(), ...more]);
}

// ---- headers ----------------------------------------------------------------------------------

export const AUTHS = [
  'valid',
  'valid lowercase scheme',
  'valid padded',
  'none',
  'wrong token',
  'wrong account',
  'bad base64',
  'bearer',
  'no colon',
  'huge',
  'empty token',
  'latin1',
] as const;
export type Auth = (typeof AUTHS)[number];
export const BAD_AUTHS: ReadonlySet<Auth> = new Set([
  'none',
  'wrong token',
  'wrong account',
  'bad base64',
  'bearer',
  'no colon',
  'huge',
  'empty token',
  'latin1',
]);

export function authHeader(auth: Auth, accountSid: string, token: string): string | undefined {
  const basic = (user: string, pass: string) => 'Basic ' + Buffer.from(`${user}:${pass}`, 'utf8').toString('base64');
  switch (auth) {
    case 'valid':
      return basic(accountSid, token);
    case 'valid lowercase scheme':
      return basic(accountSid, token).replace('Basic', 'basic');
    case 'valid padded':
      return basic(accountSid, token).replace('Basic ', 'Basic   ') + '  ';
    case 'none':
      return undefined;
    case 'wrong token':
      return basic(accountSid, token + 'x');
    case 'wrong account':
      return basic('AC' + 'f'.repeat(32), token);
    case 'bad base64':
      return 'Basic !!!not base64!!!';
    case 'bearer':
      return `Bearer ${token}`;
    case 'no colon':
      return 'Basic ' + Buffer.from(accountSid + token).toString('base64');
    case 'huge':
      return basic(accountSid, token.repeat(200));
    case 'empty token':
      return basic(accountSid, '');
    case 'latin1':
      return 'Basic ' + Buffer.from(`${accountSid}:\xff\xfe`, 'latin1').toString('base64');
  }
}

const FORM_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=UTF-8',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/x-www-form-urlencoded;charset=latin1',
];
const OTHER_TYPES = [
  'application/json',
  'text/plain',
  'text/plain; charset=utf-8',
  'multipart/form-data; boundary=fuzzboundary',
  'application/xml',
  'application/octet-stream',
  '(none)',
  '',
];
const WEIRD_TYPES = [
  'application/x-www-form-urlencoded, application/json',
  'application/x-www-form-urlencodedX',
  'application/x-www-form-urlencoded;;;',
  '*/*',
  ';',
  'application/x-www-form-urlencoded; charset="',
  'application/x-www-form-urlencoded; charset=utf-16',
  'form',
  'application/json; x=application/x-www-form-urlencoded',
];
export type ContentTypeClass = 'form' | 'other' | 'weird';

export function contentTypeClass(contentType: string): ContentTypeClass {
  if (FORM_TYPES.includes(contentType)) return 'form';
  if (OTHER_TYPES.includes(contentType)) return 'other';
  return 'weird';
}

export const contentTypeArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...FORM_TYPES) },
  { weight: 3, arbitrary: fc.constantFrom(...OTHER_TYPES) },
  { weight: 1, arbitrary: fc.constantFrom(...WEIRD_TYPES) },
);

const extraHeaderArb: Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(
    fc.constant('idempotency-key'),
    fc.oneof(
      printable(20).filter((k) => k !== ''),
      fc.constantFrom('with space', 'k'.repeat(256), '', 'fuzz-1'),
    ),
  ),
  fc.tuple(
    fc.constant('x-forwarded-host'),
    fc.oneof(printable(30), fc.constantFrom('evil.com/"><script>', 'a'.repeat(500), '[::1]:99999', 'x y')),
  ),
  fc.tuple(fc.constant('x-forwarded-proto'), fc.constantFrom('https', 'gopher', 'http, https', '', 'javascript')),
  fc.tuple(fc.constant('accept'), fc.constantFrom('application/xml', 'text/html', '*/*;q=0', 'garbage')),
  fc.tuple(fc.constant('content-encoding'), fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x-unknown')),
  fc.tuple(fc.constant('accept-encoding'), fc.constantFrom('gzip', 'br', '*', 'identity;q=0')),
  fc.tuple(fc.constant('x-http-method-override'), fc.constantFrom('DELETE', 'PUT', 'GET')),
  fc.tuple(fc.constant('cookie'), printable(40)),
);

// ---- bodies -----------------------------------------------------------------------------------

/** Byte strings never (or only sometimes) valid in a form body, written as latin1 (one char per byte). */
const CORRUPTIONS = [
  '%',
  '%Z',
  '%ZZ',
  '%G1',
  '%E0%A4%A',
  '%C3%28',
  '%ED%A0%80',
  '%FF',
  '%C0%AF',
  '%F0%9F%98',
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
