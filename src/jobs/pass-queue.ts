// The passes of a background job run one after another: a pass asked for while one is under way
// starts when that one ends, so it reads the clock after whoever asked for it moved it (the
// simulator's clock route awaits a pass right after advancing time).

export class PassQueue {
  /** The last pass asked for. */
  #tail: Promise<void> = Promise.resolve();
  #queued = 0;

  /** True while a pass is queued or running: a timer tick then adds nothing. */
  get busy(): boolean {
    return this.#queued > 0;
  }

  enqueue(pass: () => Promise<void>): Promise<void> {
    this.#queued++;
    const queued = this.#tail.then(pass).finally(() => {
      this.#queued--;
    });
    this.#tail = queued;
    return queued;
  }

  /** Resolves once every pass asked for so far has ended. */
  settled(): Promise<void> {
    return this.#tail;
  }
}
