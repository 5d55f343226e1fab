// Telnyx as the carrier scenarios see it (carrier-adapter.ts): the fake of api.telnyx.com, the
// Messaging API's JSON events and TeXML's forms, each signed with the account's Ed25519 key over
// `${timestamp}|${body}`; calls answered with TeXML (<Dial callerId><Number statusCallback>), the
// bridged leg reporting with its ParentCallSid; and Telnyx's status words: a message's recipient
// status (sending_failed, delivery_failed …), TeXML's CallStatus (Twilio's words).

import assert from 'node:assert/strict';
import type { AnsweredCall, CarrierAdapter, CarrierWebhook, LegStatus } from './carrier-adapter.js';
import { startFakeTelnyx } from './fake-telnyx.js';
import type { FakeTelnyx } from './fake-telnyx.js';
import {
  FORM_TYPE,
  JSON_TYPE,
  MESSAGING,
  OTHER_ACCOUNT_KEYS,
  PUBLIC_URL,
  STATUS,
  TELNYX_ACCOUNT_SID,
  TELNYX_API_KEY,
  VOICE,
  callResourceSid,
  callSid,
  incomingCall,
  messageSid,
  messageUuid,
  messagingEvent,
  receivedMessage,
  signatureOver,
  signedWebhook,
  telnyxEnv,
  texmlForm,
  unixNow,
} from './telnyx-webhooks.js';
import { twilioAdapter } from './twilio-adapter.js';
import { assertTwiml, isReject, parseDial } from './twilio-webhooks.js';

/** A call as Telnyx was told to answer it: its webhook's form, and the bridged leg's own CallSid. */
export interface TelnyxCall extends AnsweredCall {
  readonly params: Record<string, string>;
  readonly outboundCallSid: string | null;
}

/** The CallSid behind each call SID the scenarios hold (the SID is a hash of it). */
const CALL_SIDS = new Map<string, string>();

function callSidFor(): { callSid: string; sid: string } {
  const id = callSid();
  const sid = callResourceSid(id);
  CALL_SIDS.set(sid, id);
  return { callSid: id, sid };
}

/** Words in message.finalized; the rest come in message.sent. */
const FINAL = new Set(['delivered', 'delivery_failed', 'sending_failed', 'delivery_unconfirmed']);

const MESSAGE_WORDS: Record<string, LegStatus> = {
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  delivery_failed: 'undelivered',
  sending_failed: 'failed',
  delivery_unconfirmed: 'delivery-unknown',
};

const isJson = (webhook: CarrierWebhook) => webhook.headers['content-type'] === JSON_TYPE;

/** Signed anew, as Telnyx signs each delivery; a JSON event counts the attempt up. */
function resigned(webhook: CarrierWebhook, change: (body: string) => string = (body) => body): CarrierWebhook {
  return signedWebhook(webhook.path, webhook.headers['content-type']!, change(webhook.body));
}

/** The body with what the webhook says happened changed (a forger's edit). */
function tampered(webhook: CarrierWebhook): string {
  if (isJson(webhook)) return webhook.body.replace(/"(text|status)":"[^"]*"/, '"$1":"something else"');
  const params = new URLSearchParams(webhook.body);
  params.set(params.has('CallStatus') ? 'CallStatus' : 'From', params.has('CallStatus') ? 'completed' : '+12125550188');
  return params.toString();
}

