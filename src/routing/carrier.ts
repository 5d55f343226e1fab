// What the masking engine needs from a carrier: send the outbound leg of a message. Calls are
// bridged by the carrier's own inbound endpoint (TwiML for Twilio, a simulated bridge for the
// simulator), from the route the engine returns.

import type { UnitOfWork } from '../db/unit-of-work.js';

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

export interface Carrier {
  readonly name: 'simulator' | 'twilio';
  /**
   * Sends the message, or queues it durably, in the routing unit of work: either way it is
   * delivered exactly when the interaction is recorded.
   */
  sendMessage(uow: UnitOfWork, message: OutboundMessage): SentLeg;
}
