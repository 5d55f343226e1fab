// The masking engine: an inbound message or call from identifier X to proxy number P reaches the
// other participant Y of the session in which X holds P, from Y's own proxy number. Each one is
// recorded as an Interaction, keeps the session alive, and is reported to the service's callback.
// Reading the route and recording the interaction, the outbound leg (or its durable queue entry),
// the session's activity and the callback job are one unit of work, so an accepted message yields
// exactly one interaction and one delivery (and SQLite can commit many such units together).
// Network calls (intercept, out-of-session) happen between units, never inside one.

import type { AccountClock } from '../common/clock.js';
import type { Carrier, PlannedFault, SentLeg } from './carrier.js';
import { logCall } from '../callbacks/call-record.js';
import type { CallRecord } from '../callbacks/call-record.js';
import { enqueueInteractionCallback } from '../callbacks/interaction-callback.js';
import type { Transactions } from '../db/database.js';
import type { InteractionRow, ParticipantRow, ServiceRow, SessionRow } from '../db/schema.js';
import { newSid } from '../common/sids.js';
import { changeInteraction, recordInteraction } from '../resources/interactions/interactions.service.js';
import type { ServicesService } from '../resources/services/services.service.js';
import { isExpired } from '../resources/sessions/sessions.expiry.js';
import type { SessionsService } from '../resources/sessions/sessions.service.js';
import type { Interceptor } from './intercept.js';
import type { OutOfSession, OutOfSessionOutcome } from './out-of-session.js';
import { findActiveRoute } from './routing.repository.js';
import type { Db, UnitOfWork } from '../db/unit-of-work.js';
import { NO_METRICS, routeOutcome } from '../metrics/metrics.js';
import type { Metrics } from '../metrics/metrics.js';

export interface InboundMessage {
  /** The account the traffic arrived for, when the carrier knows it (the simulator does). */
  accountSid: string | null;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
  /** The carrier's SID of the inbound message (SM…), and its URL when it has one. */
  resourceSid: string;
  resourceUrl: string | null;
}

export interface InboundCall {
  accountSid: string | null;
  from: string;
  to: string;
  /** The carrier's SID of the inbound call (CA…). */
  resourceSid: string;
  resourceUrl: string | null;
  /** The outbound leg's SID when the carrier creates it now (the simulator), else null (Twilio reports it later). */
  outboundResourceSid: string | null;
  outboundStatus: string;
}

export interface Routed {
  interaction: InteractionRow | null;
  sessionSid: string | null;
  /** Where a call must be bridged: from the partner's proxy number to the partner. */
  bridge: { from: string; to: string } | null;
  /** What the out-of-session callback answered, when it was asked. */
  outOfSession: OutOfSessionOutcome | null;
}

/**
 * A carrier's own write, in the same unit of work as the interaction (or, when nothing was routed,
 * in a transaction of its own): it commits exactly when the traffic is recorded, and its failure
 * rolls the whole unit back.
 */
export type AlsoInTransaction = (uow: UnitOfWork, routed: Routed) => void;

const NO_FAULTS: Promise<readonly PlannedFault[]> = Promise.resolve([]);

/** Opt-out keywords: never forwarded (Twilio's list, case-insensitive, the whole message). */
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', 'CANCEL', 'ARRET', 'ARRETE', 'ARRETT', 'UNSTOP']);

interface Context {
  service: ServiceRow;
  session: SessionRow;
  /** Who the traffic came from; none for a MessageInteraction created through the API. */
  sender: ParticipantRow | undefined;
  /** Who it goes to. */
  partner: ParticipantRow | undefined;
}

export interface RouterDeps {
  db: Db;
  sessions: SessionsService;
  services: ServicesService;
  transactions: Transactions;
  clock: AccountClock;
  carrier: Carrier;
  interceptor: Interceptor;
  outOfSession: OutOfSession;
  /** Wakes the outbox worker after a commit that queued work. */
  kickOutbox: () => void;
  /** Counts what became of routed traffic (GET /metrics); nothing by default. */
  metrics?: Metrics;
}

