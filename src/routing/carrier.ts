// What the masking engine needs from a carrier: send the outbound leg of a message. Calls are
// bridged by the carrier's own inbound endpoint (TwiML for Twilio, a simulated bridge for the
// simulator), from the route the engine returns.

import type { Db, UnitOfWork } from '../db/unit-of-work.js';

export interface OutboundMessage {
  accountSid: string;
  interactionSid: string;
  sessionSid: string;
  /** The recipient's proxy number (what they see the message come from). */
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
  now: number;
}

/** What is known of a sent leg when the routing transaction commits. */
export interface SentLeg {
  resourceSid: string | null;
  status: string;
  url: string | null;
  /** True when the message waits in the outbox (the worker must be woken after the commit). */
  queued: boolean;
}

/** A fault on demand (the simulator's): the next outbound messages to `number` end this way. */
export interface PlannedFault {
  sid: string;
  number: string;
  /** The leg's status: undelivered or failed. */
  outcome: string;
  errorCode: number | null;
}

export interface Carrier {
  readonly name: 'simulator' | 'twilio' | 'signalwire' | 'telnyx';
  /**
   * What the carrier must know before sending an account's message: read in the routing unit,
   * beside the route, so that both take one round trip (and on PostgreSQL locked until the
   * commit, so that each fault is used once). The simulator's faults on demand; none elsewhere.
   */
  plannedFaults(db: Db, accountSid: string | null): Promise<readonly PlannedFault[]>;
  /**
   * Sends the message, or queues it durably, in the routing unit of work: either way it is
   * delivered exactly when the interaction is recorded.
   */
  sendMessage(uow: UnitOfWork, message: OutboundMessage, faults: readonly PlannedFault[]): SentLeg;
}
