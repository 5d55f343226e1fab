// Telnyx's side of the Telnyx carrier tests: the account's Ed25519 key pair (made here with
// node:crypto; the app gets the public half as PARLEY_TELNYX_PUBLIC_KEY, as Mission Control shows
// it: base64 of the 32 raw bytes), and webhooks built and signed the way Telnyx builds them: the
// Messaging API's JSON events and TeXML's forms, each with telnyx-timestamp (Unix seconds) and
// telnyx-signature-ed25519 (base64 of an Ed25519 signature over `${timestamp}|${raw body}`).

import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { CarrierWebhook } from './carrier-adapter.js';
import type { FakeTelnyx } from './fake-telnyx.js';

export const TELNYX_API_KEY = 'KEY0188D1E2B0C34A4F9E8D7C6B5A4F3E2D_abcdefGHIJKLmnop';
/** TeXML's AccountSid: the Telnyx account, as its voice webhooks name it. */
export const TELNYX_ACCOUNT_SID = 'f5586561-8ff0-4291-a51b-c7dfe4139ff9';
/** Where Telnyx reaches Parley (a real carrier requires PARLEY_PUBLIC_URL). */
export const PUBLIC_URL = 'https://parley.example.com';

export const MESSAGING = '/carriers/telnyx/messaging';
export const VOICE = '/carriers/telnyx/voice';
export const STATUS = '/carriers/telnyx/status';

/** The account's key pair, and another account's (a webhook it signs is not ours). */
export const TELNYX_KEYS = generateKeyPairSync('ed25519');
export const OTHER_ACCOUNT_KEYS = generateKeyPairSync('ed25519');

/** An Ed25519 public key as Telnyx shows it: base64 of its 32 raw bytes. */
export function publicKeyBase64(key: KeyObject): string {
  return Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
}

export const JSON_TYPE = 'application/json';
export const FORM_TYPE = 'application/x-www-form-urlencoded';

export interface SigningOptions {
  /** Unix seconds; now by the wall clock (Telnyx's) unless given. */
  timestamp?: number;
  /** The key that signs; the account's by default. */
  key?: KeyObject;
}

/** Now, as Telnyx stamps a webhook. */
export const unixNow = () => Math.floor(Date.now() / 1000);

/** base64 of the Ed25519 signature of `text`. */
export function signatureOver(text: string, key: KeyObject = TELNYX_KEYS.privateKey): string {
  return sign(null, Buffer.from(text, 'utf8'), key).toString('base64');
}

/** Telnyx's signature of a webhook: over `${timestamp}|${body}`. */
export const signature = (timestamp: string, body: string, key?: KeyObject) => signatureOver(`${timestamp}|${body}`, key);

/** A webhook posted as Telnyx posts it: the body as sent, stamped and signed over `${timestamp}|${body}`. */
export function signedWebhook(path: string, contentType: string, body: string, options: SigningOptions = {}): CarrierWebhook {
  const timestamp = String(options.timestamp ?? unixNow());
  return {
    path,
    body,
    headers: {
      'content-type': contentType,
      'telnyx-timestamp': timestamp,
      'telnyx-signature-ed25519': signature(timestamp, body, options.key),
    },
  };
}

/** A Messaging API event as Telnyx posts it (API v2 webhooks). */
export function messagingEvent(eventType: string, payload: Record<string, unknown>, attempt = 1): string {
  return JSON.stringify({
    data: { event_type: eventType, id: randomUUID(), occurred_at: new Date().toISOString(), payload, record_type: 'event' },
    meta: { attempt, delivered_to: PUBLIC_URL + MESSAGING },
  });
}

/** message.received's payload: a text from a handset to a Telnyx number. */
export function receivedMessage(from: string, to: string, text: string, mediaUrls: readonly string[] = []): Record<string, unknown> {
  return {
    record_type: 'message',
    direction: 'inbound',
    id: randomUUID(),
    type: mediaUrls.length > 0 ? 'MMS' : 'SMS',
    messaging_profile_id: randomUUID(),
    from: { phone_number: from, carrier: 'Verizon Wireless', line_type: 'Wireless' },
    to: [{ phone_number: to, status: 'webhook_delivered', carrier: 'Telnyx', line_type: 'Wireless' }],
    cc: [],
    text,
    media: mediaUrls.map((url) => ({ url, content_type: 'image/jpeg', sha256: null, size: null })),
    encoding: 'GSM-7',
    parts: 1,
    tags: [],
    received_at: new Date().toISOString(),
    errors: [],
  };
}

/**
 * The SIDs the Proxy API shows for Telnyx's ids (a SID is two letters and 32 hex digits): SM and a
 * message UUID's hex digits, and back; CA and the first 32 hex digits of a CallSid's SHA-256.
 */
export const messageSid = (uuid: string) => 'SM' + uuid.replace(/-/g, '');
export const messageUuid = (sid: string) =>
  /^SM[0-9a-f]{32}$/.test(sid) ? sid.slice(2).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5') : sid;
export const callResourceSid = (callSid: string) => 'CA' + createHash('sha256').update(callSid).digest('hex').slice(0, 32);

/** A TeXML request's form, as Telnyx encodes it. */
export const texmlForm = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** A TeXML CallSid (Telnyx's call control id). */
export const callSid = () => `v3:${randomBytes(36).toString('base64url')}`;

/** TeXML's request to the voice URL for a call arriving at a Telnyx number. */
export function incomingCall(from: string, to: string, sid = callSid()): Record<string, string> {
  return {
    AccountSid: TELNYX_ACCOUNT_SID,
    CallSid: sid,
    CallSidLegacy: sid,
    CallStatus: 'ringing',
    CallerId: from,
    ConnectionId: '1494404757140276705',
    Direction: 'inbound',
    From: from,
    To: to,
  };
}

export function telnyxEnv(fake: FakeTelnyx, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PARLEY_CARRIER: 'telnyx',
    PARLEY_TELNYX_API_KEY: TELNYX_API_KEY,
    PARLEY_TELNYX_PUBLIC_KEY: publicKeyBase64(TELNYX_KEYS.publicKey),
    PARLEY_TELNYX_API_URL: fake.url,
    PARLEY_PUBLIC_URL: PUBLIC_URL,
    PARLEY_OUTBOX_POLL_MS: '20',
    ...extra,
  };
}
