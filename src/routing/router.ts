// The masking engine: an inbound message or call from identifier X to proxy number P reaches the
// other participant Y of the session in which X holds P, from Y's own proxy number. Each one is
// recorded as an Interaction, keeps the session alive, and is reported to the service's callback.
// Network calls (intercept, out-of-session) happen outside transactions; the interaction, the
// outbound leg (or its durable queue entry), the session's activity and the callback job are one
// transaction, so an accepted message yields exactly one interaction and one delivery.

import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Carrier } from '../carriers/carrier.js';
import { enqueueInteractionCallback } from '../callbacks/interaction-callback.js';
import type { Database, InteractionRow, ParticipantRow, ServiceRow, SessionRow } from '../db/schema.js';
import { newSid } from '../http/sids.js';
import { insertInteraction, updateInteraction } from '../resources/interactions/interactions.repository.js';
import { findService } from '../resources/services/services.repository.js';
import { expiresAt, isExpired } from '../resources/sessions/sessions.expiry.js';
import { findSession, recordSessionActivity } from '../resources/sessions/sessions.repository.js';
import type { Interceptor } from './intercept.js';
import type { OutOfSession, OutOfSessionOutcome } from './out-of-session.js';
import { currentParticipants, findActiveRoute } from './routing.repository.js';

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
  db: Kysely<Database>;
  clock: Clock;
  carrier: Carrier;
  interceptor: Interceptor;
  outOfSession: OutOfSession;
  /** Wakes the outbox worker after a commit that queued work. */
  kickOutbox: () => void;
}

export class Router {
  constructor(private readonly deps: RouterDeps) {}