export const telnyxAdapter: CarrierAdapter<FakeTelnyx, TelnyxCall> = {
  name: 'Telnyx',
  startFake: () => startFakeTelnyx(TELNYX_API_KEY),
  env: (fake) => telnyxEnv(fake),
  sendJobKind: 'telnyx-message',
  webhookPaths: [MESSAGING, VOICE, STATUS],
  acceptedStatus: { message: 'queued', call: 'initiated' },
  // TeXML's CallStatus speaks Twilio's words.
  statuses: { message: MESSAGE_WORDS, call: twilioAdapter.statuses.call },
  resourceUrl: (fake, kind, id) =>
    kind === 'Message'
      ? `${fake.url}/v2/messages/${messageUuid(id)}`
      : `${fake.url}/v2/texml/Accounts/${TELNYX_ACCOUNT_SID}/Calls/${CALL_SIDS.get(id)}`,

  inboundMessage({ from, to, body, mediaUrls = [] }) {
    const payload = receivedMessage(from, to, body, mediaUrls);
    return { ...signedWebhook(MESSAGING, JSON_TYPE, messagingEvent('message.received', payload)), id: messageSid(payload.id as string) };
  },

  inboundCall({ from, to }) {
    const { callSid, sid } = callSidFor();
    return { ...signedWebhook(VOICE, FORM_TYPE, texmlForm(incomingCall(from, to, callSid))), id: sid };
  },

  messageStatus(sent, status) {
    const payload = {
      record_type: 'message',
      direction: 'outbound',
      id: messageUuid(sent.id!),
      type: sent.mediaUrls.length > 0 ? 'MMS' : 'SMS',
      from: { phone_number: sent.from, carrier: 'Telnyx', line_type: 'Wireless' },
      to: [{ phone_number: sent.to, status, carrier: 'T-MOBILE USA, INC.', line_type: 'Wireless' }],
      text: sent.body,
      errors: status.endsWith('_failed') ? [{ code: '40002', title: 'Message delivery failed' }] : [],
    };
    return signedWebhook(MESSAGING, JSON_TYPE, messagingEvent(FINAL.has(status) ? 'message.finalized' : 'message.sent', payload));
  },

  callStatus(call, leg, status, durationSeconds) {
    const ended: Record<string, string> = durationSeconds === undefined ? {} : { CallDuration: String(durationSeconds) };
    const common = { AccountSid: TELNYX_ACCOUNT_SID, CallStatus: status, CallbackSource: 'call-progress-events', ...ended };
    if (leg === 'inbound') return signedWebhook(STATUS, FORM_TYPE, texmlForm({ ...call.params, ...common }));
    // The <Number> leg reports to its statusCallback, naming the caller's leg as its parent.
    assert.ok(call.bridge !== null && call.outboundCallSid !== null, 'the call was not bridged');
    const form = {
      ...common,
      CallSid: call.outboundCallSid,
      ParentCallSid: call.params.CallSid!,
      Direction: 'outbound-dial',
      From: call.bridge.callerId,
      To: call.bridge.to,
    };
    return signedWebhook(STATUS, FORM_TYPE, texmlForm(form));
  },

  // Telnyx delivers the same event again, stamped and signed anew; a JSON event's meta.attempt grows.
  redelivery: (webhook) =>
    resigned(webhook, (body) => (isJson(webhook) ? body.replace(/"attempt":(\d+)/, (_, n) => `"attempt":${Number(n) + 1}`) : body)),

  forgeries(webhook) {
    const { path, body } = webhook;
    const type = webhook.headers['content-type']!;
    const now = unixNow();
    const without = (header: string) => ({
      ...webhook,
      headers: Object.fromEntries(Object.entries(webhook.headers).filter(([name]) => name !== header)),
    });
    const withSignature = (value: string) => ({ ...webhook, headers: { ...webhook.headers, 'telnyx-signature-ed25519': value } });
    return [
      { name: 'no signature', webhook: without('telnyx-signature-ed25519') },
      { name: 'no timestamp', webhook: without('telnyx-timestamp') },
      { name: 'an empty signature', webhook: withSignature('') },
      { name: 'a garbage signature', webhook: withSignature('not-a-signature') },
      { name: 'a signature of the wrong length', webhook: withSignature(Buffer.alloc(32, 1).toString('base64')) },
      { name: 'signed by another Telnyx account', webhook: signedWebhook(path, type, body, { key: OTHER_ACCOUNT_KEYS.privateKey }) },
      { name: 'the body changed after signing', webhook: { ...webhook, body: tampered(webhook) } },
      {
        name: 'the timestamp changed after signing',
        webhook: {
          ...webhook,
          headers: { ...webhook.headers, 'telnyx-timestamp': String(Number(webhook.headers['telnyx-timestamp']) + 1) },
        },
      },
      { name: 'signed ten minutes ago (a replay)', webhook: signedWebhook(path, type, body, { timestamp: now - 600 }) },
      { name: 'stamped ten minutes ahead', webhook: signedWebhook(path, type, body, { timestamp: now + 600 }) },
      { name: 'signed over the body alone', webhook: withSignature(signatureOver(body)) },
    ];
  },

  assertMessageTaken(response) {
    assert.ok(
      response.status >= 200 && response.status < 300,
      `a message webhook is answered with a 2xx: ${response.status} ${response.text}`,
    );
  },

  async answeredCall(_fake, webhook, response) {
    assertTwiml(response);
    const params = Object.fromEntries(new URLSearchParams(webhook.body));
    const refused = { callId: webhook.id, response, params, bridge: null, outboundLegId: null, outboundCallSid: null };
    if (isReject(response.text)) return refused;
    const { dial, number, dialled } = parseDial(response.text);
    assert.ok(dial.callerId !== undefined, `<Dial> without a callerId: ${response.text}`);
    assert.equal(number.statusCallback, PUBLIC_URL + STATUS, 'the bridged leg reports to the status URL');
    // Telnyx creates the <Number> leg and names it in that leg's reports.
    const leg = callSidFor();
    return { ...refused, bridge: { callerId: dial.callerId, to: dialled }, outboundLegId: leg.sid, outboundCallSid: leg.callSid };
  },
};
