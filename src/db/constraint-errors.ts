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

const UNAVAILABLE_CODES = new Set([
  // The network or the server went away (node, pg).
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND',
  // PostgreSQL: shutting down, starting up, connection failures, too many connections.
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300',
  // SQLite: the file is locked for too long, unreadable or full.
  'SQLITE_BUSY', 'SQLITE_CANTOPEN', 'SQLITE_FULL',
]);

/** The database cannot be reached or cannot answer now (an outage, not a bad request): a 503. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('SQLITE_IOERR'))) return true;
  // pg's own timeouts and lost connections carry no code.
  return typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error/i.test(message);
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
