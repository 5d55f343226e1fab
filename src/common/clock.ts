// One source of time for the whole server, so TTL and expiry can be tested without sleeping.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The emulator's clock: real time plus an offset that only moves forward
 * (POST /simulator/v1/Clock). Moving backwards would let closed sessions look unexpired.
 */
export class AdjustableClock implements Clock {
  #offsetMs = 0;

  constructor(private readonly base: Clock = systemClock) {}

  now(): number {
    return this.base.now() + this.#offsetMs;
  }

  get offsetSeconds(): number {
    return this.#offsetMs / 1000;
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('the clock only moves forward');
    this.#offsetMs += seconds * 1000;
  }
}
