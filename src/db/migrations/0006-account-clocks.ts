// Frozen in time: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Every account's emulator clock (PARLEY_CARRIER=simulator): how far, in milliseconds, it runs
  // ahead of real time. It only grows (POST /simulator/v1/Clock), survives restarts, and goes with
  // the account. The partial index finds the few accounts whose clock is ahead: the jobs that work
  // across accounts compare those accounts' rows with their own time.
  await db.schema
    .alterTable('accounts')
    .addColumn('clock_offset_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('accounts_clock_ahead')
    .on('accounts')
    .columns(['sid', 'clock_offset_ms'])
    .where(sql<boolean>`clock_offset_ms > 0`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('accounts_clock_ahead').execute();
  await db.schema.alterTable('accounts').dropColumn('clock_offset_ms').execute();
}
