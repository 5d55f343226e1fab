// A Twilio-compatible carrier (Twilio, SignalWire) as the carrier scenarios see it
// (carrier-adapter.ts): the fake of its REST API (fake-twilio.ts, in the carrier's dialect), form
// webhooks signed over PARLEY_PUBLIC_URL + path as the carrier signs them, calls answered with
// TwiML (<Dial callerId><Number statusCallback=…>), and Twilio's status words, which are the
// interaction's own. What sets the carriers apart is a CompatibleCarrier: twilio-adapter.ts and
// signalwire-adapter.ts each describe one.

import assert from 'node:assert/strict';
import type { AnsweredCall, CarrierAdapter, CarrierWebhook, LegStatus } from './carrier-adapter.js';
import type { FakeTwilio } from './fake-twilio.js';
import { assertTwiml, isEmptyResponse, isReject, parseDial } from './twilio-webhooks.js';
import type { Params } from './twilio-webhooks.js';
import { PUBLIC_URL, signWebhook } from './webhook-signing.js';
import type { SigningOptions, WebhookSigner } from './webhook-signing.js';

export type ResourceKind = 'Message' | 'Call';

/** A Twilio-compatible carrier, from the test side. */
export interface CompatibleCarrier {
  /** As describe titles say it. */
  readonly name: string;
  /** Its webhook routes' base: /carriers/twilio. */
  readonly route: string;
  readonly accountSid: string;
  /** Another account of the same carrier (its webhooks must be refused). */
  readonly otherAccountSid: string;
  readonly signer: WebhookSigner;
  /** The password of the REST API's Basic credentials (the account SID being the user). */
  readonly apiToken: string;
  /** Secrets that are not the signing one, each named (a webhook signed with one is refused). */
  readonly wrongKeys: ReadonlyArray<{ name: string; key: string }>;
  readonly sendJobKind: string;
  /** Its message status words; its call status words are Twilio's. */
  readonly messageStatuses: Readonly<Record<string, LegStatus>>;
  startFake(): Promise<FakeTwilio>;
  env(fake: FakeTwilio): Record<string, string>;
  /** A new id of the carrier's for an inbound message or call. */
  newId(kind: ResourceKind): string;
  /** The SID Parley records for the carrier's id (the scenarios know messages and calls by it). */
  recordedSid(kind: ResourceKind, id: string): string;
  /** The carrier's id again, from the SID Parley recorded. */
  carrierId(kind: ResourceKind, recordedSid: string): string;
  /** The PN SID a pool number is added by for the carrier's IncomingPhoneNumber `id`. */
  numberSid(id: string): string;
  /** The webhook of a message from a handset to a proxy number, as the carrier posts it (`media`: MediaUrl0…). */
  inboundSms(from: string, to: string, body: string, media: Params): Params;
  /** The webhook of a call from a handset to a proxy number. */
  inboundCall(from: string, to: string): Params;
  /** More copies of a webhook this carrier would never send (beside those every carrier gets). */
  moreForgeries(path: string, params: Params): Array<{ name: string; webhook: CarrierWebhook }>;
}

/** A call as the carrier was told to answer it: its webhook's params, and where the <Number> leg reports. */
export interface CompatibleCall extends AnsweredCall {
  readonly params: Params;
  /** The <Number statusCallback> URL (it names the interaction); null without a bridge. */
  readonly statusCallback: string | null;
}

const CALL_STATUSES: Readonly<Record<string, LegStatus>> = {
  initiated: 'initiated',
  ringing: 'ringing',
  'in-progress': 'in-progress',
  completed: 'completed',
  busy: 'busy',
  'no-answer': 'no-answer',
  failed: 'failed',
  canceled: 'canceled',
};

function paramsOf(webhook: CarrierWebhook): Params {
  return Object.fromEntries(new URLSearchParams(webhook.body));
}

/** The field a forger would change after signing: what the webhook says happened. */
function tamperedField(params: Params): string {
  return ['Body', 'MessageStatus', 'CallStatus'].find((name) => name in params) ?? 'From';
}

