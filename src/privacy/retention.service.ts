// PARLEY_RETENTION_DAYS: how long Parley keeps what people said. A pass clears the bodies of older
// message interactions, empties the simulator's older handset log, and removes delivered or
// given-up outbox jobs (their payloads carry bodies and numbers). The interactions themselves stay,
// so histories and counts do. Whatever the retention, carrier webhook answers go after a day (they
// only serve retries) and Idempotency-Key replays when their lifetime ends. Work goes in bounded
// batches, each its own statement: no pass holds a long transaction.

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

/** `retentionDays` 0 keeps bodies, the simulator's log and finished jobs for ever. */
export async function purgeOldData(db: Db, now: number, retentionDays: number, stopping: () => boolean): Promise<Purged> {
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
    idempotencyKeys: await inBatches((limit) => purgeExpiredKeys(db, now, limit)),
    messageBodies: keep ? 0 : await inBatches((limit) => clearMessageBodies(db, before, limit)),
    simulatorMessages: keep ? 0 : await inBatches((limit) => purgeSimulatorMessages(db, before, limit)),
    outboxJobs: keep ? 0 : await inBatches((limit) => purgeFinishedJobs(db, before, limit)),
  };
}
