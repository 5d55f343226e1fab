// How a background job behaves while its storage is failing (full disk, read-only database, the
// database down): it skips its timer ticks for a pause that doubles after each failure (1 s, 2 s,
// 4 s … capped at a minute), logs the first failure with its error, then at most one "still
// failing" line per pause, and one "recovered" line when a pass succeeds again. Without it a job
// ticking every 50 ms writes twenty warnings a second for as long as the fault lasts.
//
// Explicit passes (the simulator clock, tests) are not held back: only `ready()`, which timer ticks
// ask, says no during a pause. The time is wall-clock, not the emulator's clock: this is about
// log volume and load, which the simulator's time does not change.

import type { Logger } from '../common/logger.js';

export interface BackoffOptions {
  /** Names the job in its log lines ("expiry sweep", "outbox"). */
  job: string;
  log: Logger;
  now?: () => number;
  baseMs?: number;
  maxMs?: number;
}

export class Backoff {
  readonly #job: string;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #baseMs: number;
  readonly #maxMs: number;
  /** Pauses begun since the last success; 0 while healthy. */
  #pauses = 0;
  #failures = 0;
  #failingSince = 0;
  #pausedUntil = 0;

  constructor(options: BackoffOptions) {
    this.#job = options.job;
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
    this.#baseMs = options.baseMs ?? 1000;
    this.#maxMs = options.maxMs ?? 60_000;
  }

  /** Whether a timer tick should run a pass now. */
  ready(): boolean {
    return this.#pauses === 0 || this.#now() >= this.#pausedUntil;
  }

  succeeded(): void {
    if (this.#pauses === 0) return;
    this.#log.info({ job: this.#job, failures: this.#failures, failingForMs: this.#now() - this.#failingSince }, `${this.#job} recovered`);
    this.#pauses = 0;
    this.#failures = 0;
  }

  failed(err: unknown): void {
    const now = this.#now();
    this.#failures++;
    // A failure inside a pause (an explicit pass, or another part of the same pass) has had its
    // line already: the one that began the pause.
    if (this.#pauses > 0 && now < this.#pausedUntil) return;
    const pauseMs = Math.min(this.#baseMs * 2 ** this.#pauses, this.#maxMs);
    this.#pausedUntil = now + pauseMs;
    if (this.#pauses++ === 0) {
      this.#failingSince = now;
      this.#log.warn({ err, job: this.#job, pauseMs }, `${this.#job} failed`);
    } else {
      const error = err instanceof Error ? err.message : String(err);
      this.#log.warn(
        { job: this.#job, failures: this.#failures, failingForMs: now - this.#failingSince, pauseMs, error },
        `${this.#job} still failing`,
      );
    }
  }
}
