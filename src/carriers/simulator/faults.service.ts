// Faults on demand (simulator only): the next N outbound legs to a number fail as a real carrier's
// would. A message is recorded undelivered or failed with its carrier error code, in the routing
// unit of work (simulator.carrier.ts), so the interaction and its callback say so from the start;
// a call is routed and bridged, then ends busy, no-answer or failed (handsets.service.ts) as if the
// callee's phone answered so. Kept in the database: every node sees them, and each is used once.
// Scoped to the account that made them: another account's traffic to the same number is untouched.

import type { AccountClock } from '../../common/clock.js';
import { newSid } from '../../common/sids.js';
import type { SimulatorFaultRow } from '../../db/schema.js';
import type { Db } from '../../db/unit-of-work.js';
import { invalidParameter } from '../../errors/api-error.js';
import { CALL_FAULTS, DEFAULT_MESSAGE_ERROR, MAX_FAULT_COUNT, MESSAGE_FAULTS } from './faults.model.js';
import type { FaultChannel } from './faults.model.js';
import { deleteFaults, insertFault, listFaults, takeFault } from './faults.repository.js';

export interface NewFault {
  number: string;
  channel: FaultChannel;
  outcome: string;
  errorCode: number | undefined;
  count: number | undefined;
}

export class Faults {
  constructor(
    private readonly db: Db,
    private readonly clock: AccountClock,
  ) {}

  async create(accountSid: string, fault: NewFault): Promise<SimulatorFaultRow> {
    const message = fault.channel === 'message';
    const outcomes: readonly string[] = message ? MESSAGE_FAULTS : CALL_FAULTS;
    if (!outcomes.includes(fault.outcome)) {
      throw invalidParameter('Outcome', `a ${fault.channel} fault's Outcome must be one of: ${outcomes.join(', ')}`);
    }
    if (!message && fault.errorCode !== undefined) throw invalidParameter('ErrorCode', 'ErrorCode is for message faults only');
    if (fault.count === 0) throw invalidParameter('Count', `Count must be from 1 to ${MAX_FAULT_COUNT}`);
    const now = this.clock.now(accountSid);
    const row: SimulatorFaultRow = {
      sid: newSid('FA'),
      account_sid: accountSid,
      phone_number: fault.number,
      channel: fault.channel,
      outcome: fault.outcome,
      error_code: message ? (fault.errorCode ?? DEFAULT_MESSAGE_ERROR) : null,
      remaining: fault.count ?? 1,
      date_created: now,
      date_updated: now,
    };
    // Used-up faults go when the account makes a new one: the table holds what is pending.
    await deleteFaults(this.db, accountSid, 'used');
    await insertFault(this.db, row);
    return row;
  }

  list(accountSid: string): Promise<SimulatorFaultRow[]> {
    return listFaults(this.db, accountSid);
  }

  clear(accountSid: string): Promise<number> {
    return deleteFaults(this.db, accountSid, 'all');
  }

  /** Uses a call fault for this callee, if one is pending: how the call ends. */
  async takeCallFault(accountSid: string, callee: string): Promise<string | undefined> {
    return (await takeFault(this.db, accountSid, callee, 'voice', this.clock.now(accountSid)))?.outcome;
  }
}
