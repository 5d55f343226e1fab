// buildApp(config) is the whole server, used as-is by `parley serve` and by every test.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController } from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { LookupFunction } from 'node:net';
import type { DestinationStream } from 'pino';
import { ensureDefaultAccount } from './accounts/accounts.service.js';
import type { DefaultAccount } from './accounts/accounts.service.js';
import { AccountClocks } from './accounts/account-clocks.js';
import { systemClock } from './common/clock.js';
import type { Clock } from './common/clock.js';
import type { Config } from './config.js';
import { createComponents } from './components.js';
import type { Components } from './components.js';
import { openDatabase } from './db/database.js';
import type { DatabaseHandle } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { loadColumns } from './db/table-columns.js';
import { applyOwnership } from './pool/number-ownership.js';
import { loggerOptions } from './logging/log-options.js';
import { registerRequestLog } from './logging/request-log.js';
import { observeRequests } from './metrics/metrics.hooks.js';
import { metricsRoutes } from './metrics/metrics.routes.js';
import { answerClientError, frameworkError, registerErrorHandling } from './http/error-handler.js';
import { addParleyVocabulary } from './http/ajv-setup.js';
import { basicAuth } from './http/auth.js';
import { SignInGuard } from './http/sign-in-guard.js';
import { rateLimiter } from './http/rate-limit.js';
import { bucketStore } from './ratelimit/shared-buckets.js';
import { parseFormBuffer, refuseNulInUrl } from './http/form-body.js';
import { urls } from './http/routing.js';
import { digestBody, IDEMPOTENCY_HEADER, registerIdempotency } from './idempotency/idempotency.hooks.js';
import { participantsRoutes } from './resources/participants/participants.routes.js';
import { phoneNumbersRoutes } from './resources/phone-numbers/phone-numbers.routes.js';
import { servicesRoutes } from './resources/services/services.routes.js';
import { sessionsRoutes } from './resources/sessions/sessions.routes.js';
import { adminRoutes } from './carriers/simulator/accounts.routes.js';
import { clockRoutes } from './carriers/simulator/clock.routes.js';
import { faultRoutes } from './carriers/simulator/faults.routes.js';
import { handsetRoutes } from './carriers/simulator/handsets.routes.js';
import { callbackLogRoutes } from './callbacks/callback-log.routes.js';
import { consoleRoutes } from './console/console.routes.js';
import { compatibleRoutes } from './carriers/twilio-compatible/compatible.routes.js';
import { telnyxRoutes } from './carriers/telnyx/telnyx.routes.js';
import { interactionsRoutes } from './resources/interactions/interactions.routes.js';
import { messageInteractionsRoutes } from './resources/message-interactions/message-interactions.routes.js';
import { healthRoutes } from './http/health.routes.js';
import { InFlightRequests } from './lifecycle/in-flight.js';
import { Readiness } from './lifecycle/readiness.js';
import { gracefulShutdown } from './lifecycle/shutdown.js';
import type { ShutdownOutcome } from './lifecycle/shutdown.js';
import { realTimer } from './lifecycle/timer.js';
import type { Timer } from './lifecycle/timer.js';

export interface AppOptions {
  /**
   * Replaces real time (tests: test/helpers/app.ts frozenClock). Under the simulator each account's
   * clock runs ahead of it by the account's own offset (accounts/account-clocks.ts).
   */
  clock?: Clock;
  /** Replaces DNS for outgoing calls to account-set URLs (tests); by default node:dns lookup. */
  lookup?: LookupFunction;
  /** Where the log goes (tests read it back); by default stdout. */
  logStream?: DestinationStream;
  /** The rate limiter's time source, in milliseconds (tests); by default the wall clock, Date.now. */
  rateClock?: () => number;
  /** How long GET /metrics reuses a reading of the database gauges (tests: 0); components.ts METRICS_CACHE_MS by default. */
  metricsCacheMs?: number;
  /** The shutdown's drain and timeout waits, and readiness answers' age (tests); by default real time. */
  timer?: Timer;
}

