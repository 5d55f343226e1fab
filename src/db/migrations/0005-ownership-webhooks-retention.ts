// Frozen in time: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Who a pool number belongs to, for the installation-wide rule "a number is in one pool": the
  // account SID under the simulator (fictional numbers, one namespace per account), one constant
  // under a real carrier (a real line, one owner in the whole installation). Set at start-up to
  // match the configured carrier (pool/number-ownership.ts).
  await db.schema
    .alterTable('phone_numbers')
    .addColumn('owner_scope', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`update phone_numbers set owner_scope = account_sid`.execute(db);
  await db.schema.createIndex('phone_numbers_owner_number').unique().on('phone_numbers').columns(['owner_scope', 'phone_number']).execute();

  // Twilio's secondary-token flow: a second token that authenticates alongside the primary until
  // it is promoted (and then signs callbacks) or deleted.
  await db.schema.alterTable('accounts').addColumn('secondary_auth_token', 'text').execute();

  // Inbound carrier webhooks (a message or call arriving), one row per carrier resource SID: a
  // retried webhook finds its first answer here and gets it again, and never routes twice. Written
  // in the same transaction as the interaction it created.
  await db.schema
    .createTable('carrier_webhooks')
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('resource_sid', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('carrier_webhooks_pk', ['carrier', 'resource_sid'])
    .execute();
  await db.schema.createIndex('carrier_webhooks_age').on('carrier_webhooks').column('date_created').execute();

  // Retention (PARLEY_RETENTION_DAYS): message bodies that are still kept, by age, and finished
  // outbox jobs by the time they finished.
  await db.schema
    .createIndex('interactions_retained_data')
    .on('interactions')
    .column('date_created')
    .where(sql<boolean>`data is not null`)
    .execute();
  await db.schema
    .createIndex('outbox_finished')
    .on('outbox')
    .column('date_updated')
    .where(sql<boolean>`status <> 'pending'`)
    .execute();
  await db.schema.createIndex('simulator_messages_age').on('simulator_messages').column('date_created').execute();

  // One row the storage health probe writes and removes: "does the database take writes?"
  await db.schema
    .createTable('storage_probe')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('storage_probe').execute();
  await db.schema.dropIndex('simulator_messages_age').execute();
  await db.schema.dropIndex('outbox_finished').execute();
  await db.schema.dropIndex('interactions_retained_data').execute();
  await db.schema.dropTable('carrier_webhooks').execute();
  await db.schema.alterTable('accounts').dropColumn('secondary_auth_token').execute();
  await db.schema.dropIndex('phone_numbers_owner_number').execute();
  await db.schema.alterTable('phone_numbers').dropColumn('owner_scope').execute();
}
