// The time the server's lifecycle runs on: the shutdown's waits (the drain, the timeout) and the age
// of a readiness answer. Real time in production; tests pass their own (test/helpers/manual-timer.ts)
// and move it themselves, so that what they check never depends on how fast a busy machine runs.

export interface Timer {
  /** Milliseconds, from any fixed origin. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  wait(ms: number): Promise<void>;
}

export const realTimer: Timer = {
  now: () => performance.now(),
  // Unreferenced: a wait the shutdown no longer needs (its work finished first) must not keep the
  // process alive.
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
};
