// The outbox's door for the rest of the domain: work queued here, in the caller's unit of work, is
// done after the commit by the worker (outbox.worker.ts), at least once. Read as a log, it is also
// what the callback log shows (callbacks/callback-log.service.ts).

import type { UnitOfWork } from '../db/unit-of-work.js';
import { enqueue } from './outbox.repository.js';
import type { OutboxKind } from './outbox.repository.js';
import { findLogEntry, insertSettled, listLog, requeue } from './outbox-log.repository.js';
import type { SettledRecord } from './outbox-log.repository.js';

export type { LogFilter, SettledRecord } from './outbox-log.repository.js';

export function queueJob(uow: UnitOfWork, job: { accountSid: string; kind: OutboxKind; payload: unknown; now: number }): void {
  enqueue(uow, job);
}

/** Work already done (a synchronous call), kept beside the jobs for the log, in the caller's unit of work. */
export function recordSettled(uow: UnitOfWork, record: SettledRecord): void {
  insertSettled(uow, record);
}

export { findLogEntry as outboxEntry, listLog as outboxLog, requeue as requeueJob };
