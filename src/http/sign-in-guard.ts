// Password guessing: after PARLEY_AUTH_FAILURE_LIMIT failed sign-ins from one client address within
// a minute, that address gets 429 (20429, Retry-After) for a minute, whatever credentials it sends
// then (refusing only wrong ones would tell a guesser when a guess was right). Counted per node; the
// address is request.ip, which follows PARLEY_TRUST_PROXY. Off (0) by default with the simulator,
// whose users' test suites send bad credentials on purpose; 20 with a real carrier.

import { ApiError } from '../errors/api-error.js';

export const FAILURE_WINDOW_MS = 60_000;
export const LOCKOUT_MS = 60_000;
/** Addresses remembered at once; past that the oldest are forgotten, so memory stays bounded. */
const MAX_ADDRESSES = 100_000;

interface Record {
  /** Times of the failures within the window, oldest first. */
  failures: number[];
  blockedUntil: number;
}

export class SignInGuard {
  readonly #addresses = new Map<string, Record>();

  constructor(
    private readonly limit: number,
    /** Wall-clock time: a lockout is about real minutes, not the emulator's clock. */
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws 429 while the address is locked out. */
  check(address: string): void {
    if (this.limit <= 0) return;
    const record = this.#addresses.get(address);
    const now = this.now();
    if (record === undefined || record.blockedUntil <= now) return;
    const retryAfter = Math.max(1, Math.ceil((record.blockedUntil - now) / 1000));
    throw new ApiError(20429, {
      detail: `too many failed sign-ins from this address; retry in ${retryAfter} seconds`,
      headers: { 'Retry-After': String(retryAfter) },
    });
  }

  failed(address: string): void {
    if (this.limit <= 0) return;
    const now = this.now();
    const record = this.#addresses.get(address) ?? { failures: [], blockedUntil: 0 };
    record.failures = record.failures.filter((at) => at > now - FAILURE_WINDOW_MS);
    record.failures.push(now);
    if (record.failures.length >= this.limit) {
      record.blockedUntil = now + LOCKOUT_MS;
      record.failures = [];
    }
    // Re-inserted, so the Map's order is least recently failed first.
    this.#addresses.delete(address);
    this.#addresses.set(address, record);
    if (this.#addresses.size > MAX_ADDRESSES) this.#addresses.delete(this.#addresses.keys().next().value!);
  }

  succeeded(address: string): void {
    if (this.limit > 0) this.#addresses.delete(address);
  }
}
