// The only module that reads process.env. Everything else receives a frozen Config.

import { isIP } from 'node:net';

export type Carrier = 'simulator' | 'twilio' | 'signalwire' | 'telnyx';
/** How strict a phone number must be: `valid` (in an assigned range) or `possible` (a possible length). */
export type NumberCheck = 'possible' | 'valid';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** `sqlite:PATH`, `sqlite::memory:` or `postgres://…` */
  readonly databaseUrl: string;
  /** When both are set, this account is created or updated on start; otherwise one is generated once. */
  readonly accountSid: string | null;
  readonly authToken: string | null;
  /** Absolute base URL for `url`, `links` and `meta`; null derives it from each request. */
  readonly publicUrl: string | null;
  readonly carrier: Carrier;
  /** The emulator's admin API bearer token (POST/DELETE /simulator/v1/Accounts); null: the API is off. */
  readonly adminToken: string | null;
  /** Participant identifiers and pool numbers must be valid numbers, or only possible ones (fictional ranges such as +1 555). */
  readonly numberCheck: NumberCheck;
  readonly logLevel: LogLevel;
  /** One `info` line per request (method, route pattern, status, duration, account, request id). */
  readonly logRequests: boolean;
  /** The web console at /console (PARLEY_CONSOLE): on by default with the simulator only. */
  readonly console: boolean;
  /** How often the expiry job looks for sessions past their expiry. */
  readonly expirySweepIntervalMs: number;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimit: number;
  /** Most unreserved / reserved numbers in one service's pool; 0 for no cap. */
  readonly poolMaxUnreserved: number;
  readonly poolMaxReserved: number;
  /** How long an Idempotency-Key's first response is replayed. */
  readonly idempotencyTtlSeconds: number;
  /** The Twilio account Parley sends through and checks webhook signatures with (carrier twilio). */
  readonly twilio: { readonly accountSid: string; readonly authToken: string; readonly apiUrl: string } | null;
  /** The SignalWire project Parley sends through (its Compatibility API) and checks webhook signatures with (carrier signalwire). */
  readonly signalwire: {
    readonly projectId: string;
    readonly apiToken: string;
    /** Signs SignalWire's webhooks (not the API token). */
    readonly signingKey: string;
    /** The Space's host, e.g. example.signalwire.com. */
    readonly spaceUrl: string;
    /** Where the REST calls go: https://{spaceUrl} unless PARLEY_SIGNALWIRE_API_URL says otherwise. */
    readonly apiUrl: string;
  } | null;
  /** The Telnyx account Parley sends through (API key) and checks webhook signatures with (public key) (carrier telnyx). */
  readonly telnyx: TelnyxSettings | null;
  /** How long the intercept and out-of-session callbacks may take before Parley goes on without them. */
  readonly interceptTimeoutMs: number;
  /** How long one delivery of a service callback may take. */
  readonly callbackTimeoutMs: number;
  /** Deliveries of one callback before it is given up (with exponential backoff, capped at an hour). */
  readonly callbackMaxAttempts: number;
  /** How often the outbox worker looks for due work when nothing woke it. */
  readonly outboxPollMs: number;
  /** Default rate limit per account and endpoint (requests per second, 0: off) and its burst (0: 5x). */
  readonly rateLimit: number;
  readonly rateBurst: number;
  /** Where the rate-limit buckets are shared by every node (redis:// or rediss://); null: each node counts alone. */
  readonly redis: RedisSettings | null;
  /** How long a database operation may wait for a connection or an answer before the request gets a 503. */
  readonly databaseTimeoutMs: number;
  /** Most bytes of an answer Parley reads from any outgoing HTTP call; beyond, the call is aborted. */
  readonly callbackMaxResponseBytes: number;
  /** Whether account-set URLs (callback, intercept, out-of-session) may aim at private addresses. */
  readonly callbackAllowPrivate: boolean;
  /** Which peers' X-Forwarded-* headers count (Fastify's trustProxy: a boolean, a hop count, or addresses/CIDRs). */
  readonly trustProxy: boolean | number | readonly string[];
  /** Slow clients: receiving a whole request, its head, an idle keep-alive connection; the connection cap. */
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
  /** Callback deliveries under way at once, in all and per account. */
  readonly callbackConcurrency: number;
  readonly callbackConcurrencyPerAccount: number;
  /** Days message bodies, the simulator's log and finished outbox jobs are kept; 0 keeps them forever. */
  readonly retentionDays: number;
  /** Failed sign-ins from one client address within a minute before it gets 429s; 0 for no limit. */
  readonly authFailureLimit: number;
  /** GET /metrics answers to `Authorization: Bearer <this>`; null: no /metrics (a 404). */
  readonly metricsToken: string | null;
  /** Whether metrics carry a service_sid label (sessions, pool, refusals, routed interactions); otherwise totals only. */
  readonly metricsPerService: boolean;
  /** On SIGTERM/SIGINT: how long /healthz/ready answers 503 before the listener closes (lifecycle/shutdown.ts). */
  readonly shutdownDrainMs: number;
  /** Then how long requests and callback deliveries under way may take to finish before they are cut. */
  readonly shutdownTimeoutMs: number;
}

