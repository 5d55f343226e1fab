// The outbox's door for the rest of the domain: work queued here, in the caller's unit of work, is
// done after the commit by the worker (outbox.worker.ts), at least once.

import type { UnitOfWork } from '../db/unit-of-work.js';
import { enqueue } from './outbox.repository.js';
import type { OutboxKind } from './outbox.repository.js';

export function queueJob(uow: UnitOfWork, job: { accountSid: string; kind: OutboxKind; payload: unknown; now: number }): void {
  enqueue(uow, job);
}