/** What differs between routing a message and a call. */
interface Traffic {
  accountSid: string | null;
  from: string;
  to: string;
  mediaUrls: string[];
  /** The interaction's inbound side and type. */
  draft: Partial<InteractionRow>;
  /** Why the traffic must not be forwarded in this context (80xxx), or null. */
  rejection(context: Context): number | null;
  /** What the carrier must know before forwarding (read beside the route). */
  lookAhead(db: Db): Promise<readonly PlannedFault[]>;
  /**
   * Sends the outbound leg to the partner (filling in the interaction's outbound side at once);
   * true when it queued outbox work.
   */
  forward(uow: UnitOfWork, interaction: InteractionRow, partner: ParticipantRow, faults: readonly PlannedFault[]): boolean;
  /** What is recorded when it is not forwarded. */
  notForwarded(interaction: InteractionRow): void;
  outOfSession(): Promise<OutOfSessionOutcome>;
}

type Step =
  | { kind: 'routed'; routed: Routed; queued: boolean }
  | { kind: 'ask-intercept'; context: Context; interaction: InteractionRow }
  | { kind: 'out-of-session' };

/**
 * The session stopped being active between reading the route and writing (PostgreSQL, concurrently):
 * thrown to roll the unit back, then the route is read again.
 */
class SessionNoLongerActive extends Error {}

export class Router {
  readonly #metrics: Metrics;

  constructor(private readonly deps: RouterDeps) {
    this.#metrics = deps.metrics ?? NO_METRICS;
  }

