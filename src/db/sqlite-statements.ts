// better-sqlite3 as Kysely sees it: prepared statements cached by SQL text, and every statement's
// failure reported (storage-health.ts), whether it ran inside transactions.run or not.

import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const STATEMENT_CACHE_SIZE = 500;

type Observe = <T>(call: () => T) => T;

/**
 * Kysely prepares every query afresh; preparing costs more than running a point lookup.
 * Statements are reused by SQL text (better-sqlite3 runs them synchronously, so one statement
 * is never in use twice at once; SQLite re-prepares them itself after a schema change).
 */
export function withStatementCache(sqlite: SQLite.Database, onFailure: (err: unknown) => void): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  const observe: Observe = (call) => {
    try {
      return call();
    } catch (err) {
      onFailure(err);
      throw err;
    }
  };
  return {
    close: () => sqlite.close(),
    prepare: (text: string) => {
      let statement = statements.get(text);
      if (statement === undefined) {
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
        statement = observed(
          observe(() => sqlite.prepare(text)),
          observe,
        );
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

function observed(statement: SQLite.Statement, observe: Observe): SqliteStatement {
  return {
    reader: statement.reader,
    all: (parameters) => observe(() => statement.all(parameters)),
    run: (parameters) => observe(() => statement.run(parameters)),
    // Rows are read (and can fail) one at a time, after iterate() has returned.
    *iterate(parameters) {
      const rows = observe(() => statement.iterate(parameters));
      try {
        for (let next = observe(() => rows.next()); next.done !== true; next = observe(() => rows.next())) yield next.value;
      } finally {
        // A reader that stops early must still free the statement.
        rows.return?.();
      }
    },
  };
}