/** What the running app exposes to `parley serve` and to tests. */
export interface Parley {
  readonly config: Config;
  readonly database: DatabaseHandle;
  /** Every account's time. */
  readonly clock: AccountClocks;
  readonly account: DefaultAccount;
  readonly components: Components;
  /** Whether this node should get traffic (/healthz/ready); a shutdown makes it drain. */
  readonly readiness: Readiness;
  /** The requests being answered right now (a shutdown lets them finish). */
  readonly requests: InFlightRequests;
  /** The graceful shutdown (lifecycle/shutdown.ts): drain, close, finish or cut, close the database. */
  shutdown(): Promise<ShutdownOutcome>;
}

declare module 'fastify' {
  interface FastifyInstance {
    parley: Parley;
  }
}

export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  const database = openDatabase(config.databaseUrl, { timeoutMs: config.databaseTimeoutMs });
  try {
    await database.maintain(async (db) => {
      await migrateToLatest(db);
      await loadColumns(database.queries, db);
    });
    const clock = new AccountClocks(database.queries, database.transactions, options.clock ?? systemClock, config.carrier === 'simulator');
    const configured =
      config.accountSid !== null && config.authToken !== null ? { sid: config.accountSid, authToken: config.authToken } : null;
    // Under a lock: nodes starting together on a fresh database must not both insert the configured
    // account (a duplicate key ends one of them), nor each generate an account of its own.
    const account = await database.transactions.run(async (uow) => {
      uow.lock('default-account');
      await applyOwnership(uow, config.carrier);
      return ensureDefaultAccount(uow, clock.base, configured);
    });
    return createServer(config, database, clock, account, options);
  } catch (err) {
    await database.destroy();
    throw err;
  }
}

/** A hop count as Fastify applies it (its types take only booleans, addresses and functions). */
function trustProxyOption(trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return typeof trust === 'boolean' ? trust : [...trust];
}

