// The callback log (GET /parley/v1/Callbacks): every call Parley made or will make to an account's
// URLs, newest first. It is the outbox read for one account: the service-callback jobs (pending,
// retried, delivered or given up) and the records of the router's intercept and out-of-session
// calls (call-record.ts). So it follows PARLEY_RETENTION_DAYS with the outbox: settled rows go
// when they are older. A status callback can be delivered again (queued due now); the synchronous
// calls cannot: their answer decided what happened to a message or call at the time.

import type { AccountClock } from '../common/clock.js';
import type { PageRequest } from '../common/paging.js';
import { isSid } from '../common/sids.js';
import type { OutboxRow } from '../db/schema.js';
import type { Db } from '../db/unit-of-work.js';
import { ApiError } from '../errors/api-error.js';
import { outboxEntry, outboxLog, requeueJob } from '../outbox/outbox.service.js';
import type { LogFilter } from '../outbox/outbox.service.js';
import { CALLBACK_KINDS, OUTBOX_KIND } from './callback-log.model.js';
import type { CallbackKind, CallbackStatus } from './callback-log.model.js';

const ALL_KINDS = CALLBACK_KINDS.map((kind) => OUTBOX_KIND[kind]);

const BY_STATUS: Record<CallbackStatus, Omit<LogFilter, 'kinds'>> = {
  pending: { statuses: ['pending'], retried: false },
  retrying: { statuses: ['pending'], retried: true },
  delivered: { statuses: ['done'] },
  failed: { statuses: ['failed'] },
};

export class CallbackLog {
  constructor(
    private readonly db: Db,
    private readonly clock: AccountClock,
    /** Wakes the outbox worker after a redelivery was queued. */
    private readonly kickOutbox: () => void,
  ) {}

  list(accountSid: string, filter: { kind?: CallbackKind; status?: CallbackStatus }, page: PageRequest): Promise<OutboxRow[]> {
    const kinds = filter.kind === undefined ? ALL_KINDS : [OUTBOX_KIND[filter.kind]];
    return outboxLog(this.db, accountSid, { kinds, ...(filter.status === undefined ? {} : BY_STATUS[filter.status]) }, page);
  }

  async fetch(accountSid: string, sid: string): Promise<OutboxRow | undefined> {
    return isSid('OB', sid) ? outboxEntry(this.db, accountSid, ALL_KINDS, sid) : undefined;
  }

  /** Queues a status callback again, due now; undefined when the account has no such record. */
  async redeliver(accountSid: string, sid: string): Promise<OutboxRow | undefined> {
    const entry = await this.fetch(accountSid, sid);
    if (entry === undefined) return undefined;
    if (entry.kind !== OUTBOX_KIND.status_callback) {
      throw new ApiError(70002, {
        status: 400,
        detail: `an ${entry.kind} callback cannot be redelivered: it was made once, while the message or call was routed, and its answer decided what happened to it`,
      });
    }
    if (!(await requeueJob(this.db, sid, this.clock.now(accountSid)))) {
      throw new ApiError(70002, { status: 409, detail: 'a delivery of this callback is under way; try again when it has settled' });
    }
    this.kickOutbox();
    return this.fetch(accountSid, sid);
  }
}
