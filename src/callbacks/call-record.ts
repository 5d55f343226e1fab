// What the router's synchronous calls to a customer's URL (intercept, out-of-session) leave in the
// callback log: the form sent, the answer's status or the failure, and what the call decided.
// Written in the routing unit of work that acts on the answer (routing/router.ts), beside the
// outbox's jobs, already settled: they are shown, never delivered again (their answer decided
// the traffic's fate once, at the time).

import type { UnitOfWork } from '../db/unit-of-work.js';
import { OutboundError } from '../outbound/outbound-client.js';
import { recordSettled } from '../outbox/outbox.service.js';
import type { FormParams } from './signature.js';

export type CallKind = 'intercept' | 'out-of-session';

export interface CallRecord {
  accountSid: string;
  kind: CallKind;
  url: string;
  params: FormParams;
  /** Answered, with a status that counts as an answer (2xx; 403 too for an intercept). */
  succeeded: boolean;
  responseStatus: number | null;
  error: string | null;
  /** What came of it: blocked / allowed (intercept); session_created, twiml, no_action, … (out-of-session). */
  outcome: string;
  at: number;
}

/** Why a call got no answer, as the log says it (no URL in it: the log's url field is redacted apart). */
export function callError(err: unknown): string {
  return err instanceof OutboundError ? err.reason : err instanceof Error ? err.message : String(err);
}

export function logCall(uow: UnitOfWork, record: CallRecord): void {
  recordSettled(uow, {
    accountSid: record.accountSid,
    kind: record.kind,
    payload: { url: record.url, params: record.params },
    succeeded: record.succeeded,
    error: record.error,
    responseStatus: record.responseStatus,
    outcome: record.outcome,
    now: record.at,
  });
}