function createServer(
  config: Config,
  database: DatabaseHandle,
  clock: AccountClocks,
  account: DefaultAccount,
  options: AppOptions,
): FastifyInstance {
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    // Fastify's own two lines per request are off: logging/request-log.ts writes one, by route pattern.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    // X-Forwarded-Proto/-Host (request.protocol, request.host) and the client address (request.ip)
    // follow the forwarded headers only from the peers PARLEY_TRUST_PROXY names.
    trustProxy: trustProxyOption(config.trustProxy),
    // Slow clients: the whole request (head and body) must arrive within requestTimeout, its head
    // within headersTimeout; these bound receiving only, never a long answer. Node checks them
    // every connectionsCheckingInterval, so that is kept well below the timeouts.
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    ajv: { customOptions: { verbose: true }, plugins: [addParleyVocabulary] },
    frameworkErrors: frameworkError,
    // A request on a busy keep-alive connection after the listener closed is served as usual (with
    // `Connection: close`), not refused with Fastify's own, non-Twilio, 503: lifecycle/shutdown.ts.
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Past the cap, new connections are closed at once rather than queued.
  app.server.maxConnections = config.maxConnections;
  const db = database.queries;
  const components = createComponents(config, database, clock, app.log, options.lookup, options.metricsCacheMs);
  const { sweeper, outbox, retention, sessionCounts } = components;
  const timer = options.timer ?? realTimer;
  const readiness = new Readiness(database, timer);
  const requests = new InFlightRequests(app.server);
  const shutdown = gracefulShutdown({
    server: app.server,
    close: () => app.close(),
    readiness,
    requests,
    outbox,
    timer,
    drainMs: config.shutdownDrainMs,
    timeoutMs: config.shutdownTimeoutMs,
    log: app.log,
  });
  app.decorate('parley', { config, database, clock, account, components, readiness, requests, shutdown });
  app.addHook('onReady', async () => {
    sweeper.start();
    outbox.start();
    retention.start();
    sessionCounts?.start();
  });
  app.addHook('onClose', async () => {
    await sweeper.stop();
    await outbox.stop();
    await retention.stop();
    await sessionCounts?.stop();
    await database.destroy();
  });

  // Declared up front so every request object has the same shape (set by the auth hook).
  app.decorateRequest('accountSid', '');
  app.decorateRequest('account', null);
  registerErrorHandling(app);
  if (config.logRequests) registerRequestLog(app);
  if (components.metrics !== null) {
    observeRequests(app, components.metrics.http);
    metricsRoutes(app, components.metrics, config.metricsToken!);
  }
  // Form bodies only, like Twilio; any other content type is a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      if (request.headers[IDEMPOTENCY_HEADER] !== undefined) request.bodyDigest = digestBody(body as Buffer);
      done(null, parseFormBuffer(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addHook('onRequest', refuseNulInUrl);
  // A POST without a body (twilio-python sends none for some updates) validates as no fields.
  app.addHook('preValidation', async (request) => {
    if (request.method === 'POST' && (request.body === undefined || request.body === null)) request.body = Object.create(null);
  });

  healthRoutes(app, database, readiness);

  const links = urls(config.publicUrl);
  // One failed-sign-in counter for the API's Basic auth and the console's sign-in form.
  const guard = new SignInGuard(config.authFailureLimit);
  const rateDefaults = { limit: config.rateLimit, burst: config.rateBurst };
  // One set of buckets for the API and the console (their route patterns differ), in Redis when configured.
  const rateNow = options.rateClock ?? Date.now;
  const buckets = bucketStore(config.redis, app.log, rateNow);
  app.addHook('onReady', () => buckets.start());
  app.addHook('onClose', () => buckets.close());
  const limitRate = rateLimiter(rateDefaults, buckets, rateNow);
  const authenticate = basicAuth(components.authenticator, guard);
  app.register(async (api) => {
    api.addHook('onRequest', authenticate);
    // Another node may have moved a clock: this node's copy is at most a second old (account-clocks.ts).
    api.addHook('onRequest', (_request, _reply, done) => {
      const reading = clock.fresh();
      if (reading === undefined) done();
      else reading.then(() => done(), done);
    });
    api.addHook('onRequest', limitRate);
    registerIdempotency(api, db, clock, config.idempotencyTtlSeconds);
    servicesRoutes(api, components.services, links);
    sessionsRoutes(api, components.services, components.sessions, links);
    phoneNumbersRoutes(api, components.services, components.numbers, links);
    participantsRoutes(api, components.participants, links);
    interactionsRoutes(api, components.interactions, links);
    messageInteractionsRoutes(api, components.messageInteractions, links);
    callbackLogRoutes(api, components.callbackLog, links);
    if (config.carrier === 'simulator') {
      clockRoutes(api, components.emulatorClock);
      handsetRoutes(api, components.handsets, links);
      faultRoutes(api, components.faults);
    }
  });
  if (config.console) {
    consoleRoutes(app, {
      ...components,
      clocks: clock,
      simulator: config.carrier === 'simulator' ? { handsets: components.handsets, clock: components.emulatorClock } : null,
      guard,
      limitRate,
    });
  }
  // The emulator's admin API answers to a bearer token of its own, not an account's credentials.
  if (config.carrier === 'simulator' && config.adminToken !== null) adminRoutes(app, components.accountAdmin, config.adminToken);
  // Twilio's and SignalWire's webhooks carry their signature instead of Basic credentials.
  if (components.twilioWebhooks !== null) compatibleRoutes(app, components.twilioWebhooks, links);
  if (components.signalwireWebhooks !== null) compatibleRoutes(app, components.signalwireWebhooks, links);
  // Telnyx's carry its Ed25519 signature.
  if (components.telnyxWebhooks !== null) telnyxRoutes(app, components.telnyxWebhooks);
  return app;
}
