// Twilio as the carrier scenarios see it (carrier-adapter.ts): the fake of api.twilio.com, form
// webhooks signed with X-Twilio-Signature over PARLEY_PUBLIC_URL + path, calls answered with
// TwiML (<Dial callerId><Number statusCallback=…>), and Twilio's status words, which are the
// interaction's own ("read" is a delivered message).

import assert from 'node:assert/strict';
import type { AnsweredCall, CarrierAdapter, CarrierWebhook } from './carrier-adapter.js';
import { startFakeTwilio } from './fake-twilio.js';
import type { FakeTwilio } from './fake-twilio.js';
import {
  OTHER_TWILIO_ACCOUNT_SID,
  PUBLIC_URL,
  TWILIO_ACCOUNT_SID,
  assertTwiml,
  inboundCall,
  inboundSms,
  isEmptyResponse,
  isReject,
  parseDial,
  sid,
  signedWebhook,
  twilioEnv,
} from './twilio-webhooks.js';
import type { Params } from './twilio-webhooks.js';

/** A call as Twilio was told to answer it: its webhook's params, and where the <Number> leg reports. */
export interface TwilioCall extends AnsweredCall {
  readonly params: Params;
  /** The <Number statusCallback> URL (it names the interaction); null without a bridge. */
  readonly statusCallback: string | null;
}

const STATUS = '/carriers/twilio/status';

function paramsOf(webhook: CarrierWebhook): Params {
  return Object.fromEntries(new URLSearchParams(webhook.body));
}

/** The field a forger would change after signing: what the webhook says happened. */
function tamperedField(params: Params): string {
  return ['Body', 'MessageStatus', 'CallStatus'].find((name) => name in params) ?? 'From';
}

export const twilioAdapter: CarrierAdapter<FakeTwilio, TwilioCall> = {
  name: 'Twilio',
  startFake: startFakeTwilio,
  env: (fake) => twilioEnv(fake),
  sendJobKind: 'twilio-message',
  webhookPaths: ['/carriers/twilio/messages', '/carriers/twilio/voice', STATUS],
  acceptedStatus: { message: 'queued', call: 'initiated' },
  statuses: {
    message: { sending: 'sending', sent: 'sent', delivered: 'delivered', read: 'delivered', undelivered: 'undelivered', failed: 'failed' },
    call: {
      initiated: 'initiated',
      ringing: 'ringing',
      'in-progress': 'in-progress',
      completed: 'completed',
      busy: 'busy',
      'no-answer': 'no-answer',
      failed: 'failed',
      canceled: 'canceled',
    },
  },
  resourceUrl: (fake, kind, id) => `${fake.url}/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/${kind}s/${id}.json`,

  inboundMessage({ from, to, body, mediaUrls = [] }) {
    const media: Params = { NumMedia: String(mediaUrls.length) };
    mediaUrls.forEach((url, i) => Object.assign(media, { [`MediaUrl${i}`]: url, [`MediaContentType${i}`]: 'image/jpeg' }));
    const params = inboundSms(from, to, body, media);
    return { ...signedWebhook('/carriers/twilio/messages', params), id: params.MessageSid! };
  },

  inboundCall({ from, to }) {
    const params = inboundCall(from, to);
    return { ...signedWebhook('/carriers/twilio/voice', params), id: params.CallSid! };
  },

  messageStatus: (sent, status) =>
    signedWebhook(STATUS, {
      AccountSid: TWILIO_ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      From: sent.from,
      To: sent.to,
      MessageSid: sent.id!,
      SmsSid: sent.id!,
      MessageStatus: status,
      SmsStatus: status,
    }),

  callStatus(call, leg, status, durationSeconds) {
    const ended: Params =
      durationSeconds === undefined ? {} : { CallDuration: String(durationSeconds), Duration: String(Math.ceil(durationSeconds / 60)) };
    if (leg === 'inbound') return signedWebhook(STATUS, { ...call.params, CallStatus: status, ...ended });
    // The <Number> leg reports to the URL the TwiML gave it, signed with its query string.
    assert.ok(call.statusCallback !== null && call.bridge !== null, 'the call was not bridged');
    const url = new URL(call.statusCallback);
    return signedWebhook(url.pathname + url.search, {
      AccountSid: TWILIO_ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      CallSid: call.outboundLegId!,
      ParentCallSid: call.callId,
      CallStatus: status,
      Direction: 'outbound-dial',
      From: call.bridge.callerId,
      To: call.bridge.to,
      ...ended,
    });
  },

  // Twilio sends the same request again: the same SID, the same signature.
  redelivery: (webhook) => webhook,

  forgeries(webhook) {
    const { path } = webhook;
    const params = paramsOf(webhook);
    const field = tamperedField(params);
    const otherPath = path.startsWith('/carriers/twilio/voice') ? '/carriers/twilio/messages' : '/carriers/twilio/voice';
    const forged = [
      { name: 'no signature', webhook: signedWebhook(path, params, { signature: null }) },
      { name: 'an empty signature', webhook: signedWebhook(path, params, { signature: '' }) },
      { name: 'a garbage signature', webhook: signedWebhook(path, params, { signature: 'not-a-signature' }) },
      { name: 'signed with another auth token', webhook: signedWebhook(path, params, { token: 'some-other-auth-token' }) },
      { name: 'signed for another host', webhook: signedWebhook(path, params, { signedUrl: `https://elsewhere.example.com${path}` }) },
      { name: 'signed for another path', webhook: signedWebhook(path, params, { signedUrl: PUBLIC_URL + otherPath }) },
      {
        name: `${field} changed after signing`,
        webhook: { ...signedWebhook(path, { ...params, [field]: 'something else' }), body: webhook.body },
      },
      {
        name: 'another Twilio account, correctly signed',
        webhook: signedWebhook(path, { ...params, AccountSid: OTHER_TWILIO_ACCOUNT_SID }),
      },
    ];
    // A leg's report is signed over its URL's query string too.
    if (path.includes('?')) {
      forged.push({
        name: 'signed without its query string',
        webhook: signedWebhook(path, params, { signedUrl: PUBLIC_URL + path.split('?')[0] }),
      });
    }
    return forged;
  },

  assertMessageTaken(response) {
    assertTwiml(response);
    assert.ok(isEmptyResponse(response.text), `a message is answered with an empty <Response>: ${response.text}`);
  },

  async answeredCall(_fake, webhook, response) {
    assertTwiml(response);
    const params = paramsOf(webhook);
    const refused = { callId: webhook.id, response, params, bridge: null, outboundLegId: null, statusCallback: null };
    if (isReject(response.text)) return refused;
    const { dial, number, dialled } = parseDial(response.text);
    assert.ok(dial.callerId !== undefined, `<Dial> without a callerId: ${response.text}`);
    // Twilio creates the <Number> leg and names it in that leg's reports.
    return {
      ...refused,
      bridge: { callerId: dial.callerId, to: dialled },
      outboundLegId: sid('CA'),
      statusCallback: number.statusCallback ?? null,
    };
  },
};
