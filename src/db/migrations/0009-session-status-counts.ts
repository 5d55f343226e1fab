// Frozen in time: never edit a migration that has shipped; add a new one instead.
//
// Sessions by service and status for GET /metrics, without a count(*) over sessions on a scrape.
// Database triggers keep them, so every path that writes sessions (the API, expiry, the importer,
// erasure, an account's deletion cascading) is counted without the domain knowing.
//   SQLite: the triggers update session_status_counts directly. SQLite runs one writer at a time,
//     so a hot counter row costs one page in the writer's transaction and no contention.
//   PostgreSQL: a counter row updated by every session create would serialise those commits (and
//     two rows updated in opposite orders by two transactions deadlock). The trigger only appends
//     a +1/-1 row to session_status_deltas (no index, no lock); a periodic compaction
//     (metrics/session-counts.repository.ts) folds them into the totals, and a scrape adds the few
//     deltas not folded yet.
import type { Kysely } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';

const onPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<any>): Promise<void> {
  // PostgreSQL runs each migration in a transaction; Kysely runs SQLite's outside one. The
  // counters must appear with their triggers and the backfill, or not at all.
  if (onPostgres(db)) await create(db, postgresTriggers);
  else await db.transaction().execute((trx) => create(trx, sqliteTriggers));
}

async function create(db: Kysely<any>, triggers: (db: Kysely<any>) => Promise<void>): Promise<void> {
  await db.schema
    .createTable('session_status_counts')
    .addColumn('service_sid', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_status_counts_pk', ['service_sid', 'status'])
    .execute();
  await db.schema
    .createTable('session_status_deltas')
    .addColumn('service_sid', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('delta', 'integer', (c) => c.notNull())
    .execute();
  await triggers(db);
  // The sessions already there. After the triggers: on PostgreSQL creating a trigger locks the
  // table against writes until this migration commits, so no session is missed or counted twice.
  await sql`
    insert into session_status_counts (service_sid, status, total)
    select service_sid, status, count(*) from sessions group by service_sid, status
  `.execute(db);
}

async function postgresTriggers(db: Kysely<any>): Promise<void> {
  await sql`
    create function parley_session_status_delta() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'INSERT' then
        insert into session_status_deltas (service_sid, status, delta) values (old.service_sid, old.status, -1);
      end if;
      if tg_op <> 'DELETE' then
        insert into session_status_deltas (service_sid, status, delta) values (new.service_sid, new.status, 1);
      end if;
      return null;
    end $$
  `.execute(db);
  await sql`create trigger session_counts_insert after insert on sessions
    for each row execute function parley_session_status_delta()`.execute(db);
  await sql`create trigger session_counts_update after update of status on sessions
    for each row when (old.status is distinct from new.status) execute function parley_session_status_delta()`.execute(db);
  await sql`create trigger session_counts_delete after delete on sessions
    for each row execute function parley_session_status_delta()`.execute(db);
}

async function sqliteTriggers(db: Kysely<any>): Promise<void> {
  const add = (row: 'new' | 'old', delta: number) => `
    insert into session_status_counts (service_sid, status, total) values (${row}.service_sid, ${row}.status, ${delta})
      on conflict (service_sid, status) do update set total = total + ${delta};`;
  // A deleted service's counters go with their last session, so the table holds live pairs only.
  const dropEmpty = `delete from session_status_counts where service_sid = old.service_sid and status = old.status and total = 0;`;
  await sql.raw(`create trigger session_counts_insert after insert on sessions begin ${add('new', 1)} end`).execute(db);
  await sql
    .raw(
      `create trigger session_counts_update after update of status on sessions when old.status is not new.status
       begin ${add('old', -1)} ${dropEmpty} ${add('new', 1)} end`,
    )
    .execute(db);
  await sql.raw(`create trigger session_counts_delete after delete on sessions begin ${add('old', -1)} ${dropEmpty} end`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of ['session_counts_insert', 'session_counts_update', 'session_counts_delete']) {
    await sql
      .raw(`drop trigger if exists ${trigger}${db.getExecutor().adapter instanceof PostgresAdapter ? ' on sessions' : ''}`)
      .execute(db);
  }
  if (db.getExecutor().adapter instanceof PostgresAdapter) await sql`drop function if exists parley_session_status_delta()`.execute(db);
  await db.schema.dropTable('session_status_deltas').execute();
  await db.schema.dropTable('session_status_counts').execute();
}
