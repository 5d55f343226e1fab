// Moving an account's emulator clock, as the API (POST /simulator/v1/Clock) and the console both
// do it: the move itself (accounts/account-clocks.ts: forward only, per account), then, before the
// caller answers, what the move made due: sessions that expired on the way close and free their
// numbers, callbacks whose retry came due are delivered, and what outlived PARLEY_RETENTION_DAYS goes.

import type { AccountClocks, ClockReading } from '../../accounts/account-clocks.js';
import type { PeriodicJob } from '../../jobs/periodic-job.js';
import type { OutboxWorker } from '../../outbox/outbox.worker.js';

export class EmulatorClock {
  constructor(
    private readonly clocks: AccountClocks,
    private readonly sweeper: PeriodicJob,
    private readonly outbox: OutboxWorker,
    private readonly retention: PeriodicJob,
  ) {}

  reading(accountSid: string): Promise<ClockReading> {
    return this.clocks.reading(accountSid);
  }

  async advance(accountSid: string, seconds: number): Promise<ClockReading> {
    return this.#caughtUp(await this.clocks.advance(accountSid, seconds));
  }

  /** To `at` (ms); a time in the account's past is refused (parameter `Set`). */
  async jumpTo(accountSid: string, at: number): Promise<ClockReading> {
    return this.#caughtUp(await this.clocks.jumpTo(accountSid, at));
  }

  async #caughtUp(reading: ClockReading): Promise<ClockReading> {
    await this.sweeper.run();
    await this.outbox.drain();
    await this.retention.run();
    return reading;
  }
}
