// Every account's emulator clock (PARLEY_CARRIER=simulator): real time plus an offset of the
// account's own, which only grows (POST /simulator/v1/Clock: Advance or Set). Two test suites on
// one server, one account each, never move each other's time. The offset lives in the accounts
// table, so it survives a restart and goes with the account.
//
// Reads of the time are synchronous (every service stamps and compares with it), so the offsets of
// the accounts whose clock is ahead are held in memory: the node that moves a clock knows at once;
// any other node re-reads them (one small indexed query, for all accounts) when its copy is older
// than REFRESH_MS, before a request (app.ts) and before each pass of the jobs that work across
// accounts. So another node's move is seen within REFRESH_MS; GET /simulator/v1/Clock reads the
// database itself. A copy that is late can only make time look earlier, never later: nothing
// expires, is retried or is purged early.
//
// Under a real carrier every account's time is real time, and nothing is read.

import type { AccountClock, Clock, ClockScope, ClockScopes } from '../common/clock.js';
import type { Transactions } from '../db/database.js';
import type { Db } from '../db/unit-of-work.js';
import { invalidParameter, notFound } from '../errors/api-error.js';
import { clockOffsetOf, clocksAhead, moveClockOffset } from './accounts.repository.js';

/** How stale this node's copy of other nodes' clock moves may be, in real milliseconds. */
export const REFRESH_MS = 1000;
/** Ten years: the furthest one move goes; enough to pass any TTL, far from Date's limits. */
export const MAX_MOVE_SECONDS = 10 * 366 * 24 * 3600;

/** An account's clock as GET /simulator/v1/Clock shows it. */
export interface ClockReading {
  now: number;
  offsetMs: number;
}

export class AccountClocks implements AccountClock, ClockScopes {
  /** The accounts whose clock is ahead, and by how much. */
  readonly #ahead = new Map<string, number>();
  /** When (real time, performance.now()) the read behind #ahead started. */
  #readAt = Number.NEGATIVE_INFINITY;
  #reading: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    /** Real time (tests stop it: test/helpers/app.ts frozenClock). */
    readonly base: Clock,
    /** False under a real carrier: every account's time is real time. */
    private readonly movable: boolean,
  ) {}

  now(accountSid: string): number {
    return this.base.now() + (this.#ahead.get(accountSid) ?? 0);
  }

  /** Re-reads the offsets if this node's copy is older than REFRESH_MS; undefined when it is not. */
  fresh(): Promise<void> | undefined {
    if (!this.movable || performance.now() - this.#readAt < REFRESH_MS) return undefined;
    this.#reading ??= this.#read().finally(() => {
      this.#reading = null;
    });
    return this.#reading;
  }

  /** The scopes a job that works across accounts runs its pass in (common/clock.ts). */
  async scopes(): Promise<ClockScope[]> {
    await this.fresh();
    const now = this.base.now();
    return [{ accountSid: null, now }, ...[...this.#ahead].map(([accountSid, offset]) => ({ accountSid, now: now + offset }))];
  }

  /** The account's clock, read from the database (another node may have moved it). */
  async reading(accountSid: string): Promise<ClockReading> {
    const stored = this.movable ? await clockOffsetOf(this.db, accountSid) : 0;
    if (stored === undefined) throw notFound('/simulator/v1/Clock');
    this.#note(accountSid, stored);
    const offsetMs = this.#ahead.get(accountSid) ?? 0;
    return { now: this.base.now() + offsetMs, offsetMs };
  }

  /** Moves the account's clock `seconds` forward. */
  advance(accountSid: string, seconds: number): Promise<ClockReading> {
    return this.#move(accountSid, (offset) => offset + seconds * 1000);
  }

  /** Moves the account's clock forward to `at` (ms); one in the account's past is refused (parameter `Set`). */
  jumpTo(accountSid: string, at: number): Promise<ClockReading> {
    return this.#move(accountSid, (offset, base) => {
      const target = at - base;
      if (target < offset) {
        throw invalidParameter(
          'Set',
          `the clock never moves backwards: Set is before the account's current time, ${new Date(base + offset).toISOString()}`,
        );
      }
      if (target - offset > MAX_MOVE_SECONDS * 1000) {
        throw invalidParameter('Set', `Set may be at most ${MAX_MOVE_SECONDS} seconds after the account's current time`);
      }
      return target;
    });
  }

  /** The account is gone (its offset went with its row). */
  forget(accountSid: string): void {
    this.#ahead.delete(accountSid);
  }

  async #move(accountSid: string, next: (offsetMs: number, base: number) => number): Promise<ClockReading> {
    if (!this.movable) throw new Error('the clock moves only under the simulator carrier');
    const offsetMs = await this.transactions.run(async (uow) => {
      // Moves of one account's clock run one after another, on every node.
      uow.lock(`clock:${accountSid}`);
      const stored = await clockOffsetOf(uow, accountSid);
      if (stored === undefined) throw notFound('/simulator/v1/Clock');
      const target = next(stored, this.base.now());
      await moveClockOffset(uow, accountSid, target);
      return target;
    });
    this.#note(accountSid, offsetMs);
    return { now: this.base.now() + offsetMs, offsetMs };
  }

  async #read(): Promise<void> {
    const started = performance.now();
    for (const row of await clocksAhead(this.db)) this.#note(row.sid, row.clock_offset_ms);
    this.#readAt = started;
  }

  /** Offsets only grow: a read that started before a move this node made cannot take it back. */
  #note(accountSid: string, offsetMs: number): void {
    if (offsetMs > (this.#ahead.get(accountSid) ?? 0)) this.#ahead.set(accountSid, offsetMs);
  }
}
