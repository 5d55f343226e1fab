// Statements a unit of work issues together, so they share one round trip on PostgreSQL
// (db/pg-connections.ts). Unlike Promise.all, this waits for every one of them to finish before
// reporting a failure: the caller's rollback must never overtake a statement still on its way,
// which would then run outside the transaction. The failure reported is the first in the order
// given (the order they were issued in), not whichever answer happened to arrive first.

export async function together<T extends readonly unknown[]>(statements: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(statements);
  for (const outcome of settled) {
    if (outcome.status === 'rejected') throw outcome.reason;
  }
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
