// Generated form values and forms: for each field type, values the API should accept and values it
// should refuse, generic oddities and any unicode; the [key, value] pairs of a form, well formed or not.

import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { ALL_FIELDS, ALL_REALS, FIELD_NAMES } from './routes.js';
import type { FieldType } from './routes.js';
import { hexString, printable, randomSid, token, unicode } from './text.js';

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