export interface TelnyxSettings {
  /** PARLEY_TELNYX_API_KEY: the Bearer key of the Messaging API. */
  readonly apiKey: string;
  /** PARLEY_TELNYX_PUBLIC_KEY: the account's Ed25519 public key (base64 of 32 bytes), for webhook signatures. */
  readonly publicKey: string;
  /** PARLEY_TELNYX_MESSAGING_PROFILE_ID: sent with every message when set. */
  readonly messagingProfileId: string | null;
  /** PARLEY_TELNYX_API_URL: https://api.telnyx.com unless a test points it at a fake. */
  readonly apiUrl: string;
}

export interface RedisSettings {
  /** PARLEY_REDIS_URL, password included: handed to the client, never logged. */
  readonly url: string;
  /** PARLEY_REDIS_KEY_PREFIX: before every bucket's key, so deployments (or test runs) can share one Redis. */
  readonly keyPrefix: string;
  /** PARLEY_REDIS_TIMEOUT_MS: longest wait for Redis before a request is counted on this node instead. */
  readonly timeoutMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const ACCOUNT_SID = /^AC[0-9a-f]{32}$/;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const CARRIERS: readonly Carrier[] = ['simulator', 'twilio', 'signalwire', 'telnyx'];
const NUMBER_CHECKS: readonly NumberCheck[] = ['possible', 'valid'];

export const DEFAULT_DATABASE_URL = 'sqlite:./data/parley.db';

/** loadConfig on the environment with these variables replaced (the command line's `--port` …); undefined keeps one. */
export function loadConfigWith(overrides: Env): Config {
  const given = Object.entries(overrides).filter(([, value]) => value !== undefined);
  return loadConfig({ ...process.env, ...Object.fromEntries(given) });
}

/** Reads and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const accountSid = optional(env, 'PARLEY_ACCOUNT_SID');
  const authToken = optional(env, 'PARLEY_AUTH_TOKEN');
  if (accountSid !== null && !ACCOUNT_SID.test(accountSid)) {
    throw new ConfigError('PARLEY_ACCOUNT_SID', 'must be "AC" followed by 32 lowercase hex digits');
  }
  if ((accountSid === null) !== (authToken === null)) {
    const missing = accountSid === null ? 'PARLEY_ACCOUNT_SID' : 'PARLEY_AUTH_TOKEN';
    throw new ConfigError(missing, 'must be set together with the other of PARLEY_ACCOUNT_SID/PARLEY_AUTH_TOKEN');
  }
  if (authToken !== null && (authToken.length < 8 || authToken.length > 256)) {
    throw new ConfigError('PARLEY_AUTH_TOKEN', 'must be 8 to 256 characters long');
  }
  const carrier = oneOf(env, 'PARLEY_CARRIER', CARRIERS, 'simulator');
  // A real carrier's numbers are real lines and its webhooks come from the internet: safer defaults.
  const realCarrier = carrier !== 'simulator';
  const configuredPublicUrl = publicUrl(env);
  if (realCarrier && configuredPublicUrl === null) {
    throw new ConfigError(
      'PARLEY_PUBLIC_URL',
      `must be set when PARLEY_CARRIER=${carrier}: webhook signatures and status-callback URLs are built from it`,
    );
  }
  const adminToken = optional(env, 'PARLEY_ADMIN_TOKEN');
  if (adminToken !== null && realCarrier)
    throw new ConfigError('PARLEY_ADMIN_TOKEN', 'is for the emulator only: unset it, or set PARLEY_CARRIER=simulator');
  if (adminToken !== null && (adminToken.length < 16 || adminToken.length > 256)) {
    throw new ConfigError('PARLEY_ADMIN_TOKEN', 'must be 16 to 256 characters long');
  }
  const metricsToken = optional(env, 'PARLEY_METRICS_TOKEN');
  // Sent as a bearer token: no whitespace, and long enough not to be guessed.
  if (metricsToken !== null && !/^\S{16,256}$/.test(metricsToken)) {
    throw new ConfigError('PARLEY_METRICS_TOKEN', 'must be 16 to 256 characters long, without spaces');
  }
  const requestTimeoutMs = integer(env, 'PARLEY_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  return Object.freeze({
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: optional(env, 'HOST') ?? '0.0.0.0',
    databaseUrl: databaseUrl(env),
    accountSid,
    authToken,
    publicUrl: configuredPublicUrl,
    carrier,
    adminToken,
    // The simulator's numbers are fictional (+1 555 …); a real carrier's must be real lines.
    numberCheck: oneOf(env, 'PARLEY_NUMBER_CHECK', NUMBER_CHECKS, realCarrier ? 'valid' : 'possible'),
    logLevel: oneOf(env, 'PARLEY_LOG_LEVEL', LOG_LEVELS, 'info'),
    logRequests: boolean(env, 'PARLEY_LOG_REQUESTS', true),
    // With a real carrier the port is often the public webhook host: the console is opt-in there.
    console: boolean(env, 'PARLEY_CONSOLE', !realCarrier),
    expirySweepIntervalMs: integer(env, 'PARLEY_EXPIRY_SWEEP_MS', 1000, 10, 3_600_000),
    bodyLimit: integer(env, 'PARLEY_BODY_LIMIT', 64 * 1024, 1024, 64 * 1024 * 1024),
    poolMaxUnreserved: integer(env, 'PARLEY_POOL_MAX_UNRESERVED', 0, 0, 10_000_000),
    poolMaxReserved: integer(env, 'PARLEY_POOL_MAX_RESERVED', 0, 0, 10_000_000),
    idempotencyTtlSeconds: integer(env, 'PARLEY_IDEMPOTENCY_TTL', 86_400, 1, 30 * 86_400),
    twilio: twilioCarrier(env),
    signalwire: signalwireCarrier(env),
    telnyx: telnyxCarrier(env),
    interceptTimeoutMs: integer(env, 'PARLEY_INTERCEPT_TIMEOUT_MS', 5000, 10, 60_000),
    callbackTimeoutMs: integer(env, 'PARLEY_CALLBACK_TIMEOUT_MS', 10_000, 10, 120_000),
    callbackMaxAttempts: integer(env, 'PARLEY_CALLBACK_MAX_ATTEMPTS', 20, 1, 100),
    outboxPollMs: integer(env, 'PARLEY_OUTBOX_POLL_MS', 250, 10, 60_000),
    rateLimit: integer(env, 'PARLEY_RATE_LIMIT', 0, 0, 1_000_000),
    rateBurst: integer(env, 'PARLEY_RATE_BURST', 0, 0, 10_000_000),
    redis: redisSettings(env),
    databaseTimeoutMs: integer(env, 'PARLEY_DB_TIMEOUT_MS', 10_000, 100, 600_000),
    callbackMaxResponseBytes: integer(env, 'PARLEY_CALLBACK_MAX_RESPONSE_BYTES', 64 * 1024, 1024, 64 * 1024 * 1024),
    callbackAllowPrivate: boolean(env, 'PARLEY_CALLBACK_ALLOW_PRIVATE', !realCarrier),
    trustProxy: trustProxy(env),
    requestTimeoutMs,
    // Node refuses a head timeout longer than the whole request's.
    headersTimeoutMs: integer(env, 'PARLEY_HEADERS_TIMEOUT_MS', Math.min(20_000, requestTimeoutMs), 100, requestTimeoutMs),
    keepAliveTimeoutMs: integer(env, 'PARLEY_KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 3_600_000),
    maxConnections: integer(env, 'PARLEY_MAX_CONNECTIONS', 4096, 1, 1_000_000),
    callbackConcurrency: integer(env, 'PARLEY_CALLBACK_CONCURRENCY', 50, 1, 10_000),
    callbackConcurrencyPerAccount: integer(env, 'PARLEY_CALLBACK_CONCURRENCY_PER_ACCOUNT', 10, 1, 10_000),
    retentionDays: integer(env, 'PARLEY_RETENTION_DAYS', 30, 0, 36_500),
    authFailureLimit: integer(env, 'PARLEY_AUTH_FAILURE_LIMIT', realCarrier ? 20 : 0, 0, 1_000_000),
    metricsToken,
    metricsPerService: boolean(env, 'PARLEY_METRICS_PER_SERVICE', false),
    // A balancer needs the drain to take the node out; the emulator (Ctrl-C in a terminal, a test
    // suite's teardown) has none, and waiting 5 s there is only a wait.
    shutdownDrainMs: integer(env, 'PARLEY_SHUTDOWN_DRAIN_MS', realCarrier ? 5000 : 0, 0, 600_000),
    shutdownTimeoutMs: integer(env, 'PARLEY_SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
  });
}

/** PARLEY_TWILIO_* are required with PARLEY_CARRIER=twilio and ignored otherwise. */
function twilioCarrier(env: Env): Config['twilio'] {
  if ((optional(env, 'PARLEY_CARRIER') ?? 'simulator') !== 'twilio') return null;
  const accountSid = optional(env, 'PARLEY_TWILIO_ACCOUNT_SID');
  const authToken = optional(env, 'PARLEY_TWILIO_AUTH_TOKEN');
  if (accountSid === null || !/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
    throw new ConfigError('PARLEY_TWILIO_ACCOUNT_SID', 'must be your Twilio account SID (AC + 32 hex digits) when PARLEY_CARRIER=twilio');
  }
  if (authToken === null) throw new ConfigError('PARLEY_TWILIO_AUTH_TOKEN', 'must be set when PARLEY_CARRIER=twilio');
  const apiUrl = optional(env, 'PARLEY_TWILIO_API_URL') ?? 'https://api.twilio.com';
  if (!/^https?:\/\/[^/?#]+/.test(apiUrl)) throw new ConfigError('PARLEY_TWILIO_API_URL', `must be an http(s) URL, got "${apiUrl}"`);
  return Object.freeze({ accountSid, authToken, apiUrl: apiUrl.replace(/\/+$/, '') });
}

/** PARLEY_SIGNALWIRE_* are required with PARLEY_CARRIER=signalwire and ignored otherwise. */
function signalwireCarrier(env: Env): Config['signalwire'] {
  if ((optional(env, 'PARLEY_CARRIER') ?? 'simulator') !== 'signalwire') return null;
  const required = (name: string, what: string) => {
    const value = optional(env, name);
    if (value === null) throw new ConfigError(name, `must be ${what} when PARLEY_CARRIER=signalwire`);
    return value;
  };
  const projectId = required('PARLEY_SIGNALWIRE_PROJECT_ID', 'your SignalWire Project ID');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(projectId)) {
    throw new ConfigError('PARLEY_SIGNALWIRE_PROJECT_ID', `must be your SignalWire Project ID (a UUID), got "${projectId}"`);
  }
  const apiToken = required('PARLEY_SIGNALWIRE_API_TOKEN', 'an API token of the project');
  const signingKey = required('PARLEY_SIGNALWIRE_SIGNING_KEY', "the project's Signing Key (API Credentials; not the API token)");
  const space = required('PARLEY_SIGNALWIRE_SPACE_URL', 'your Space URL (example.signalwire.com)');
  const spaceUrl = space.replace(/^https:\/\//i, '').replace(/\/+$/, '');
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(spaceUrl)) {
    throw new ConfigError('PARLEY_SIGNALWIRE_SPACE_URL', `must be your Space's host name (example.signalwire.com), got "${space}"`);
  }
  const apiUrl = optional(env, 'PARLEY_SIGNALWIRE_API_URL') ?? `https://${spaceUrl}`;
  if (!/^https?:\/\/[^/?#]+/.test(apiUrl)) throw new ConfigError('PARLEY_SIGNALWIRE_API_URL', `must be an http(s) URL, got "${apiUrl}"`);
  return Object.freeze({ projectId, apiToken, signingKey, spaceUrl, apiUrl: apiUrl.replace(/\/+$/, '') });
}

/** PARLEY_TELNYX_* are required with PARLEY_CARRIER=telnyx (but the profile) and ignored otherwise. */
function telnyxCarrier(env: Env): Config['telnyx'] {
  if ((optional(env, 'PARLEY_CARRIER') ?? 'simulator') !== 'telnyx') return null;
  const apiKey = optional(env, 'PARLEY_TELNYX_API_KEY');
  if (apiKey === null) throw new ConfigError('PARLEY_TELNYX_API_KEY', 'must be set when PARLEY_CARRIER=telnyx (Mission Control: API Keys)');
  const publicKey = optional(env, 'PARLEY_TELNYX_PUBLIC_KEY');
  // Telnyx shows the key as base64 of its 32 raw bytes; anything else cannot verify a signature.
  if (publicKey === null || !/^[A-Za-z0-9+/]{43}=$/.test(publicKey)) {
    throw new ConfigError(
      'PARLEY_TELNYX_PUBLIC_KEY',
      "must be your Telnyx account's public key (base64 of 32 bytes, Mission Control: Keys & Credentials → Public Key) when PARLEY_CARRIER=telnyx",
    );
  }
  const apiUrl = optional(env, 'PARLEY_TELNYX_API_URL') ?? 'https://api.telnyx.com';
  if (!/^https?:\/\/[^/?#]+/.test(apiUrl)) throw new ConfigError('PARLEY_TELNYX_API_URL', `must be an http(s) URL, got "${apiUrl}"`);
  return Object.freeze({
    apiKey,
    publicKey,
    messagingProfileId: optional(env, 'PARLEY_TELNYX_MESSAGING_PROFILE_ID'),
    apiUrl: apiUrl.replace(/\/+$/, ''),
  });
}

function optional(env: Env, name: string): string | null {
  const value = env[name];
  return value === undefined || value.trim() === '' ? null : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name);
  if (raw === null) return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/**
 * PARLEY_TRUST_PROXY, as Fastify's trustProxy takes it: `true` (every peer), a hop count, or a
 * comma-separated list of addresses and CIDRs. Unset or `false`: X-Forwarded-* never count.
 */
function trustProxy(env: Env): Config['trustProxy'] {
  const raw = optional(env, 'PARLEY_TRUST_PROXY');
  if (raw === null || /^(false|0)$/i.test(raw)) return false;
  if (/^true$/i.test(raw)) return true;
  if (/^\d{1,3}$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !validBits || rest.length > 0) {
      throw new ConfigError(
        'PARLEY_TRUST_PROXY',
        `must be true, false, a hop count, or comma-separated addresses and CIDRs, got "${entry}"`,
      );
    }
  }
  return Object.freeze(entries);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optional(env, name);
  if (raw === null) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function databaseUrl(env: Env): string {
  const raw = optional(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  const sqlite = raw.startsWith('sqlite:') && raw.length > 'sqlite:'.length;
  const postgres = /^postgres(ql)?:\/\/./.test(raw);
  if (!sqlite && !postgres) {
    throw new ConfigError('DATABASE_URL', `must be sqlite:PATH, sqlite::memory: or postgres://…, got "${raw}"`);
  }
  return raw;
}

/** PARLEY_REDIS_*: unset PARLEY_REDIS_URL means no Redis (and the other two are ignored). */
function redisSettings(env: Env): RedisSettings | null {
  const url = optional(env, 'PARLEY_REDIS_URL');
  if (url === null) return null;
  // The value is never echoed: it may hold the password.
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed === null || !['redis:', 'rediss:'].includes(parsed.protocol) || parsed.hostname === '') {
    throw new ConfigError('PARLEY_REDIS_URL', 'must be redis://[user:password@]host[:port][/db] or rediss://… (TLS)');
  }
  const keyPrefix = optional(env, 'PARLEY_REDIS_KEY_PREFIX') ?? 'parley:rate:';
  return Object.freeze({ url, keyPrefix, timeoutMs: integer(env, 'PARLEY_REDIS_TIMEOUT_MS', 200, 10, 10_000) });
}

function publicUrl(env: Env): string | null {
  const raw = optional(env, 'PARLEY_PUBLIC_URL');
  if (raw === null) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('PARLEY_PUBLIC_URL', `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('PARLEY_PUBLIC_URL', `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError('PARLEY_PUBLIC_URL', 'must not have a query string or fragment');
  }
  // A trailing slash would double up when paths are appended.
  return url.toString().replace(/\/+$/, '');
}