  /**
   * Routes a message. `alsoInTransaction` lets the carrier record its own view of the inbound
   * message (the simulator's handset log) atomically with the interaction.
   */
  async routeMessage(
    message: InboundMessage,
    alsoInTransaction?: (trx: Kysely<Database>, routed: Routed) => Promise<void>,
    askOutOfSession = true,
  ): Promise<Routed> {
    const context = await this.#context(message.accountSid, message.to, message.from);
    if (context === undefined) {
      const outcome = askOutOfSession ? await this.deps.outOfSession.handle({ kind: 'message', ...message }) : null;
      // The callback created a session for this sender: route through it (once).
      if (outcome?.createdSession) return this.routeMessage(message, alsoInTransaction, false);
      const routed: Routed = { interaction: null, sessionSid: null, bridge: null, outOfSession: outcome };
      if (alsoInTransaction !== undefined) await this.deps.db.transaction().execute((trx) => alsoInTransaction(trx, routed));
      return routed;
    }
    const { service, session, partner } = context;
    const now = this.deps.clock.now();
    const interaction = this.#draft(context, 'message', now, {
      data: JSON.stringify({ body: message.body }),
      inbound_resource_sid: message.resourceSid,
      inbound_resource_status: 'delivered',
      inbound_resource_type: 'Message',
      inbound_resource_url: message.resourceUrl,
    });
    interaction.error_code =
      session.mode === 'voice-only' ? 80910 : OPT_OUT.has(message.body.trim().toUpperCase()) ? 80901 : partner === undefined ? 80614 : null;
    if (interaction.error_code === null && (await this.deps.interceptor.blocks(service, interaction, message.mediaUrls))) {
      interaction.error_code = 80909;
    }
    const routed = await this.#commit(context, interaction, async (trx) => {
      if (interaction.error_code !== null || partner === undefined) {
        markNotSent(interaction);
        return;
      }
      await this.#sendMessage(trx, interaction, partner, message);
    }, alsoInTransaction);
    return routed ?? this.routeMessage(message, alsoInTransaction, askOutOfSession);
  }

  /** Routes a call: records the interaction and says where the carrier must bridge it. */
  async routeCall(call: InboundCall, askOutOfSession = true): Promise<Routed> {
    const context = await this.#context(call.accountSid, call.to, call.from);
    if (context === undefined) {
      const outcome = askOutOfSession ? await this.deps.outOfSession.handle({ kind: 'call', ...call }) : null;
      if (outcome?.createdSession) return this.routeCall(call, false);
      return { interaction: null, sessionSid: null, bridge: null, outOfSession: outcome };
    }
    const { service, session, partner } = context;
    const now = this.deps.clock.now();
    const interaction = this.#draft(context, 'voice', now, {
      data: null,
      inbound_resource_sid: call.resourceSid,
      inbound_resource_status: 'in-progress',
      inbound_resource_type: 'Call',
      inbound_resource_url: call.resourceUrl,
    });
    interaction.error_code = session.mode === 'message-only' ? 80911 : partner === undefined ? 80614 : null;
    if (interaction.error_code === null && (await this.deps.interceptor.blocks(service, interaction, []))) {
      interaction.error_code = 80909;
    }
    const bridge = interaction.error_code === null && partner !== undefined ? { from: partner.proxy_identifier, to: partner.identifier } : null;
    const routed = await this.#commit(context, interaction, async () => {
      if (bridge === null) {
        markNotSent(interaction);
        interaction.inbound_resource_status = 'canceled';
        return;
      }
      interaction.outbound_resource_sid = call.outboundResourceSid;
      interaction.outbound_resource_status = call.outboundStatus;
    });
    if (routed === null) return this.routeCall(call, askOutOfSession);
    return { ...routed, bridge };
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
    const now = this.deps.clock.now();
    const context: Context = { service, session, sender: undefined, partner: participant };
    const interaction = this.#draft(context, 'message', now, { data: JSON.stringify({ body: message.body }), participant_sid: participant.sid });
    const routed = await this.#commit(context, interaction, (trx) => this.#sendMessage(trx, interaction, participant, message));
    return routed?.interaction ?? null;
  }

  /**
   * A leg's status changed (a call ended, a carrier reported delivery): record it and tell the
   * service's callback, in one transaction.
   */
  async recordStatus(interaction: InteractionRow, changes: Partial<InteractionRow>): Promise<InteractionRow> {
    const now = this.deps.clock.now();
    const updated: InteractionRow = { ...interaction, ...changes, date_updated: now };
    await this.deps.db.transaction().execute(async (trx) => {
      await updateInteraction(trx, interaction.sid, { ...changes, date_updated: now });
      const service = await findService(trx, interaction.account_sid, interaction.service_sid);
      await enqueueInteractionCallback(trx, service?.callback_url ?? null, updated, now);
    });
    this.deps.kickOutbox();
    return updated;
  }

  async #context(accountSid: string | null, to: string, from: string): Promise<Context | undefined> {
    const { db, clock } = this.deps;
    const route = await findActiveRoute(db, accountSid, to, from);
    if (route === undefined) return undefined;
    const key = { accountSid: route.accountSid, serviceSid: route.serviceSid };
    const [session, service, members] = await Promise.all([
      findSession(db, key, route.sessionSid),
      findService(db, route.accountSid, route.serviceSid),
      currentParticipants(db, route.sessionSid),
    ]);
    // Expired but not yet closed by the job: traffic to it is out of session (80904).
    if (session === undefined || service === undefined || isExpired(session, clock.now())) return undefined;
    const sender = members.find((member) => member.sid === route.participantSid);
    if (sender === undefined) return undefined;
    return { service, session, sender, partner: members.find((member) => member.sid !== sender.sid) };
  }

  /** The outbound leg of a message: from the recipient's proxy number to the recipient. */
  async #sendMessage(
    trx: Kysely<Database>,
    interaction: InteractionRow,
    recipient: ParticipantRow,
    message: { body: string; mediaUrls: string[] },
  ): Promise<void> {
    const sent = await this.deps.carrier.sendMessage(trx, {
      accountSid: interaction.account_sid,
      interactionSid: interaction.sid,
      sessionSid: interaction.session_sid,
      from: recipient.proxy_identifier,
      to: recipient.identifier,
      body: message.body,
      mediaUrls: message.mediaUrls,
      now: interaction.date_created,
    });
    interaction.outbound_resource_sid = sent.resourceSid;
    interaction.outbound_resource_status = sent.status;
    interaction.outbound_resource_url = sent.url;
  }

  #draft(context: Context, type: 'message' | 'voice', now: number, inbound: Partial<InteractionRow>): InteractionRow {
    return {
      sid: newSid('KI'),
      account_sid: context.service.account_sid,
      service_sid: context.service.sid,
      session_sid: context.session.sid,
      type,
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
      outbound_resource_type: type === 'message' ? 'Message' : 'Call',
      outbound_resource_url: null,
      error_code: null,
      date_created: now,
      date_updated: now,
      ...inbound,
    };
  }

  /**
   * The transaction: the outbound leg, the interaction, the session's activity, the callback job.
   * Null when the session stopped being active since it was read (the caller routes again).
   */
  async #commit(
    context: Context,
    interaction: InteractionRow,
    sendOutbound: (trx: Kysely<Database>) => Promise<void>,
    alsoInTransaction?: (trx: Kysely<Database>, routed: Routed) => Promise<void>,
  ): Promise<Routed | null> {
    const { service, session } = context;
    const now = interaction.date_created;
    const expiry = expiresAt({ date_expiry: session.date_expiry, ttl: session.ttl, ttl_started_at: now }, service.default_ttl);
    const queued = await this.deps.db.transaction().execute(async (trx) => {
      if (!(await recordSessionActivity(trx, session.sid, now, expiry))) return null;
      await sendOutbound(trx);
      await insertInteraction(trx, interaction);
      const routed: Routed = { interaction, sessionSid: session.sid, bridge: null, outOfSession: null };
      if (alsoInTransaction !== undefined) await alsoInTransaction(trx, routed);
      await enqueueInteractionCallback(trx, service.callback_url, interaction, now);
      return routed;
    });
    if (queued !== null) this.deps.kickOutbox();
    return queued;
  }
}

/** The outbound leg was not sent: why is in error_code (kept out of the API). */
function markNotSent(interaction: InteractionRow): void {
  const blocked = interaction.error_code === 80909 || interaction.error_code === 80901;
  interaction.outbound_resource_status = blocked ? 'canceled' : 'failed';
}
