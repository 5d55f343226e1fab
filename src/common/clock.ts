// Time comes from one injectable source, so TTL and expiry can be tested without sleeping.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Time as an account sees it. Under the simulator every account has an emulator clock of its own
 * (accounts/account-clocks.ts: real time plus a forward-only offset, kept in the database); under a
 * real carrier every account's time is real time. Anything compared or stamped for an account
 * asks with its SID.
 */
export interface AccountClock {
  now(accountSid: string): number;
}

/**
 * The time a job working across accounts compares one group of rows with: `accountSid` null is
 * every account at real time (no account's clock is behind real time: offsets only grow), then
 * one scope per account whose clock runs ahead, at that account's time.
 */
export interface ClockScope {
  accountSid: string | null;
  now: number;
}

/** The scopes a pass over every account's rows runs in, at the time the pass starts. */
export interface ClockScopes {
  scopes(): Promise<ClockScope[]>;
}
