// What Parley's callbacks carry, as a customer's server reads them: the interaction parameters
// Twilio sends (the intercept callback gets the same minus outbound*), and the X-Twilio-Signature
// checked with the official validator, which must accept the request as signed and refuse any
// change to it; and the masked pair (Alice and Bob) whose service has the callback URLs.

import assert from 'node:assert/strict';
import twilio from 'twilio';
import { TEST_AUTH_TOKEN } from './app.js';
import type { TestApp } from './app.js';
import { maskedPair } from './factories.js';
import type { MaskedPair } from './factories.js';
import type { CallbackReceiver, Params, ReceivedRequest } from './receiver.js';

export const ALICE = '+12125550101';
export const BOB = '+12125550102';
const NUMBER = '+14155550100';

/** A service with these callback URLs, one pool number, and a session between Alice (A) and Bob (B). */
export function callbackPair(t: TestApp, urls: { CallbackUrl?: string; InterceptCallbackUrl?: string }): Promise<MaskedPair> {
  return maskedPair(t.api, { pool: [NUMBER], service: urls, a: ALICE, b: BOB });
}

export const INTERACTION_KEYS = [
  'interactionSid',
  'interactionSessionSid',
  'interactionServiceSid',
  'interactionAccountSid',
  'interactionType',
  'interactionData',
  'interactionDateCreated',
  'interactionDateUpdated',
  'inboundParticipantSid',
  'inboundResourceSid',
  'inboundResourceStatus',
  'inboundResourceType',
  'inboundResourceUrl',
];
export const OUTBOUND_KEYS = [
  'outboundParticipantSid',
  'outboundResourceSid',
  'outboundResourceStatus',
  'outboundResourceType',
  'outboundResourceUrl',
];

/** The params the service callback must carry for this interaction resource, as Twilio names them. */
export function callbackParams(row: Record<string, string | null | undefined>, legs: 'both' | 'inbound' = 'both'): Params {
  const lower = (value: string | null | undefined) => (value ?? '').toLowerCase();
  const params: Params = {
    interactionSid: row.sid!,
    interactionSessionSid: row.session_sid!,
    interactionServiceSid: row.service_sid!,
    interactionAccountSid: row.account_sid!,
    interactionType: row.type === 'voice' ? 'Voice' : 'Message',
    interactionData: row.data ?? '',
    interactionDateCreated: row.date_created!,
    interactionDateUpdated: row.date_updated!,
    inboundParticipantSid: row.inbound_participant_sid ?? '',
    inboundResourceSid: row.inbound_resource_sid ?? '',
    inboundResourceStatus: row.inbound_resource_status ?? '',
    inboundResourceType: lower(row.inbound_resource_type),
    inboundResourceUrl: row.inbound_resource_url ?? '',
  };
  if (legs === 'inbound') return params;
  return {
    ...params,
    outboundParticipantSid: row.outbound_participant_sid ?? '',
    outboundResourceSid: row.outbound_resource_sid ?? '',
    outboundResourceStatus: row.outbound_resource_status ?? '',
    outboundResourceType: lower(row.outbound_resource_type),
    outboundResourceUrl: row.outbound_resource_url ?? '',
  };
}

/**
 * A form POST whose X-Twilio-Signature the official validator accepts for the exact URL it was
 * sent to, and refuses with any parameter changed, a parameter added, another URL or another token.
 */
export function assertSigned(receiver: CallbackReceiver, request: ReceivedRequest): void {
  assert.equal(request.method, 'POST');
  assert.match(String(request.headers['content-type']), /^application\/x-www-form-urlencoded/);
  const signature = request.headers['x-twilio-signature'];
  assert.equal(typeof signature, 'string', 'X-Twilio-Signature is sent');
  const url = receiver.fullUrl(request);
  const valid = (token: string, at: string, params: Params) => twilio.validateRequest(token, signature as string, at, params);
  assert.equal(valid(TEST_AUTH_TOKEN, url, request.params), true, `signature of ${url} validates`);
  for (const [key, value] of Object.entries(request.params)) {
    const changed = Array.isArray(value) ? [...value.slice(0, -1), `${value.at(-1)}x`] : `${value}x`;
    assert.equal(valid(TEST_AUTH_TOKEN, url, { ...request.params, [key]: changed }), false, `a changed ${key}`);
  }
  assert.equal(valid(TEST_AUTH_TOKEN, url, { ...request.params, extra: '1' }), false, 'an added parameter');
  assert.equal(valid(TEST_AUTH_TOKEN, `${url}&tampered=1`, request.params), false, 'another URL');
  assert.equal(valid('another-auth-token-0123', url, request.params), false, 'another auth token');
}
