// better-sqlite3 as Kysely sees it: prepared statements cached by SQL text, rows read as arrays and
// made into objects here, and every statement's failure reported (storage-health.ts), whether it ran
// inside transactions.run or not.

import type SQLite from 'better-sqlite3';
import { isCompilable } from 'kysely';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { runQuery } from './unit-of-work.js';
import type { Query, Runner, Written } from './unit-of-work.js';

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
  const toRow = statement.reader ? rowsAsArrays(statement) : null;
  if (toRow === null) {
    return {
      reader: statement.reader,
      all: (parameters) => observe(() => statement.all(parameters)),
      run: (parameters) => observe(() => statement.run(parameters)),
      *iterate(parameters) {
        yield* observedRows(observe, statement.iterate(parameters));
      },
    };
  }
  return {
    reader: true,
    all: (parameters) => {
      const rows = observe(() => statement.all(parameters) as unknown[][]);
      const objects = new Array<unknown>(rows.length);
      for (let i = 0; i < rows.length; i++) objects[i] = toRow(rows[i]!);
      return objects;
    },
    run: (parameters) => observe(() => statement.run(parameters)),
    *iterate(parameters) {
      for (const values of observedRows(observe, statement.iterate(parameters))) yield toRow(values as unknown[]);
    },
  };
}

// Rows are read (and can fail) one at a time, after iterate() has returned.
function* observedRows(observe: Observe, rows: IterableIterator<unknown>): Generator<unknown> {
  try {
    for (let next = observe(() => rows.next()); next.done !== true; next = observe(() => rows.next())) yield next.value;
  } finally {
    // A reader that stops early must still free the statement.
    rows.return?.();
  }
}

/**
 * better-sqlite3 builds each row object in C++, looking every column name up in V8's string table
 * for every row: for a page of sessions that took half the time of the query call. As arrays the
 * rows come twice as fast, and a function compiled once per statement (an object literal, so every
 * row has the same shape) makes them the objects Kysely expects, alike to the ones better-sqlite3
 * builds: same keys, same order, a later column of the same name winning. Null for a statement
 * whose rows stay as better-sqlite3 builds them (a column named __proto__, which a literal would
 * take for the prototype). SQLite re-prepares a statement after a schema change: a row of another
 * length (a migration added or dropped a column under a cached `select *`) asks it for its columns
 * again. The app migrates before it serves, so no column is renamed under a running statement.
 */
function rowsAsArrays(statement: SQLite.Statement): ((values: unknown[]) => unknown) | null {
  let names = statement.columns().map((column) => column.name);
  if (names.includes('__proto__')) return null;
  statement.raw(true);
  let build = compileRow(names);
  return (values) => {
    if (values.length !== names.length) {
      names = statement.columns().map((column) => column.name);
      build = compileRow(names);
    }
    return build(values);
  };
}

function compileRow(names: string[]): (values: unknown[]) => unknown {
  const fields = names.map((name, i) => `${JSON.stringify(name)}: values[${i}]`);
  return new Function('values', `return { ${fields.join(', ')} };`) as (values: unknown[]) => unknown;
}

/**
 * Kysely runs each statement through its connection provider (a mutex, a chain of promises, its
 * plugins' result hooks): more than better-sqlite3 takes for a point lookup. better-sqlite3 runs
 * statements synchronously, so a query, compiled, can run on the connection at once with the same
 * answer. `inTransaction` runs the statements of the transaction the group committer holds the
 * connection for (db/group-commit.ts), in the order issued, as Kysely would. `outside` runs an
 * autocommit statement at once while no transaction is open and none queued before it is
 * waiting; otherwise it waits its turn through Kysely, as before (run at once, it would join the
 * open transaction, or overtake a statement issued before it).
 */
export function directRunner(statements: SqliteDatabase, inTransaction: () => boolean): { inTransaction: Runner; outside: Runner } {
  const run = async <R>(query: Query<R>): Promise<Written<R>> => {
    const compiled = isCompilable(query) ? query.compile() : query;
    const statement = statements.prepare(compiled.sql);
    if (statement.reader) {
      const rows = statement.all(compiled.parameters) as R[];
      // As runQuery counts a statement that returns rows (RETURNING): by its rows.
      return { rows, count: rows.length };
    }
    return { rows: [], count: Number(statement.run(compiled.parameters).changes) };
  };
  let waiting = 0;
  return {
    inTransaction: (_sql, query) => run(query),
    outside: async (sql, query) => {
      if (waiting === 0 && !inTransaction()) return run(query);
      waiting++;
      try {
        return await runQuery(sql, query);
      } finally {
        waiting--;
      }
    },
  };
}
