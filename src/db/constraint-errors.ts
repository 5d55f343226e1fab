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
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  // PostgreSQL: shutting down, starting up, connection failures, too many connections.
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  // PostgreSQL's storage: out of resources, disk full, out of memory, an I/O or system error, and a
  // read-only transaction (a standby after a failover, or default_transaction_read_only).
  '53000',
  '53100',
  '53200',
  '58000',
  '58030',
  '25006',
]);

// SQLite's storage faults, with every extended code (SQLITE_IOERR_WRITE, SQLITE_READONLY_DIRECTORY,
// SQLITE_BUSY_SNAPSHOT...): the disk is full, the file or its directory cannot be written, I/O
// failed, another connection holds the lock too long, the file cannot be opened, the WAL locking
// protocol failed, or memory ran out. None is the request's fault.
const SQLITE_STORAGE_FAULT = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|PROTOCOL|NOMEM)(_|$)/;

/**
 * A storage fault or an outage: the database cannot be reached, or cannot take the request now
 * (its disk is full, its storage is read-only or failing). Not a bad request: a 503, and while
 * writes fail this way /healthz says so (db/storage-health.ts).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || SQLITE_STORAGE_FAULT.test(code))) return true;
  // pg's own timeouts and lost connections carry no code.
  return (
    typeof message === 'string' &&
    /timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error/i.test(
      message,
    )
  );
}

/**
 * PostgreSQL aborted the transaction because of another one (deadlock, serialization failure);
 * running it again is the documented remedy.
 */
export function isTransientConflict(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === '40P01' || code === '40001';
}

/** A write's refusal (db/unit-of-work.ts) that answers a unique-index violation with the domain's own error. */
export function uniqueViolationAs(toError: () => Error): (err: unknown) => Error | undefined {
  return (err) => (isUniqueViolation(err) ? toError() : undefined);
}
