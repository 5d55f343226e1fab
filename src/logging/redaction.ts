// Parley relays people's phone numbers and messages and holds its tenants' secrets; none of that
// belongs in a log, at any level. Every log call goes through `redactLogArguments` (a pino hook, see
// log-options.ts), which scrubs whatever it is given, so a careless `log.warn({ err })` whose error
// message quotes a number is still safe:
//   - phone numbers: E.164 (`+14155550100`) and its URL-encoded form (`%2B14155550100`) anywhere in
//     text, and the number segment of `/PhoneNumbers/{number}` paths;
//   - URL credentials: `https://user:password@host` becomes `https://***@host`;
//   - values under sensitive keys (bodies, tokens, passwords, Authorization), and query parameters
//     that carry a number or a body (`To`, `From`, `Body`, …).

const E164 = /\+[1-9]\d{6,14}(?!\d)/g;
const ENCODED_E164 = /%2B[1-9]\d{6,14}(?!\d)/gi;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;
/** A pool number fetched by its number rather than its PN SID (or a route's `:Sid` parameter). */
const NUMBER_SEGMENT = /(\/PhoneNumbers\/)(?!PN[0-9a-fA-F]{32}\b|:[A-Za-z])[^/?#\s]+/g;
const SENSITIVE_QUERY = /([?&](?:to|from|body|identifier|phonenumber|mediaurl|password|token)=)[^&#\s]*/gi;

const SENSITIVE_KEYS = new Set([
  'authorization',
  'password',
  'secret',
  'token',
  'authtoken',
  'auth_token',
  'secondary_auth_token',
  'apitoken',
  'apikey',
  'api_key',
  'signingkey',
  'body',
  'params',
  'payload',
  'identifier',
  'from',
  'to',
  'phone_number',
  'phonenumber',
  'mediaurls',
  'media_urls',
]);

export const REDACTED = '[redacted]';
const MAX_DEPTH = 6;

export function redactText(text: string): string {
  return text
    .replace(URL_CREDENTIALS, '$1***@')
    .replace(NUMBER_SEGMENT, `$1${REDACTED}`)
    .replace(SENSITIVE_QUERY, `$1${REDACTED}`)
    .replace(ENCODED_E164, REDACTED)
    .replace(E164, REDACTED);
}

/** A scrubbed copy of anything a log call was given; errors become plain objects. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[deep]';
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const source = value instanceof Error ? errorFields(value) : (value as Record<string, unknown>);
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(source)) {
    copy[key] = SENSITIVE_KEYS.has(key.toLowerCase()) ? REDACTED : redactValue(field, depth + 1);
  }
  return copy;
}

/** What pino's error serializer would keep: the type, message, stack, cause and own fields. */
function errorFields(err: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { type: err.constructor?.name ?? 'Error', message: err.message, stack: err.stack };
  for (const [key, field] of Object.entries(err)) fields[key] = field;
  if (err.cause !== undefined) fields.cause = err.cause;
  return fields;
}

/** pino's logMethod hook: every argument (merging object, message, format values) scrubbed. */
export function redactLogArguments(args: unknown[]): unknown[] {
  return args.map((arg) => redactValue(arg));
}
