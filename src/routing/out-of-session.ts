// The service's out_of_session_callback_url: called when a message or call reaches a pool number
// from someone with no active session on it. It gets the carrier-style parameters plus the context
// of the sender's most recent session on that number, and may answer with
//   - TwiML (passed to the carrier: Twilio executes it, the simulator applies <Message>/<Dial>), or
//   - JSON {uniqueName, ttl, mode, dateExpiry, participantIdentifier, participantProxyIdentifier}:
//     Parley creates that session (the sender on the number they used, plus the named participant)
//     and the original message or call goes through it.
// A non-2xx answer, no answer in time, one over PARLEY_CALLBACK_MAX_RESPONSE_BYTES or an address
// account-set URLs may not reach is a failed callback (80913): nothing is created or passed on.
// The outcome carries the call's record for the callback log; the router writes it.

import type { AccountClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { callError } from '../callbacks/call-record.js';
import type { CallRecord } from '../callbacks/call-record.js';
import { signingToken } from '../accounts/accounts.service.js';
import { postSignedForm } from '../callbacks/http-post.js';
import type { FormParams } from '../callbacks/signature.js';
import type { ParticipantRow, ServiceRow, SessionRow } from '../db/schema.js';
import type { OutboundClient } from '../outbound/outbound-client.js';
import { redactUrl } from '../outbound/redact-url.js';
import { ApiError } from '../errors/api-error.js';
import { formatDate, parseDateTime } from '../common/dates.js';
import type { ServicesService } from '../resources/services/services.service.js';
import type { SessionsService } from '../resources/sessions/sessions.service.js';
import { SESSION_MODES } from '../resources/sessions/sessions.model.js';
import type { SessionMode } from '../resources/sessions/sessions.model.js';
import { currentParticipants, findPoolNumber, lastParticipation } from './routing.repository.js';
import type { Db } from '../db/unit-of-work.js';

export type OutOfSessionEvent =
  | { kind: 'message'; accountSid: string | null; from: string; to: string; body: string; mediaUrls: string[]; resourceSid: string }
  | { kind: 'call'; accountSid: string | null; from: string; to: string; resourceSid: string };

export interface OutOfSessionOutcome {
  /** Whether a callback URL was asked. */
  called: boolean;
  createdSession: boolean;
  /** TwiML to hand to the carrier. */
  twiml: string | null;
  /** The call, for the callback log; null when none was made. */
  record: CallRecord | null;
}

const NOT_CALLED: OutOfSessionOutcome = { called: false, createdSession: false, twiml: null, record: null };

export class OutOfSession {
  constructor(
    private readonly db: Db,
    private readonly clock: AccountClock,
    private readonly sessions: SessionsService,
    private readonly services: ServicesService,
    private readonly http: OutboundClient,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  async handle(event: OutOfSessionEvent): Promise<OutOfSessionOutcome> {
    const number = await findPoolNumber(this.db, event.accountSid, event.to);
    if (number === undefined) return NOT_CALLED;
    const service = await this.services.get(number.account_sid, number.service_sid);
    const url = service?.out_of_session_callback_url ?? null;
    const token = await signingToken(this.db, number.account_sid);
    if (service === undefined || url === null || token === undefined) return NOT_CALLED;

    const params = {
      ...carrierParams(event, number.account_sid),
      ...(await this.#context(service.sid, service.account_sid, event.from, number.sid)),
    };
    const call = { accountSid: number.account_sid, kind: 'out-of-session' as const, url, params, at: this.clock.now(number.account_sid) };
    const failed = (responseStatus: number | null, error: string): OutOfSessionOutcome => ({
      ...NOT_CALLED,
      called: true,
      record: { ...call, succeeded: false, responseStatus, error, outcome: 'dropped' },
    });
    let answer;
    try {
      answer = await postSignedForm(this.http, url, params, token, this.timeoutMs);
    } catch (err) {
      this.log.warn({ err, url: redactUrl(url) }, '80913 out-of-session callback failed');
      return failed(null, callError(err));
    }
    if (answer.status < 200 || answer.status > 299) {
      this.log.warn({ url: redactUrl(url), status: answer.status }, '80913 out-of-session callback answered with an error');
      return failed(answer.status, `HTTP ${answer.status}`);
    }
    const answered = (outcome: string) => ({ ...call, succeeded: true, responseStatus: answer.status, error: null, outcome });
    if (/json/i.test(answer.contentType)) {
      const created = await this.#createSession(service, event, answer.body);
      return { called: true, createdSession: created, twiml: null, record: answered(created ? 'session_created' : 'session_not_created') };
    }
    const twiml = answer.body.trim() === '' ? null : answer.body;
    return { called: true, createdSession: false, twiml, record: answered(twiml === null ? 'no_action' : 'twiml') };
  }

  /** The JSON answer: a session for the sender (on the number they used) and the named participant. */
  async #createSession(service: ServiceRow, event: OutOfSessionEvent, body: string): Promise<boolean> {
    let spec: Record<string, unknown>;
    try {
      spec = JSON.parse(body) as Record<string, unknown>;
    } catch {
      // Not the body itself: it is the customer's, and may hold anything (numbers, names).
      this.log.warn({ length: body.length }, 'out-of-session callback answered JSON that does not parse');
      return false;
    }
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
    const identifier = text(spec.participantIdentifier);
    if (identifier === undefined) {
      this.log.warn('out-of-session callback JSON has no participantIdentifier; no session created');
      return false;
    }
    const mode = text(spec.mode);
    const ttl = typeof spec.ttl === 'number' ? spec.ttl : Number(text(spec.ttl) ?? NaN);
    try {
      await this.sessions.create(service, {
        uniqueName: text(spec.uniqueName) ?? null,
        ttl: Number.isInteger(ttl) && ttl >= 0 ? ttl : undefined,
        dateExpiry: text(spec.dateExpiry) === undefined ? null : parseDateTime(text(spec.dateExpiry)!),
        mode: SESSION_MODES.includes(mode as SessionMode) ? (mode as SessionMode) : undefined,
        participants: [
          { identifier: event.from, proxyIdentifier: event.to },
          { identifier, proxyIdentifier: text(spec.participantProxyIdentifier) },
        ],
      });
      return true;
    } catch (err) {
      this.log.warn({ err: err instanceof ApiError ? err.toBody() : err }, 'session from the out-of-session callback could not be created');
      return false;
    }
  }

  /** The sender's most recent session on this number, and its partner, as Twilio names them. */
  async #context(serviceSid: string, accountSid: string, identifier: string, numberSid: string): Promise<FormParams> {
    const last = await lastParticipation(this.db, serviceSid, identifier, numberSid);
    if (last === undefined) return {};
    const [session, members] = await Promise.all([
      this.sessions.fetch({ accountSid, serviceSid }, last.session_sid),
      currentParticipants(this.db, last.session_sid),
    ]);
    const partner = members.find((member) => member.sid !== last.sid);
    return {
      ...participantParams('inboundParticipant', last),
      ...(partner === undefined ? {} : participantParams('outboundParticipant', partner)),
      ...(session === undefined ? {} : sessionParams(session)),
    };
  }
}

function carrierParams(event: OutOfSessionEvent, accountSid: string): FormParams {
  const common = { AccountSid: accountSid, ApiVersion: '2010-04-01', From: event.from, To: event.to };
  if (event.kind === 'call') {
    return { ...common, CallSid: event.resourceSid, CallStatus: 'ringing', Direction: 'inbound', Caller: event.from, Called: event.to };
  }
  const media = Object.fromEntries(event.mediaUrls.map((url, index) => [`MediaUrl${index}`, url]));
  return {
    ...common,
    MessageSid: event.resourceSid,
    SmsSid: event.resourceSid,
    SmsMessageSid: event.resourceSid,
    Body: event.body,
    NumMedia: String(event.mediaUrls.length),
    ...media,
  };
}

function participantParams(prefix: string, p: ParticipantRow): FormParams {
  return {
    [`${prefix}AccountSid`]: p.account_sid,
    [`${prefix}DateCreated`]: formatDate(p.date_created) ?? '',
    [`${prefix}DateUpdated`]: formatDate(p.date_updated) ?? '',
    [`${prefix}FriendlyName`]: p.friendly_name ?? '',
    [`${prefix}Identifier`]: p.identifier,
    [`${prefix}ProxyIdentifier`]: p.proxy_identifier,
    [`${prefix}ProxyIdentifierSid`]: p.proxy_identifier_sid,
    [`${prefix}ServiceSid`]: p.service_sid,
    [`${prefix}SessionSid`]: p.session_sid,
    [`${prefix}Sid`]: p.sid,
  };
}

function sessionParams(s: SessionRow): FormParams {
  return {
    sessionAccountSid: s.account_sid,
    sessionClosedReason: s.closed_reason ?? '',
    sessionDateCreated: formatDate(s.date_created) ?? '',
    sessionDateEnded: formatDate(s.date_ended) ?? '',
    sessionDateUpdated: formatDate(s.date_updated) ?? '',
    sessionMode: s.mode,
    sessionServiceSid: s.service_sid,
    sessionSid: s.sid,
    sessionStatus: s.status,
    sessionUniqueName: s.unique_name ?? '',
  };
}
