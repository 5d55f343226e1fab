import type { ConsoleSessionRow } from '../db/schema.js';
import { first } from '../db/unit-of-work.js';
import type { Db } from '../db/unit-of-work.js';

export async function insertConsoleSession(db: Db, row: ConsoleSessionRow): Promise<void> {
  await db.write(db.sql.insertInto('console_sessions').values(row));
}

export async function findConsoleSession(db: Db, tokenHash: string, now: number): Promise<ConsoleSessionRow | undefined> {
  const query = db.sql.selectFrom('console_sessions').selectAll().where('token_hash', '=', tokenHash).where('expires_at', '>', now);
  return first(await db.read(query));
}

export async function deleteConsoleSession(db: Db, tokenHash: string): Promise<void> {
  await db.write(db.sql.deleteFrom('console_sessions').where('token_hash', '=', tokenHash));
}

/** Expired sessions, a bounded batch at a time (each sign-in sweeps one). */
export async function deleteExpiredConsoleSessions(db: Db, now: number, limit: number): Promise<void> {
  const expired = db.sql.selectFrom('console_sessions').select('token_hash').where('expires_at', '<=', now).limit(limit);
  await db.write(db.sql.deleteFrom('console_sessions').where('token_hash', 'in', expired));
}