  /**
   * Routes a message. `alsoInTransaction` lets the carrier record its own view of the inbound
   * message (the simulator's handset log, a webhook's answer) atomically with the interaction.
   */
  async routeMessage(message: InboundMessage, alsoInTransaction?: AlsoInTransaction): Promise<Routed> {
    return this.#route(
      {
        ...message,
        draft: {
          type: 'message',
          data: JSON.stringify({ body: message.body }),
          inbound_resource_sid: message.resourceSid,
          inbound_resource_status: 'delivered',
          inbound_resource_type: 'Message',
          inbound_resource_url: message.resourceUrl,
          outbound_resource_type: 'Message',
        },
        rejection: ({ session, partner }) =>
          session.mode === 'voice-only'
            ? 80910
            : OPT_OUT.has(message.body.trim().toUpperCase())
              ? 80901
              : partner === undefined
                ? 80614
                : null,
        lookAhead: (db) => this.deps.carrier.plannedFaults(db, message.accountSid),
        forward: (uow, interaction, partner, faults) => this.#sendMessage(uow, interaction, partner, message, faults),
        notForwarded: markNotSent,
        outOfSession: () => this.deps.outOfSession.handle({ kind: 'message', ...message }),
      },
      alsoInTransaction,
    );
  }

  /** Routes a call: records the interaction and says where the carrier must bridge it. */
  async routeCall(call: InboundCall, alsoInTransaction?: AlsoInTransaction): Promise<Routed> {
    const routed = await this.#route(
      {
        ...call,
        mediaUrls: [],
        draft: {
          type: 'voice',
          inbound_resource_sid: call.resourceSid,
          inbound_resource_status: 'in-progress',
          inbound_resource_type: 'Call',
          inbound_resource_url: call.resourceUrl,
          outbound_resource_type: 'Call',
        },
        rejection: ({ session, partner }) => (session.mode === 'message-only' ? 80911 : partner === undefined ? 80614 : null),
        // A call's faults end it after routing (the simulator's handsets), as a hang-up would.
        lookAhead: () => NO_FAULTS,
        // The carrier bridges the call itself (TwiML, the simulator): nothing to send, nothing queued.
        forward: (_uow, interaction) => {
          interaction.outbound_resource_sid = call.outboundResourceSid;
          interaction.outbound_resource_status = call.outboundStatus;
          return false;
        },
        notForwarded: (interaction) => {
          markNotSent(interaction);
          interaction.inbound_resource_status = 'canceled';
        },
        outOfSession: () => this.deps.outOfSession.handle({ kind: 'call', ...call }),
      },
      alsoInTransaction,
    );
    return routed;
  }

  /**
   * A MessageInteraction: a message from the API to one participant, from their proxy number.
   * Null when the session stopped being active meanwhile. The caller has checked the session is
   * active and not voice-only.
   */
  async sendToParticipant(
    service: ServiceRow,
    session: SessionRow,
    participant: ParticipantRow,
    message: { body: string; mediaUrls: string[] },
  ): Promise<InteractionRow | null> {
    const context: Context = { service, session, sender: undefined, partner: participant };
    const interaction = this.#draft(context, newSid('KI'), this.deps.clock.now(session.account_sid), {
      type: 'message',
      data: JSON.stringify({ body: message.body }),
      participant_sid: participant.sid,
      outbound_resource_type: 'Message',
    });
    const queued = await this.#unit(async (uow) => {
      const faults = await this.deps.carrier.plannedFaults(uow, service.account_sid);
      return this.#record(uow, context, interaction, this.#sendMessage(uow, interaction, participant, message, faults));
    });
    if (queued === null) return null;
    if (queued) this.deps.kickOutbox();
    return interaction;
  }

  /**
   * A leg's status changed (a call ended, a carrier reported delivery): record it and tell the
   * service's callback, in one transaction.
   */
  async recordStatus(interaction: InteractionRow, changes: Partial<InteractionRow>): Promise<InteractionRow> {
    const now = this.deps.clock.now(interaction.account_sid);
    const updated: InteractionRow = { ...interaction, ...changes, date_updated: now };
    const service = await this.deps.services.get(interaction.account_sid, interaction.service_sid);
    const queued = await this.deps.transactions.run(async (uow) => {
      changeInteraction(uow, interaction.sid, { ...changes, date_updated: now });
      return enqueueInteractionCallback(uow, service?.callback_url ?? null, updated, now);
    });
    if (queued) this.deps.kickOutbox();
    return updated;
  }

  /**
   * One unit of work reads the route and records the interaction. The service's intercept
   * callback, when it has one, is asked between units (then the route is read again); so is the
   * out-of-session callback, which may create the session the traffic then goes through.
   */
  async #route(traffic: Traffic, alsoInTransaction?: AlsoInTransaction): Promise<Routed> {
    const sid = newSid('KI');
    let blocked: boolean | undefined;
    let outOfSession: OutOfSessionOutcome | null = null;
    // The callback log's records of the calls made, written by the unit that acts on their answers.
    const calls: CallRecord[] = [];
    for (;;) {
      const step = await this.#unit(async (uow): Promise<Step> => {
        const [context, faults] = await Promise.all([
          this.#context(uow, traffic.accountSid, traffic.to, traffic.from),
          traffic.lookAhead(uow),
        ]);
        if (context === undefined) return { kind: 'out-of-session' };
        const interaction = this.#draft(context, sid, this.deps.clock.now(context.session.account_sid), traffic.draft);
        interaction.error_code = traffic.rejection(context);
        if (interaction.error_code === null && context.service.intercept_callback_url !== null) {
          if (blocked === undefined) return { kind: 'ask-intercept', context, interaction };
          if (blocked) interaction.error_code = 80909;
        }
        const partner = context.partner;
        let sentQueued = false;
        if (interaction.error_code !== null || partner === undefined) traffic.notForwarded(interaction);
        else sentQueued = traffic.forward(uow, interaction, partner, faults);
        const routed: Routed = { interaction, sessionSid: context.session.sid, bridge: bridgeOf(interaction, partner), outOfSession: null };
        alsoInTransaction?.(uow, routed);
        for (const call of calls) logCall(uow, call);
        const queued = await this.#record(uow, context, interaction, sentQueued);
        return { kind: 'routed', routed, queued };
      });
      if (step === null) continue; // the session closed meanwhile: read the route again
      if (step.kind === 'routed') {
        if (step.queued) this.deps.kickOutbox();
        const { type, error_code, service_sid } = step.routed.interaction!;
        this.#metrics.interactionRouted(type, routeOutcome(error_code), service_sid);
        return step.routed;
      }
      if (step.kind === 'ask-intercept') {
        const answer = await this.deps.interceptor.ask(step.context.service, step.interaction, traffic.mediaUrls);
        blocked = answer.blocked;
        if (answer.record !== null) calls.push(answer.record);
        continue;
      }
      // Asked once: if its answer created a session for this sender, the traffic goes through it.
      if (outOfSession === null) {
        outOfSession = await traffic.outOfSession();
        if (outOfSession.record !== null) calls.push(outOfSession.record);
        if (outOfSession.createdSession) continue;
      }
      const routed: Routed = { interaction: null, sessionSid: null, bridge: null, outOfSession };
      if (alsoInTransaction !== undefined || calls.length > 0) {
        await this.deps.transactions.run(async (uow) => {
          alsoInTransaction?.(uow, routed);
          for (const call of calls) logCall(uow, call);
        });
      }
      this.#metrics.interactionRouted(traffic.draft.type!, 'out_of_session', null);
      return routed;
    }
  }

  /** One unit of work; null when it was rolled back because the session stopped being active. */
  async #unit<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T | null> {
    try {
      return await this.deps.transactions.run(work);
    } catch (err) {
      if (err instanceof SessionNoLongerActive) return null;
      throw err;
    }
  }

  async #context(db: Db, accountSid: string | null, to: string, from: string): Promise<Context | undefined> {
    const route = await findActiveRoute(db, accountSid, to, from);
    // Expired but not yet closed by the job: traffic to it is out of session (80904).
    if (route === undefined || isExpired(route.session, this.deps.clock.now(route.session.account_sid))) return undefined;
    return route;
  }

  /** The outbound leg of a message, from the recipient's proxy number to the recipient; true when it queued outbox work. */
  #sendMessage(
    uow: UnitOfWork,
    interaction: InteractionRow,
    recipient: ParticipantRow,
    message: { body: string; mediaUrls: string[] },
    faults: readonly PlannedFault[],
  ): boolean {
    const leg: SentLeg = this.deps.carrier.sendMessage(
      uow,
      {
        accountSid: interaction.account_sid,
        interactionSid: interaction.sid,
        sessionSid: interaction.session_sid,
        from: recipient.proxy_identifier,
        to: recipient.identifier,
        body: message.body,
        mediaUrls: message.mediaUrls,
        now: interaction.date_created,
      },
      faults,
    );
    interaction.outbound_resource_sid = leg.resourceSid;
    interaction.outbound_resource_status = leg.status;
    interaction.outbound_resource_url = leg.url;
    return leg.queued;
  }

  #draft(context: Context, sid: string, now: number, fields: Partial<InteractionRow>): InteractionRow {
    return {
      sid,
      account_sid: context.service.account_sid,
      service_sid: context.service.sid,
      session_sid: context.session.sid,
      type: 'message',
      data: null,
      participant_sid: null,
      inbound_participant_sid: context.sender?.sid ?? null,
      inbound_resource_sid: null,
      inbound_resource_status: null,
      inbound_resource_type: null,
      inbound_resource_url: null,
      outbound_participant_sid: context.partner?.sid ?? null,
      outbound_resource_sid: null,
      outbound_resource_status: null,
      outbound_resource_type: null,
      outbound_resource_url: null,
      error_code: null,
      date_created: now,
      date_updated: now,
      ...fields,
    };
  }

  /**
   * The unit's writes (after the outbound leg's and the carrier's, already written): the session's
   * activity, the interaction, the callback job. True when outbox work was queued. Throws
   * SessionNoLongerActive (rolling the unit back) when the session closed since it was read: the
   * one write whose result the unit waits for.
   */
  async #record(uow: UnitOfWork, context: Context, interaction: InteractionRow, sentQueued: boolean): Promise<boolean> {
    const { service, session } = context;
    const now = interaction.date_created;
    const active = this.deps.sessions.recordActivity(uow, session, service, now);
    recordInteraction(uow, interaction);
    const called = enqueueInteractionCallback(uow, service.callback_url, interaction, now);
    if (!(await active)) throw new SessionNoLongerActive();
    return sentQueued || called;
  }
}

/** Where a call is bridged: from the partner's proxy number to the partner, if it went through. */
function bridgeOf(interaction: InteractionRow, partner: ParticipantRow | undefined): Routed['bridge'] {
  if (interaction.type !== 'voice' || interaction.error_code !== null || partner === undefined) return null;
  return { from: partner.proxy_identifier, to: partner.identifier };
}

/** The outbound leg was not sent: why is in error_code (kept out of the API). */
function markNotSent(interaction: InteractionRow): void {
  const blocked = interaction.error_code === 80909 || interaction.error_code === 80901;
  interaction.outbound_resource_status = blocked ? 'canceled' : 'failed';
}
