// The one way a test waits for something that happens in the background (an outbox delivery, a
// sweep, a server coming back): retry a check until it passes, with a deadline generous enough
// that a busy machine only makes the test slower, never makes it fail. A test never asserts how
// fast something happened; where it must show that something did NOT happen, it sleeps a while
// and looks (a check that a slow machine can only make pass wrongly, never fail wrongly).

/** How long `eventually` keeps trying by default: far longer than anything takes on an idle machine. */
export const GENEROUS_MS = 30_000;

export interface EventuallyOptions {
  /** Give up (rethrowing the check's last failure) after this long; GENEROUS_MS by default. */
  timeoutMs?: number;
  /** Between attempts; 20 ms by default. */
  intervalMs?: number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `check` until it returns without throwing (an assertion, usually), and returns what it
 * returned; after the deadline, rethrows its last failure, so the message says what never happened.
 */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions | number = {}): Promise<T> {
  const { timeoutMs = GENEROUS_MS, intervalMs = 20 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(intervalMs);
    }
  }
}
