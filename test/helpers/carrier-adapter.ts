// What the shared carrier scenarios (test/carriers/scenarios.ts) need from a carrier: the one
// place where Twilio, SignalWire or Telnyx differ. An adapter starts the carrier's fake REST API,
// says how Parley is configured for it, builds its webhooks exactly as the carrier builds and signs
// them (form or JSON, HMAC or Ed25519: the scenarios never look inside), reads how the carrier was
// told to bridge a call (TwiML, cXML, TeXML or a Call Control command), and maps the carrier's
// status words to the interaction's. The scenarios speak only in the interaction's words, the
// participants' numbers and these operations; a new carrier is a new adapter, never a new scenario.

import type { RESOURCE_STATUSES } from '../../src/resources/interactions/interactions.model.js';
import type { TestApp } from './app.js';
import type { Response } from './http-client.js';

/** An interaction leg's resource status, as the Proxy API says it (`outbound_resource_status`). */
export type LegStatus = (typeof RESOURCE_STATUSES)[number];

/**
 * One webhook request, built and signed as the carrier would send it, ready to post to Parley:
 * the path (with any query string the carrier was told to call), every header (content type and
 * signature included) and the raw body. Posted by `CarrierHarness.deliver`, unchanged.
 */
export interface CarrierWebhook {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A webhook that announces a new message or call: `id` is the carrier's id of it (the interaction's `inbound_resource_sid`). */
export interface InboundWebhook extends CarrierWebhook {
  readonly id: string;
}

/** One request Parley made to the fake API to send a message, whatever became of it. */
export interface SentMessage {
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
  /** The id the fake answered with (the outbound leg's `outbound_resource_sid`); null if it refused or dropped the request. */
  id: string | null;
  /** The HTTP status the fake answered with; 0 when it closed the connection unanswered. */
  answered: number;
}

/**
 * How the fake API fails the next sends: `refused` a 4xx that names the request as bad (an invalid
 * `To`, never worth retrying); `server-error` a 500; `unavailable` a 503; `throttled` a 429;
 * `dropped` the connection closed without an answer (a network error). All but `refused` are retried.
 */
export type SendFailure = 'refused' | 'server-error' | 'unavailable' | 'throttled' | 'dropped';

/** A local stand-in for the carrier's REST API on a loopback port (test/helpers/fake-twilio.ts is Twilio's). */
export interface FakeCarrierApi {
  /** Its base URL, no trailing slash (what the adapter's `env` points Parley at). */
  readonly url: string;
  stop(): Promise<void>;
  /** Forgets what was sent, the failures planned and the hook; run before each test. */
  reset(): void;
  /** The next `count` requests fail `how` (then the fake answers normally again). */
  failSends(how: SendFailure, count?: number): void;
  /** Every request to send a message so far, oldest first. */
  sends(): SentMessage[];
  /** The first `count` sends, once there are that many; fails after a deadline no busy machine reaches. */
  waitForSends(count: number): Promise<SentMessage[]>;
  /**
   * Runs `hook` once a send is accepted and its id chosen, before the fake answers it: what the
   * carrier's own status webhooks do when they overtake the API's answer. Null removes it.
   */
  onSendAccepted(hook: ((sent: SentMessage) => Promise<void>) | null): void;
  /** How many requests of any kind the fake has received (sends, lookups, call commands). */
  requestCount(): number;
}

/** How the carrier was told to answer an inbound call (the adapter's own details ride along in its subtype). */
export interface AnsweredCall {
  /** The inbound call's id (`inbound_resource_sid`). */
  readonly callId: string;
  /** The HTTP answer to the call's webhook (a retried webhook must get the same again). */
  readonly response: Response;
  /** The bridge: whom the carrier dials and the caller ID they see; null when the call is refused. */
  readonly bridge: { readonly callerId: string; readonly to: string } | null;
  /** The bridged leg's id, as the carrier's reports on that leg name it (`outbound_resource_sid`); null without a bridge. */
  readonly outboundLegId: string | null;
}

