// PARLEY_RETENTION_DAYS: how long Parley keeps what people said. A pass clears the bodies of older
// message interactions, empties the simulator's older handset log, and removes delivered or
// given-up outbox jobs (their payloads carry bodies and numbers). The interactions themselves stay,
// so histories and counts do. Whatever the retention, carrier webhook answers go after a day (they
// only serve retries) and Idempotency-Key replays when their lifetime ends. Work goes in bounded
// batches, each its own statement: no pass holds a long transaction.

import type { ClockScope } from '../common/clock.js';
import type { Db } from '../db/unit-of-work.js';
import {
  clearMessageBodies,
  purgeCarrierWebhooks,
  purgeExpiredKeys,
  purgeFinishedJobs,
  purgeSimulatorMessages,
} from './retention.repository.js';

const DAY_MS = 86_400_000;
/** Carriers retry an unanswered webhook within hours; a day on, its stored answer serves nobody. */
export const CARRIER_WEBHOOK_KEEP_MS = DAY_MS;
const BATCH = 1000;

export type Purged = Record<'carrierWebhooks' | 'idempotencyKeys' | 'messageBodies' | 'simulatorMessages' | 'outboxJobs', number>;

/**
 * What aged out of `scope` by its time (every account's rows, or one account's: common/clock.ts).
 * `retentionDays` 0 keeps bodies, the simulator's log and finished jobs for ever. Carrier webhook
 * answers belong to no account and go in every scope (they come from a real carrier, under which
 * every clock is real time; the emulator has none but those tests write).
 */
export async function purgeOldData(db: Db, scope: ClockScope, retentionDays: number, stopping: () => boolean): Promise<Purged> {
  const { accountSid: account, now } = scope;
  const inBatches = async (batch: (limit: number) => Promise<number>): Promise<number> => {
    let total = 0;
    let count: number;
    do {
      count = await batch(BATCH);
      total += count;
    } while (count === BATCH && !stopping());
    return total;
  };
  const before = now - retentionDays * DAY_MS;
  const keep = retentionDays === 0;
  return {
    carrierWebhooks: await inBatches((limit) => purgeCarrierWebhooks(db, now - CARRIER_WEBHOOK_KEEP_MS, limit)),
    idempotencyKeys: await inBatches((limit) => purgeExpiredKeys(db, account, now, limit)),
    messageBodies: keep ? 0 : await inBatches((limit) => clearMessageBodies(db, account, before, limit)),
    simulatorMessages: keep ? 0 : await inBatches((limit) => purgeSimulatorMessages(db, account, before, limit)),
    outboxJobs: keep ? 0 : await inBatches((limit) => purgeFinishedJobs(db, account, before, limit)),
  };
}
