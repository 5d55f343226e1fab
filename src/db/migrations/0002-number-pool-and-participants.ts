// Frozen in time: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('phone_numbers')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid').onDelete('cascade'))
    .addColumn('service_sid', 'text', (c) => c.notNull().references('services.sid').onDelete('cascade'))
    .addColumn('phone_number', 'text', (c) => c.notNull())
    .addColumn('friendly_name', 'text')
    .addColumn('iso_country', 'text', (c) => c.notNull())
    .addColumn('area_code', 'text')
    .addColumn('cap_voice', 'integer', (c) => c.notNull())
    .addColumn('cap_sms', 'integer', (c) => c.notNull())
    .addColumn('cap_mms', 'integer', (c) => c.notNull())
    .addColumn('cap_fax', 'integer', (c) => c.notNull())
    .addColumn('is_reserved', 'integer', (c) => c.notNull())
    .addColumn('in_use', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_assigned_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_updated', 'bigint', (c) => c.notNull())
    .execute();
  // A number belongs to one service of an account (80101 / 80104).
  await db.schema
    .createIndex('phone_numbers_account_number')
    .unique()
    .on('phone_numbers')
    .columns(['account_sid', 'phone_number'])
    .execute();
  await db.schema
    .createIndex('phone_numbers_service_listing')
    .on('phone_numbers')
    .columns(['service_sid', 'date_created', 'sid'])
    .execute();
  // Number selection walks this index in preference order and stops at the first fit.
  await db.schema
    .createIndex('phone_numbers_selection')
    .on('phone_numbers')
    .columns(['service_sid', 'iso_country', 'is_reserved', 'in_use', 'last_assigned_at', 'sid'])
    .execute();

  await db.schema
    .createTable('participants')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('account_sid', 'text', (c) => c.notNull())
    .addColumn('service_sid', 'text', (c) => c.notNull().references('services.sid').onDelete('cascade'))
    .addColumn('session_sid', 'text', (c) => c.notNull().references('sessions.sid').onDelete('cascade'))
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('friendly_name', 'text')
    .addColumn('proxy_identifier', 'text', (c) => c.notNull())
    .addColumn('proxy_identifier_sid', 'text', (c) => c.notNull())
    .addColumn('date_deleted', 'bigint')
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_updated', 'bigint', (c) => c.notNull())
    .execute();
  // Removed participants stay (soft delete), so an identifier can never be added twice (80103 / 80612).
  await db.schema
    .createIndex('participants_session_identifier')
    .unique()
    .on('participants')
    .columns(['session_sid', 'identifier'])
    .execute();
  // A session's participants (at most two live ones) are found through participants_session_identifier;
  // a listing index of its own would only cost every insert another page.
  // An identifier's history in a service, for sticky and avoid-sticky selection.
  await db.schema
    .createIndex('participants_identifier_history')
    .on('participants')
    .columns(['service_sid', 'identifier', 'proxy_identifier_sid', 'date_created'])
    .execute();

  // One row per participant holding its proxy number in an active session. The primary key IS
  // the masking invariant: an identifier never holds one number twice among active sessions.
  // (participant_sid is not a key: the rows go with their session, and by this key.)
  await db.schema
    .createTable('assignments')
    .addColumn('service_sid', 'text', (c) => c.notNull().references('services.sid').onDelete('cascade'))
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('phone_number_sid', 'text', (c) => c.notNull().references('phone_numbers.sid'))
    .addColumn('participant_sid', 'text', (c) => c.notNull())
    .addColumn('session_sid', 'text', (c) => c.notNull().references('sessions.sid').onDelete('cascade'))
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('assignments_active_identifier_number', ['service_sid', 'identifier', 'phone_number_sid'])
    .execute();
  await db.schema.createIndex('assignments_session').on('assignments').column('session_sid').execute();
  // No index on phone_number_sid: it would serve only the foreign-key check when a pool number is
  // deleted (rare, and refused while in_use > 0), and cost every assignment another page.

  // Replays of POSTs that carried an Idempotency-Key.
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('account_sid', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_digest', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('response', 'text')
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_sid', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_expiry').on('idempotency_keys').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropTable('assignments').execute();
  await db.schema.dropTable('participants').execute();
  await db.schema.dropTable('phone_numbers').execute();
}
