// SignalWire's webhook signature, held to vectors that SignalWire's own library computes:
// @signalwire/compatibility-api 3.2.0, lib/webhooks/webhooks.js getExpectedTwilioSignature (run
// once, outside the project, to make them; the first is also in SignalWire's SDKs' test suites).
// Both Parley's check (src/callbacks/signature.ts with `as-sent` lists) and the tests' signer
// (test/helpers/signalwire-webhooks.ts) must reproduce them; where a field repeats, Twilio's way
// of signing it must not.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signRequest, signatureMatches } from '../../src/callbacks/signature.js';
import { signalwireNumberId, signalwireResourceSid } from '../../src/carriers/signalwire/signalwire.api.js';
import { signalwireSignature } from '../helpers/signalwire-webhooks.js';

const KEY = 'PSK_parley_signing_key_for_vectors';
const MEDIA = ['https://b.example/2.png', 'https://a.example/1.png', 'https://b.example/2.png'];
const VECTORS: Array<{ what: string; key: string; url: string; params: Record<string, string | string[]>; signature: string }> = [
  {
    what: 'the canonical form vector',
    key: '12345',
    url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
    params: { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' },
    signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
  },
  {
    what: 'a repeated field, every value in the order sent',
    key: KEY,
    url: 'https://parley.example.com/carriers/signalwire/messages',
    params: { Body: 'hi', MediaUrl: MEDIA, From: '+12125550101' },
    signature: 'gUq1bJ6lA4V2FwKIIWDfyZInt4Q=',
  },
  {
    what: 'the URL with its default port',
    key: KEY,
    url: 'https://parley.example.com:443/carriers/signalwire/messages',
    params: { Body: 'hi', MediaUrl: MEDIA, From: '+12125550101' },
    signature: 'BrMBuApYPIeORFT0gx7G8bdcxgc=',
  },
  {
    what: 'a query string',
    key: KEY,
    url: 'https://parley.example.com/carriers/signalwire/status?Interaction=KI0123',
    params: { CallSid: 'b3877c40-da60-4998-90ad-b792e98472pa', CallStatus: 'completed' },
    signature: 'gRcOeQsYo0ybW9KO7Sk5su1160w=',
  },
];

test('the tests’ SignalWire signer and Parley’s check reproduce SignalWire’s own signatures', () => {
  for (const { what, key, url, params, signature } of VECTORS) {
    assert.equal(signalwireSignature(key, url, params), signature, `the tests' signer: ${what}`);
    assert.equal(signRequest(key, url, params, 'as-sent'), signature, `Parley: ${what}`);
    assert.ok(signatureMatches(key, signature, url, params, 'as-sent'), `Parley's check: ${what}`);
    assert.ok(!signatureMatches('PSK_another_key', signature, url, params, 'as-sent'), `another key: ${what}`);
  }
});

test('a signature over the URL with its default port is checked against the URL without it, and back', () => {
  const withPort = VECTORS[2]!;
  assert.ok(
    signatureMatches(KEY, withPort.signature, 'https://parley.example.com/carriers/signalwire/messages', withPort.params, 'as-sent'),
  );
  const withoutPort = VECTORS[1]!;
  assert.ok(signatureMatches(KEY, withoutPort.signature, withPort.url, withoutPort.params, 'as-sent'));
});

test('a repeated field signed Twilio’s way (each distinct value once, sorted) is not SignalWire’s signature', () => {
  const { key, url, params, signature } = VECTORS[1]!;
  assert.notEqual(signRequest(key, url, params, 'distinct-sorted'), signature);
  assert.ok(!signatureMatches(key, signature, url, params, 'distinct-sorted'));
  assert.ok(!signatureMatches(key, signRequest(key, url, params, 'distinct-sorted'), url, params, 'as-sent'));
  // Without repeated fields the two are one.
  const single = VECTORS[0]!;
  assert.equal(signRequest(single.key, single.url, single.params, 'distinct-sorted'), single.signature);
});

test('SignalWire’s UUIDs become SIDs of the Proxy API’s shape; other ids stay as they are', () => {
  assert.equal(signalwireResourceSid('Message', '0A059168-EAD0-41AF-9D1F-343DAE832527'), 'SM0a059168ead041af9d1f343dae832527');
  assert.equal(signalwireResourceSid('Call', 'b3877c40-da60-4998-90ad-b792e98472af'), 'CAb3877c40da60499890adb792e98472af');
  assert.match(signalwireResourceSid('Call', 'b3877c40-da60-4998-90ad-b792e98472af'), /^[a-zA-Z]{2}[0-9a-fA-F]{32}$/);
  assert.equal(signalwireResourceSid('Message', 'not-a-uuid'), 'not-a-uuid');
  // A pool number's PN SID names its IncomingPhoneNumber's UUID the same way.
  assert.equal(signalwireNumberId('PNB3877C40DA60499890ADB792E98472AF'), 'b3877c40-da60-4998-90ad-b792e98472af');
});
