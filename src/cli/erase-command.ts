// `parley erase-number +1… --account AC…`: a data-subject erasure request. It prints what it
// erased as counts only: the number itself never reaches the terminal or its scrollback.

import { eraseNumber } from '../privacy/number-erasure.js';
import { systemClock } from '../common/clock.js';
import { counts, out, text, UsageError } from './cli-kit.js';
import type { AdminContext, Options } from './cli-kit.js';

export async function eraseCommand(context: AdminContext, args: string[], options: Options): Promise<void> {
  const number = args[0];
  const account = text(options, 'account');
  if (number === undefined || account === undefined || args.length > 1) throw new UsageError('parley erase-number +1… --account AC…');
  const erased = await eraseNumber(context.database.transactions, systemClock, account, number);
  out(
    counts(`erased the number from ${account}:`, [
      ['participants anonymised', erased.participants],
      ['assignments anonymised', erased.assignments],
      ['interaction bodies cleared', erased.interactions],
      ['simulator messages deleted', erased.simulatorMessages],
      ['simulator calls deleted', erased.simulatorCalls],
      ['simulator faults deleted', erased.simulatorFaults],
      ['outbox jobs deleted', erased.outboxJobs],
      ['idempotency keys deleted', erased.idempotencyKeys],
      ['carrier webhook answers deleted', erased.carrierWebhooks],
    ]),
  );
}
