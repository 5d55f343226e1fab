// A Twilio-compatible carrier's webhook, signed as that carrier signs it: form params, a signature
// header over PARLEY_PUBLIC_URL + path and the params. Twilio's signer is twilio-node's own
// (twilio-webhooks.ts); SignalWire's is signalwire-webhooks.ts's.

import type { CarrierWebhook } from './carrier-adapter.js';
import { formEncode } from './http-client.js';

/** Form params as the carrier posts them; an array is a repeated field, in the order sent. */
export type SignedParams = Record<string, string | string[]>;

/** Where the carriers reach Parley (a real carrier requires PARLEY_PUBLIC_URL); webhooks are signed over it. */
export const PUBLIC_URL = 'https://parley.example.com';

export interface WebhookSigner {
  /** The header the carrier sends its signature in (lowercase). */
  readonly header: string;
  /** The secret the carrier signs with. */
  readonly key: string;
  /** The carrier's signature of `params` posted to `url`. */
  sign(key: string, url: string, params: SignedParams): string;
}

export interface SigningOptions {
  /** The signature to send as it is (null: none); by default the right one. */
  signature?: string | null;
  /** The URL signed over; PUBLIC_URL + path by default. */
  signedUrl?: string;
  /** The secret signed with; the signer's key by default. */
  token?: string;
  /** The header the signature goes in; the signer's by default. */
  header?: string;
  headers?: Record<string, string>;
}

/** A webhook as the carrier sends it: form params, its signature over `signedUrl` + params. */
export function signWebhook(signer: WebhookSigner, path: string, params: SignedParams, options: SigningOptions = {}): CarrierWebhook {
  const signedUrl = options.signedUrl ?? PUBLIC_URL + path;
  const signature = options.signature === undefined ? signer.sign(options.token ?? signer.key, signedUrl, params) : options.signature;
  // The carriers send their form bodies with a charset.
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', ...options.headers };
  if (signature !== null) headers[options.header ?? signer.header] = signature;
  return { path, headers, body: formEncode(params) };
}
