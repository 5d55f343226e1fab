// Kysely rebuilds and recompiles a query's SQL on every call, which costs more than the
// point lookup itself. A prepared query is built and compiled once per dialect, then run
// with fresh parameter values.

import type { Compilable, CompiledQuery, Insertable, Kysely, RootOperationNode } from 'kysely';
import { createQueryId } from 'kysely';
import type { Database } from './schema.js';
import type { Db } from './unit-of-work.js';

type Param = (name: string) => any;

interface Template {
  sql: string;
  /** The query as compiled, shared by every run (Kysely only reads it). */
  query: RootOperationNode;
  /** For each positional parameter: the argument name it takes, or a constant. */
  slots: Array<{ name: string } | { value: unknown }>;
}

const MARKER = '\u0000parley-param:';

/**
 * `build` receives the query builder (for its dialect) and `param(name)`, a placeholder for the
 * value of `args[name]` at run time. Returns the query, compiled, for `db.read` or `db.write`.
 */
export function prepare<Row>(build: (db: Kysely<Database>, param: Param) => Compilable<Row>) {
  // Keyed by the dialect adapter, which a transaction shares with its database.
  const templates = new WeakMap<object, Template>();
  return (db: Db, args: Record<string, unknown>): CompiledQuery<Row> => {
    const adapter = db.sql.getExecutor().adapter;
    let template = templates.get(adapter);
    if (template === undefined) {
      const compiled = build(db.sql, (name) => MARKER + name).compile();
      template = {
        sql: compiled.sql,
        query: compiled.query,
        slots: compiled.parameters.map((value) =>
          typeof value === 'string' && value.startsWith(MARKER) ? { name: value.slice(MARKER.length) } : { value },
        ),
      };
      templates.set(adapter, template);
    }
    const values = template.slots.map((slot) => ('name' in slot ? args[slot.name] : slot.value));
    // Not CompiledQuery.raw: that builds and freezes a node of its own on every run.
    return { sql: template.sql, query: template.query, parameters: values, queryId: createQueryId() };
  };
}

/**
 * An INSERT of whole rows into `table`, compiled once per shape: the columns are the row's own
 * keys (rows of one kind are built alike, so there is one shape in practice), no list kept by hand.
 */
export function prepareInsert<T extends keyof Database & string>(table: T) {
  const shapes = new Map<string, ReturnType<typeof prepare>>();
  return (db: Db, row: Insertable<Database[T]>): CompiledQuery => {
    const columns = Object.keys(row);
    const shape = columns.join(',');
    let insert = shapes.get(shape);
    if (insert === undefined) {
      insert = prepare((sql, param) =>
        sql.insertInto(table).values(Object.fromEntries(columns.map((column) => [column, param(column)])) as Insertable<Database[T]>),
      );
      shapes.set(shape, insert);
    }
    return insert(db, row as Record<string, unknown>);
  };
}
