// Builds every domain component once, from the configuration: services, the masking engine, its
// carrier, and the background workers. app.ts puts HTTP in front of them.

import type { LookupFunction } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { AccountClocks } from './accounts/account-clocks.js';
import { AccountAdmin } from './accounts/account-admin.js';
import { Authenticator } from './accounts/authenticator.js';
import { CallbackLog } from './callbacks/callback-log.service.js';
import { callbackDelivery } from './callbacks/interaction-callback.js';
import { ConsoleSessions } from './accounts/console-sessions.js';
import { EmulatorClock } from './carriers/simulator/emulator-clock.js';
import { Faults } from './carriers/simulator/faults.service.js';
import type { Carrier } from './routing/carrier.js';
import { Handsets } from './carriers/simulator/handsets.service.js';
import { SimulatorCarrier } from './carriers/simulator/simulator.carrier.js';
import { signalwireApi } from './carriers/signalwire/signalwire.api.js';
import { twilioApi } from './carriers/twilio/twilio.api.js';
import type { CompatibleApi } from './carriers/twilio-compatible/compatible-api.js';
import { CompatibleCarrier, compatibleMessageSender } from './carriers/twilio-compatible/compatible.carrier.js';
import { CompatibleNumbers } from './carriers/twilio-compatible/compatible-numbers.js';
import { CompatibleWebhooks } from './carriers/twilio-compatible/compatible-webhooks.service.js';
import { TelnyxCarrier, telnyxMessageSender } from './carriers/telnyx/telnyx.carrier.js';
import { TelnyxWebhooks } from './carriers/telnyx/telnyx-webhooks.service.js';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import { expirySweeper } from './jobs/expiry-sweeper.js';
import type { PeriodicJob } from './jobs/periodic-job.js';
import { retentionJob } from './jobs/retention.js';
import { OutboxWorker, PermanentFailure } from './outbox/outbox.worker.js';
import { OutboundClient } from './outbound/outbound-client.js';
import { InteractionsService } from './resources/interactions/interactions.service.js';
import { MessageInteractionsService } from './resources/message-interactions/message-interactions.service.js';
import { addParticipant } from './resources/participants/add-participant.js';
import { ParticipantsService } from './resources/participants/participants.service.js';
import { PhoneNumbersService } from './resources/phone-numbers/phone-numbers.service.js';
import { ServicesService } from './resources/services/services.service.js';
import { SessionsService } from './resources/sessions/sessions.service.js';
import { Interceptor } from './routing/intercept.js';
import { OutOfSession } from './routing/out-of-session.js';
import { Router } from './routing/router.js';
import { NO_METRICS } from './metrics/metrics.js';
import { PrometheusMetrics } from './metrics/prometheus-metrics.js';
import { countingRefusals } from './metrics/selection-refusals.js';
import { sessionCountsJob } from './jobs/session-counts.js';

export interface Components {
  services: ServicesService;
  sessions: SessionsService;
  numbers: PhoneNumbersService;
  participants: ParticipantsService;
  interactions: InteractionsService;
  messageInteractions: MessageInteractionsService;
  router: Router;
  sweeper: PeriodicJob;
  outbox: OutboxWorker;
  retention: PeriodicJob;
  /** The simulator's phones and faults on demand (served only with PARLEY_CARRIER=simulator). */
  handsets: Handsets;
  faults: Faults;
  /** The emulator's clocks, moved with what the move made due (API and console alike). */
  emulatorClock: EmulatorClock;
  /** Who is signed in to the web console. */
  consoleSessions: ConsoleSessions;
  /** Every call to an account's URLs (GET /parley/v1/Callbacks). */
  callbackLog: CallbackLog;
  /** With PARLEY_CARRIER=twilio: what its webhooks mean. */
  twilioWebhooks: CompatibleWebhooks | null;
  /** With PARLEY_CARRIER=signalwire: what its (Compatibility API) webhooks mean. */
  signalwireWebhooks: CompatibleWebhooks | null;
  /** With PARLEY_CARRIER=telnyx: what its webhooks mean. */
  telnyxWebhooks: TelnyxWebhooks | null;
  authenticator: Authenticator;
  /** Accounts created and deleted over HTTP (the emulator's admin API). */
  accountAdmin: AccountAdmin;
  /** GET /metrics's metrics, with PARLEY_METRICS_TOKEN set; null: metrics are off. */
  metrics: PrometheusMetrics | null;
  /** PostgreSQL: folds the session counters' deltas (jobs/session-counts.ts); null on SQLite. */
  sessionCounts: PeriodicJob | null;
}

/** How long a reading of the database gauges serves scrapes, unless AppOptions.metricsCacheMs says otherwise. */
export const METRICS_CACHE_MS = 5000;

