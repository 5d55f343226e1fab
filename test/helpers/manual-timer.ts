// A lifecycle timer (src/lifecycle/timer.ts) that moves only when the test moves it: the drain and
// the shutdown timeout end when the test says so, and a readiness answer ages as the test says, so
// a busy machine cannot end a drain before the test has looked at it.

import type { Timer } from '../../src/lifecycle/timer.js';
import { eventually } from './eventually.js';

interface Wait {
  ms: number;
  resolve: () => void;
}

export class ManualTimer implements Timer {
  #now = 0;
  readonly #waits: Wait[] = [];

  now(): number {
    return this.#now;
  }

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.#waits.push({ ms, resolve }));
  }

  /** Moves time forward (readiness answers age; waits are ended only by `end`). */
  advance(ms: number): void {
    this.#now += ms;
  }

  /** How many waits are pending, by their length. */
  pending(ms: number): number {
    return this.#waits.filter((w) => w.ms === ms).length;
  }

  /** Waits until the app waits `ms` (the drain, the timeout), then ends that wait. */
  async end(ms: number): Promise<void> {
    await eventually(() => {
      if (this.pending(ms) === 0) throw new Error(`nothing waits ${ms} ms`);
    });
    const index = this.#waits.findIndex((w) => w.ms === ms);
    const [wait] = this.#waits.splice(index, 1);
    wait!.resolve();
  }
}
