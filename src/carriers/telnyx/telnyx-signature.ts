// Telnyx signs every webhook it sends (the Messaging API's JSON events and TeXML's form-encoded
// requests alike) with the account's Ed25519 key: `telnyx-signature-ed25519` is the base64 of a
// 64-byte signature over `${telnyx-timestamp}|${raw body}`, the timestamp in Unix seconds. The
// URL is not signed (unlike X-Twilio-Signature), so nothing Parley acts on may come from it.
// A timestamp more than five minutes from now, either way, is refused: a captured webhook cannot
// be replayed later.
//
// Sources: the official SDK's verifier, team-telnyx/telnyx-node src/lib/webhooks.ts (commit
// b9b12ca, `TelnyxWebhook.verify`: the two headers, the `|`-joined payload, a 32-byte base64 key,
// a 64-byte signature, 300 s of tolerance both ways); Telnyx's docs, "Receiving Webhooks for
// Messaging" (developers.telnyx.com/docs/messaging/messages/receiving-webhooks) and the TeXML
// callbacks' reference (developers.telnyx.com/api-reference/callbacks/texml-call-initiated: the
// same two headers on an application/x-www-form-urlencoded body). Node's crypto verifies Ed25519
// itself: the raw key goes in as a JWK.

import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Clock } from '../../common/clock.js';

/** How far a webhook's timestamp may be from now (the SDK's window). */
export const TOLERANCE_SECONDS = 300;

export class TelnyxSignature {
  readonly #key: KeyObject;

  constructor(
    /** The account's public key as Mission Control shows it: base64 of 32 bytes (config.ts checks the form). */
    publicKey: string,
    private readonly clock: Clock,
  ) {
    this.#key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey, 'base64').toString('base64url') },
      format: 'jwk',
    });
  }

  /** Why this request is not a webhook Telnyx signed just now, or null when it is. */
  problem(signature: string | string[] | undefined, timestamp: string | string[] | undefined, rawBody: Buffer): string | null {
    if (typeof signature !== 'string' || signature === '') return 'telnyx-signature-ed25519 is missing.';
    if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return 'telnyx-timestamp is missing or not Unix seconds.';
    const age = Math.floor(this.clock.now() / 1000) - Number(timestamp);
    if (Math.abs(age) > TOLERANCE_SECONDS) return `telnyx-timestamp is ${age} s from now; at most ${TOLERANCE_SECONDS} s are accepted.`;
    const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(signature) ? Buffer.from(signature, 'base64') : Buffer.alloc(0);
    if (bytes.length !== 64) return 'telnyx-signature-ed25519 is not a base64 Ed25519 signature.';
    const signed = Buffer.concat([Buffer.from(`${timestamp}|`, 'utf8'), rawBody]);
    return verify(null, signed, this.#key, bytes) ? null : 'telnyx-signature-ed25519 does not match the body and timestamp.';
  }
}
