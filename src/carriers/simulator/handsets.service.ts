// The simulator's handsets: a simulated phone texts or calls a number, and every message a phone
// sent or received is kept in a log, as the carrier's own records would be. What reaches a pool
// number goes through the masking engine like a carrier's webhook; an out-of-session TwiML answer
// is applied as a phone would see it (twiml.ts: <Message> replies, a <Dial> bridge).

import type { AccountClock } from '../../common/clock.js';
import type { PageRequest } from '../../common/paging.js';
import { newSid } from '../../common/sids.js';
import type { SimulatorCallRow, SimulatorMessageRow } from '../../db/schema.js';
import type { Db } from '../../db/unit-of-work.js';
import { invalidParameter } from '../../errors/api-error.js';
import { interactionBySid } from '../../resources/interactions/interactions.service.js';
import type { Router } from '../../routing/router.js';
import type { Faults } from './faults.service.js';
import type { CallEnding } from './handsets.model.js';
import {
  findSimulatorCall,
  handsetCalls,
  handsetMessages,
  insertSimulatorCall,
  insertSimulatorMessage,
  listSimulatorMessages,
  updateSimulatorCall,
} from './simulator.repository.js';
import { readTwiml } from './twiml.js';

/** How much of a phone's history the console shows. */
const PHONE_MESSAGES = 200;
const PHONE_CALLS = 20;

export interface Text {
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
}

export class Handsets {
  constructor(
    private readonly db: Db,
    private readonly clock: AccountClock,
    private readonly router: Router,
    private readonly faults: Faults,
  ) {}

  /** A handset texts `to`; the log gets the text with the interaction it became (if any), atomically. */
  async text(accountSid: string, text: Text): Promise<SimulatorMessageRow> {
    const inbound: SimulatorMessageRow = {
      sid: newSid('SM'),
      account_sid: accountSid,
      from_number: text.from,
      to_number: text.to,
      body: text.body,
      media_urls: JSON.stringify(text.mediaUrls),
      direction: 'inbound',
      status: 'received',
      interaction_sid: null,
      session_sid: null,
      error_code: null,
      date_created: this.clock.now(accountSid),
    };
    const routed = await this.router.routeMessage({ accountSid, ...text, resourceSid: inbound.sid, resourceUrl: null }, (uow, outcome) => {
      inbound.interaction_sid = outcome.interaction?.sid ?? null;
      inbound.session_sid = outcome.sessionSid;
      insertSimulatorMessage(uow, inbound);
    });
    // An out-of-session answer in TwiML: its <Message>s reach the sender from the number they texted.
    for (const reply of readTwiml(routed.outOfSession?.twiml ?? '').messages) {
      await insertSimulatorMessage(this.db, {
        ...inbound,
        sid: newSid('SM'),
        from_number: text.to,
        to_number: text.from,
        body: reply,
        media_urls: '[]',
        direction: 'outbound',
        status: 'delivered',
        date_created: this.clock.now(accountSid),
      });
    }
    return inbound;
  }

  /** Newest first; optionally only those to / from a number. */
  messages(accountSid: string, filter: { to?: string; from?: string }, page: PageRequest): Promise<SimulatorMessageRow[]> {
    return listSimulatorMessages(this.db, accountSid, filter, page);
  }

  /** What a phone shows (the console): its newest messages and calls, newest first. */
  async phone(accountSid: string, number: string): Promise<{ messages: SimulatorMessageRow[]; calls: SimulatorCallRow[] }> {
    const [messages, calls] = await Promise.all([
      handsetMessages(this.db, accountSid, number, PHONE_MESSAGES),
      handsetCalls(this.db, accountSid, number, PHONE_CALLS),
    ]);
    return { messages, calls };
  }

  /** A handset calls `to`: bridged to the partner (or as an out-of-session <Dial> says), or not. */
  async call(accountSid: string, from: string, to: string): Promise<SimulatorCallRow> {
    const sid = newSid('CA');
    const outboundSid = newSid('CA');
    const routed = await this.router.routeCall({
      accountSid,
      from,
      to,
      resourceSid: sid,
      resourceUrl: null,
      outboundResourceSid: outboundSid,
      outboundStatus: 'in-progress',
    });
    const dial = readTwiml(routed.outOfSession?.twiml ?? '').dial;
    const bridge = routed.bridge ?? (dial === null ? null : { from: dial.callerId ?? to, to: dial.number });
    const now = this.clock.now(accountSid);
    const call: SimulatorCallRow = {
      sid,
      account_sid: accountSid,
      from_number: from,
      to_number: to,
      // Not bridged: rejected (no session, wrong mode, intercepted) or answered by TwiML alone.
      status: bridge !== null ? 'in-progress' : routed.outOfSession?.twiml ? 'completed' : 'failed',
      bridged_from: bridge?.from ?? null,
      bridged_to: bridge?.to ?? null,
      bridged_sid: routed.bridge === null ? null : outboundSid,
      interaction_sid: routed.interaction?.sid ?? null,
      session_sid: routed.sessionSid,
      date_created: now,
      date_updated: now,
    };
    await insertSimulatorCall(this.db, call);
    // A fault on demand for the callee: the bridged leg ends at once, as the callee's phone says.
    const fault = bridge === null ? undefined : await this.faults.takeCallFault(accountSid, bridge.to);
    return fault === undefined ? call : this.endCall(call, fault as CallEnding);
  }

  findCall(accountSid: string, sid: string): Promise<SimulatorCallRow | undefined> {
    return findSimulatorCall(this.db, accountSid, sid);
  }

  /** Ends a call in progress; its interaction's legs end too (with the duration, when it was answered). */
  async endCall(call: SimulatorCallRow, status: CallEnding): Promise<SimulatorCallRow> {
    if (call.status !== 'in-progress') throw invalidParameter('Status', `the call has already ended (${call.status})`);
    const now = this.clock.now(call.account_sid);
    await updateSimulatorCall(this.db, call.sid, { status, date_updated: now });
    const interaction = call.interaction_sid === null ? undefined : await interactionBySid(this.db, call.interaction_sid);
    if (interaction !== undefined) {
      const answered = status === 'completed';
      await this.router.recordStatus(interaction, {
        inbound_resource_status: 'completed',
        outbound_resource_status: status,
        data: answered ? JSON.stringify({ duration: String(Math.round((now - call.date_created) / 1000)) }) : interaction.data,
      });
    }
    return { ...call, status, date_updated: now };
  }
}