export function createComponents(
  config: Config,
  database: DatabaseHandle,
  clock: AccountClocks,
  log: FastifyBaseLogger,
  lookup?: LookupFunction,
  metricsCacheMs = METRICS_CACHE_MS,
): Components {
  const { queries: db, transactions } = database;
  const metrics =
    config.metricsToken === null
      ? null
      : new PrometheusMetrics(database, clock.base, log, { perService: config.metricsPerService, cacheMs: metricsCacheMs });
  const counted = metrics ?? NO_METRICS;
  const add = metrics === null ? addParticipant : countingRefusals(addParticipant, metrics);
  const authenticator = new Authenticator(db);
  const interactions = new InteractionsService(db, clock);
  const sessions = new SessionsService(db, clock, transactions, add, config.numberCheck);
  const services = new ServicesService(db, clock, transactions, config.callbackAllowPrivate, (uow, sid, ttl) =>
    sessions.followDefaultTtl(uow, sid, ttl),
  );
  // Account-set URLs may not aim inside (unless the operator allows it); the carrier's API URL is
  // the operator's own. Both are bounded alike.
  const limits = { maxResponseBytes: config.callbackMaxResponseBytes };
  const accountHttp = new OutboundClient({ ...limits, refusePrivate: !config.callbackAllowPrivate, lookup });
  const carrierHttp = new OutboundClient({ ...limits, refusePrivate: false });
  // Twilio and SignalWire are one Twilio-compatible carrier, each with its own API (carriers/twilio-compatible/).
  const twilio = config.twilio === null ? null : twilioApi(config.twilio);
  const signalwire = config.signalwire === null ? null : signalwireApi(config.signalwire);
  const compatible = twilio ?? signalwire;
  const carrier: Carrier =
    compatible !== null ? new CompatibleCarrier(compatible) : config.telnyx !== null ? new TelnyxCarrier() : new SimulatorCarrier();
  // The router wakes the outbox after each commit (only ever at request time, once both exist);
  // the outbox's carrier sender reports back to the router.
  const router = new Router({
    db,
    sessions,
    services,
    transactions,
    clock,
    carrier,
    interceptor: new Interceptor(db, clock, accountHttp, config.interceptTimeoutMs, log),
    outOfSession: new OutOfSession(db, clock, sessions, services, accountHttp, config.interceptTimeoutMs, log),
    kickOutbox: () => outbox.kick(),
    metrics: counted,
  });
  const sender = (api: CompatibleApi | null, name: string) =>
    api !== null ? compatibleMessageSender(db, router, carrierHttp, api, config.publicUrl) : notConfigured(name);
  const outbox = new OutboxWorker(
    db,
    clock.base,
    clock,
    {
      callback: callbackDelivery(db, accountHttp, config.callbackTimeoutMs),
      'twilio-message': sender(twilio, 'twilio'),
      'signalwire-message': sender(signalwire, 'signalwire'),
      'telnyx-message':
        config.telnyx !== null ? telnyxMessageSender(db, router, carrierHttp, config.telnyx, config.publicUrl!) : notConfigured('telnyx'),
    },
    {
      pollMs: config.outboxPollMs,
      maxAttempts: config.callbackMaxAttempts,
      claimMs: Math.max(60_000, config.callbackTimeoutMs * 3),
      concurrency: config.callbackConcurrency,
      concurrencyPerAccount: config.callbackConcurrencyPerAccount,
    },
    log,
    counted,
  );
  const faults = new Faults(db, clock);
  const sweeper = expirySweeper(sessions, clock, config.expirySweepIntervalMs, log);
  const retention = retentionJob(db, clock, config.retentionDays, log);
  return {
    services,
    sessions,
    // A pool number added by Sid alone is looked up in the carrier account (the simulator has no such record).
    numbers: new PhoneNumbersService(db, clock, config, compatible === null ? null : new CompatibleNumbers(carrierHttp, compatible)),
    participants: new ParticipantsService(db, clock, transactions, config.numberCheck, add),
    interactions,
    messageInteractions: new MessageInteractionsService(db, clock, interactions, router),
    router,
    sweeper,
    outbox,
    retention,
    handsets: new Handsets(db, clock, router, faults),
    faults,
    emulatorClock: new EmulatorClock(clock, sweeper, outbox, retention),
    consoleSessions: new ConsoleSessions(db, authenticator, clock.base),
    callbackLog: new CallbackLog(db, clock, () => outbox.kick()),
    // A real carrier requires PARLEY_PUBLIC_URL (config.ts).
    twilioWebhooks: twilio === null ? null : new CompatibleWebhooks(db, clock.base, router, twilio, config.publicUrl!),
    signalwireWebhooks: signalwire === null ? null : new CompatibleWebhooks(db, clock.base, router, signalwire, config.publicUrl!),
    telnyxWebhooks: config.telnyx === null ? null : new TelnyxWebhooks(db, clock.base, router, config.telnyx, config.publicUrl!),
    authenticator,
    accountAdmin: new AccountAdmin(db, transactions, clock, authenticator, config.accountSid),
    metrics,
    sessionCounts: database.engine === 'postgres' ? sessionCountsJob(db, log) : null,
  };
}

/** A job queued for a carrier while another is configured cannot be sent (the config changed). */
function notConfigured(carrier: string): () => Promise<void> {
  return async () => {
    throw new PermanentFailure(`PARLEY_CARRIER is not ${carrier}: a message queued for ${carrier} cannot be sent`);
  };
}