export function compatibleAdapter(carrier: CompatibleCarrier): CarrierAdapter<FakeTwilio, CompatibleCall> {
  const { route, accountSid } = carrier;
  const status = `${route}/status`;
  const signed = (path: string, params: Params, options: SigningOptions = {}) => signWebhook(carrier.signer, path, params, options);
  return {
    name: carrier.name,
    startFake: () => carrier.startFake(),
    env: (fake) => carrier.env(fake),
    sendJobKind: carrier.sendJobKind,
    webhookPaths: [`${route}/messages`, `${route}/voice`, status],
    acceptedStatus: { message: 'queued', call: 'initiated' },
    statuses: { message: carrier.messageStatuses, call: CALL_STATUSES },
    resourceUrl: (fake, kind, id) => `${fake.url}${fake.accountPath(accountSid)}/${kind}s/${carrier.carrierId(kind, id)}.json`,

    inboundMessage({ from, to, body, mediaUrls = [] }) {
      const media: Params = { NumMedia: String(mediaUrls.length) };
      mediaUrls.forEach((url, i) => Object.assign(media, { [`MediaUrl${i}`]: url, [`MediaContentType${i}`]: 'image/jpeg' }));
      const params = carrier.inboundSms(from, to, body, media);
      return { ...signed(`${route}/messages`, params), id: carrier.recordedSid('Message', params.MessageSid!) };
    },

    inboundCall({ from, to }) {
      const params = carrier.inboundCall(from, to);
      return { ...signed(`${route}/voice`, params), id: carrier.recordedSid('Call', params.CallSid!) };
    },

    messageStatus: (sent, word) => {
      const messageSid = carrier.carrierId('Message', sent.id!);
      return signed(status, {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        From: sent.from,
        To: sent.to,
        MessageSid: messageSid,
        SmsSid: messageSid,
        MessageStatus: word,
        SmsStatus: word,
      });
    },

    callStatus(call, leg, word, durationSeconds) {
      const ended: Params =
        durationSeconds === undefined ? {} : { CallDuration: String(durationSeconds), Duration: String(Math.ceil(durationSeconds / 60)) };
      if (leg === 'inbound') return signed(status, { ...call.params, CallStatus: word, ...ended });
      // The <Number> leg reports to the URL the TwiML gave it, signed with its query string.
      assert.ok(call.statusCallback !== null && call.bridge !== null, 'the call was not bridged');
      const url = new URL(call.statusCallback);
      return signed(url.pathname + url.search, {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        CallSid: carrier.carrierId('Call', call.outboundLegId!),
        ParentCallSid: call.params.CallSid!,
        CallStatus: word,
        Direction: 'outbound-dial',
        From: call.bridge.callerId,
        To: call.bridge.to,
        ...ended,
      });
    },

    // The carrier sends the same request again: the same SID, the same signature.
    redelivery: (webhook) => webhook,

    forgeries(webhook) {
      const { path } = webhook;
      const params = paramsOf(webhook);
      const field = tamperedField(params);
      const otherPath = path.startsWith(`${route}/voice`) ? `${route}/messages` : `${route}/voice`;
      const forged = [
        { name: 'no signature', webhook: signed(path, params, { signature: null }) },
        { name: 'an empty signature', webhook: signed(path, params, { signature: '' }) },
        { name: 'a garbage signature', webhook: signed(path, params, { signature: 'not-a-signature' }) },
        ...carrier.wrongKeys.map(({ name, key }) => ({ name: `signed with ${name}`, webhook: signed(path, params, { token: key }) })),
        { name: 'signed for another host', webhook: signed(path, params, { signedUrl: `https://elsewhere.example.com${path}` }) },
        { name: 'signed for another path', webhook: signed(path, params, { signedUrl: PUBLIC_URL + otherPath }) },
        {
          name: `${field} changed after signing`,
          webhook: { ...signed(path, { ...params, [field]: 'something else' }), body: webhook.body },
        },
        {
          name: `another ${carrier.name} account, correctly signed`,
          webhook: signed(path, { ...params, AccountSid: carrier.otherAccountSid }),
        },
        ...carrier.moreForgeries(path, params),
      ];
      // A leg's report is signed over its URL's query string too.
      if (path.includes('?')) {
        forged.push({
          name: 'signed without its query string',
          webhook: signed(path, params, { signedUrl: PUBLIC_URL + path.split('?')[0] }),
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
      // The carrier creates the <Number> leg and names it in that leg's reports.
      return {
        ...refused,
        bridge: { callerId: dial.callerId, to: dialled },
        outboundLegId: carrier.recordedSid('Call', carrier.newId('Call')),
        statusCallback: number.statusCallback ?? null,
      };
    },
  };
}
