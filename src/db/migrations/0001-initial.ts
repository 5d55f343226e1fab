// Frozen in time: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('auth_token', 'text', (c) => c.notNull())
    .addColumn('friendly_name', 'text', (c) => c.notNull())
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_updated', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('services')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid').onDelete('cascade'))
    .addColumn('unique_name', 'text', (c) => c.notNull())
    .addColumn('default_ttl', 'integer', (c) => c.notNull())
    .addColumn('callback_url', 'text')
    .addColumn('geo_match_level', 'text', (c) => c.notNull())
    .addColumn('number_selection_behavior', 'text', (c) => c.notNull())
    .addColumn('intercept_callback_url', 'text')
    .addColumn('out_of_session_callback_url', 'text')
    .addColumn('chat_instance_sid', 'text')
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_updated', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('services_account_unique_name').unique().on('services').columns(['account_sid', 'unique_name']).execute();
  await db.schema.createIndex('services_account_listing').on('services').columns(['account_sid', 'date_created', 'sid']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('account_sid', 'text', (c) => c.notNull())
    .addColumn('service_sid', 'text', (c) => c.notNull().references('services.sid').onDelete('cascade'))
    .addColumn('unique_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('closed_reason', 'text')
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('ttl', 'integer', (c) => c.notNull())
    .addColumn('date_expiry', 'bigint')
    .addColumn('date_started', 'bigint')
    .addColumn('date_ended', 'bigint')
    .addColumn('date_last_interaction', 'bigint')
    .addColumn('ttl_started_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_updated', 'bigint', (c) => c.notNull())
    .execute();
  // NULL unique names never collide (both engines treat NULLs as distinct).
  await db.schema.createIndex('sessions_service_unique_name').unique().on('sessions').columns(['service_sid', 'unique_name']).execute();
  await db.schema.createIndex('sessions_service_listing').on('sessions').columns(['service_sid', 'date_created', 'sid']).execute();
  // Only active sessions can expire, so the sweeper's index holds only those.
  await db.schema
    .createIndex('sessions_active_expiry')
    .on('sessions')
    .column('expires_at')
    .where(sql<boolean>`status in ('open', 'in-progress')`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sessions').execute();
  await db.schema.dropTable('services').execute();
  await db.schema.dropTable('accounts').execute();
}
