// A carrier that speaks Twilio's REST API and TwiML: Twilio itself, and SignalWire's Compatibility
// API (LaML/cXML), which follows Twilio's paths, form webhooks, TwiML and status words. What tells
// them apart is only this: where the API is and whose credentials it takes, how the webhooks are
// signed, and what the carrier's ids look like. The carrier, its outbox sender, its webhooks and
// their routes (this folder) are written once over it; twilio/twilio.api.ts and
// signalwire/signalwire.api.ts each build one.

import type { ListEncoding } from '../../callbacks/signature.js';
import type { OutboxKind } from '../../outbox/outbox.repository.js';

export type ResourceKind = 'Message' | 'Call';

/** How the carrier signs its webhooks: HMAC-SHA1 over the URL and the form (callbacks/signature.ts). */
export interface WebhookSigning {
  /** The headers that may carry the signature, in order of preference (lowercase). */
  readonly headers: readonly string[];
  /** The secret the carrier signs with. */
  readonly key: string;
  /** How a repeated form field enters the signed text. */
  readonly lists: ListEncoding;
}

export interface CompatibleApi {
  /** Names the webhook routes (/carriers/<name>/…) and the webhook replay's records. */
  readonly name: 'twilio' | 'signalwire';
  /** As messages name the carrier: "Twilio". */
  readonly title: string;
  /** The account the API's Basic credentials name, and the AccountSid its webhooks carry. */
  readonly accountSid: string;
  readonly authToken: string;
  /** The account's REST root, ending in /2010-04-01/Accounts/{AccountSid}. */
  readonly accountUrl: string;
  /** The outbox kind of this carrier's sends. */
  readonly sendJobKind: OutboxKind;
  readonly signing: WebhookSigning;
  /** The SID Parley records for the carrier's id of a message or call (the Proxy API's shape: two letters, 32 hex digits). */
  resourceSid(kind: ResourceKind, id: string): string;
  /** The carrier's id of the IncomingPhoneNumber a pool number's PN SID names (the reverse of resourceSid, for numbers). */
  numberId(sid: string): string;
}

/** The carrier's URL of its message or call `id` (the interaction's `*_resource_url`). */
export function resourceUrl(api: CompatibleApi, kind: ResourceKind, id: string): string {
  return `${api.accountUrl}/${kind}s/${id}.json`;
}

/** Where the carrier reports statuses (PARLEY_PUBLIC_URL + the carrier's status route). */
export function statusRoute(api: CompatibleApi): string {
  return `/carriers/${api.name}/status`;
}

/** The Basic credentials of the carrier's REST API. */
export function authorization(api: CompatibleApi): string {
  return 'Basic ' + Buffer.from(`${api.accountSid}:${api.authToken}`).toString('base64');
}