export interface CarrierAdapter<Fake extends FakeCarrierApi = FakeCarrierApi, Call extends AnsweredCall = AnsweredCall> {
  /** As describe titles say it: `Twilio`. */
  readonly name: string;
  startFake(): Promise<Fake>;
  /** The PARLEY_* settings that run Parley on this carrier, its REST calls aimed at `fake` (PARLEY_PUBLIC_URL included). */
  env(fake: Fake): Record<string, string>;
  /** The outbox `kind` of the carrier's send jobs. */
  readonly sendJobKind: string;
  /** Every webhook route of the carrier (POST only: anything else is a 405). */
  readonly webhookPaths: readonly string[];
  /** The outbound leg's status once the carrier has taken a message (the send's answer) or been told to bridge a call. */
  readonly acceptedStatus: { readonly message: LegStatus; readonly call: LegStatus };
  /**
   * The carrier's status words, each with the interaction status Parley records for it (several
   * words may mean one status). Scenarios report a status by the first word that means it, and
   * check that every word here is recorded as its status.
   */
  readonly statuses: { readonly message: Readonly<Record<string, LegStatus>>; readonly call: Readonly<Record<string, LegStatus>> };
  /** What Parley stores as `*_resource_url` for the carrier's message or call `id`; null if the carrier has no such URL. */
  resourceUrl(fake: Fake, kind: 'Message' | 'Call', id: string): string | null;

  /** The carrier's webhook for a message `from` a handset to a proxy number `to`, correctly signed. */
  inboundMessage(message: { from: string; to: string; body: string; mediaUrls?: readonly string[] }): InboundWebhook;
  /** The carrier's webhook for a call `from` a handset to a proxy number `to`, correctly signed. */
  inboundCall(call: { from: string; to: string }): InboundWebhook;
  /** The carrier's status report, in its word `status`, on a message Parley sent through it. */
  messageStatus(sent: SentMessage, status: string): CarrierWebhook;
  /**
   * The carrier's status report, in its word `status`, on one leg of an answered call: `inbound`
   * the caller's, `outbound` the bridged one; with the call's duration when it ended.
   */
  callStatus(call: Call, leg: 'inbound' | 'outbound', status: string, durationSeconds?: number): CarrierWebhook;
  /** The same webhook again, as the carrier retries it after a timeout: the same event and id, signed anew. */
  redelivery(webhook: CarrierWebhook): CarrierWebhook;
  /**
   * Copies of `webhook` the carrier would never send, each named: unsigned, wrongly signed,
   * changed after signing, for another carrier account. Each must be refused, 403, and change nothing.
   */
  forgeries(webhook: CarrierWebhook): Array<{ name: string; webhook: CarrierWebhook }>;

  /** Fails unless `response` is how Parley answers the carrier for a message it took (routed or not). */
  assertMessageTaken(response: Response): void;
  /**
   * How the carrier was told to answer the call `webhook` announced, from Parley's `response` (the
   * TwiML, for Twilio) or what Parley asked of the fake API since. Fails on an answer that is
   * neither a bridge nor a refusal.
   */
  answeredCall(fake: Fake, webhook: InboundWebhook, response: Response): Promise<Call>;
}

/** Posts a webhook to the app as it is: path, headers, raw body. */
export function deliver(t: TestApp, webhook: CarrierWebhook): Promise<Response> {
  return t.anonymous.post(webhook.path, {}, { raw: webhook.body, headers: { ...webhook.headers } });
}

/** The carrier's first word for the interaction status `status` (the adapter must have one). */
export function wordFor(words: Readonly<Record<string, LegStatus>>, status: LegStatus): string {
  const word = Object.keys(words).find((candidate) => words[candidate] === status);
  if (word === undefined) throw new Error(`the adapter has no word for the status ${status}`);
  return word;
}
