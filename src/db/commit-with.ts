// A unit of work's last statements can leave together with its COMMIT: on PostgreSQL that saves the
// commit's own round trip (db/pg-connections.ts). Instead of awaiting them, the unit returns
// `commitWith(statements, result)`; the transaction runner sends COMMIT right behind them, and the
// unit's caller gets `result` once both have succeeded, or the statements' first failure (PostgreSQL
// then answers the COMMIT of the failed transaction with a rollback, so nothing is written).
// Only the database can refuse them: by the time their results reach us the COMMIT is on its way,
// so a unit that must look at a result to decide whether to roll back (the router's "session still
// active?") awaits its statements instead. Saves a round trip per write request: little on a
// loopback socket, more against a database on another machine.

export class CommitWith<T> {
  constructor(
    /** The statements, already issued; rejects with their first failure (db/together.ts). */
    readonly statements: Promise<unknown>,
    readonly result: T,
  ) {}
}

export function commitWith<T>(statements: Promise<unknown>, result: T): CommitWith<T> {
  // Awaited by the transaction runner; this only keeps an early failure from counting as unhandled.
  statements.catch(() => {});
  return new CommitWith(statements, result);
}

/** What a unit of work gives back: its result, or its result behind its last statements. */
export type Outcome<T> = T | CommitWith<T>;

/** For runners that commit on their own (SQLite): the statements' outcome, then the result. */
export async function settle<T>(outcome: Outcome<T>): Promise<T> {
  if (!(outcome instanceof CommitWith)) return outcome;
  await outcome.statements;
  return outcome.result;
}
