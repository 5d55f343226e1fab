// Frozen in time: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // API keys (SK…): Basic credentials of an account. Only a salted hash of the secret is kept.
  await db.schema
    .createTable('api_keys')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('account_sid', 'text', (c) => c.notNull().references('accounts.sid').onDelete('cascade'))
    .addColumn('friendly_name', 'text', (c) => c.notNull())
    .addColumn('secret_salt', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_updated', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_keys_account').on('api_keys').column('account_sid').execute();

  // Per-account rate limits (requests per second per endpoint, and the burst); null: the defaults.
  await db.schema.alterTable('accounts').addColumn('rate_limit', 'integer').execute();
  await db.schema.alterTable('accounts').addColumn('rate_burst', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('rate_burst').execute();
  await db.schema.alterTable('accounts').dropColumn('rate_limit').execute();
  await db.schema.dropTable('api_keys').execute();
}
