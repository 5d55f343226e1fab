// Both engines report a unique-index violation differently; repositories ask this one question.

export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  // PostgreSQL: SQLSTATE 23505. better-sqlite3: SQLITE_CONSTRAINT_UNIQUE (and _PRIMARYKEY for a SID clash).
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** A row is still referenced (e.g. a pool number held by an active assignment). */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * PostgreSQL aborted the transaction because of another one (deadlock, serialization failure);
 * running it again is the documented remedy.
 */
export function isTransientConflict(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === '40P01' || code === '40001';
}

/** Runs a write and replaces a unique-index violation with the domain's own error. */
export async function translateUniqueViolation<T>(write: () => Promise<T>, toError: () => Error): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw toError();
    throw err;
  }
}
