// Frozen in time: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Inbound traffic names a pool number by its digits, before any account is known (carrier webhooks).
  await db.schema.createIndex('phone_numbers_number').on('phone_numbers').column('phone_number').execute();

  await db.schema
    .createTable('interactions')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('account_sid', 'text', (c) => c.notNull())
    .addColumn('service_sid', 'text', (c) => c.notNull().references('services.sid').onDelete('cascade'))
    .addColumn('session_sid', 'text', (c) => c.notNull().references('sessions.sid').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    // The participant a MessageInteraction was sent to (created through the API); null for routed ones.
    .addColumn('participant_sid', 'text')
    .addColumn('inbound_participant_sid', 'text')
    .addColumn('inbound_resource_sid', 'text')
    .addColumn('inbound_resource_status', 'text')
    .addColumn('inbound_resource_type', 'text')
    .addColumn('inbound_resource_url', 'text')
    .addColumn('outbound_participant_sid', 'text')
    .addColumn('outbound_resource_sid', 'text')
    .addColumn('outbound_resource_status', 'text')
    .addColumn('outbound_resource_type', 'text')
    .addColumn('outbound_resource_url', 'text')
    // Why the outbound leg was not sent (80614, 80901, 80909, 80910, 80911); not part of the API.
    .addColumn('error_code', 'integer')
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_updated', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('interactions_session_listing').on('interactions').columns(['session_sid', 'date_created', 'sid']).execute();
  // Only MessageInteractions have a participant_sid: routed traffic does not pay for this index.
  await db.schema
    .createIndex('interactions_participant_listing')
    .on('interactions')
    .columns(['participant_sid', 'date_created', 'sid'])
    .where(sql<boolean>`participant_sid is not null`)
    .execute();
  // Twilio's status reports name a leg by its Call or Message SID. Only legs with a carrier URL
  // (Twilio's) are ever looked up that way, so the simulator's traffic does not pay for these.
  await db.schema
    .createIndex('interactions_inbound_resource')
    .on('interactions')
    .column('inbound_resource_sid')
    .where(sql<boolean>`inbound_resource_url is not null`)
    .execute();
  await db.schema
    .createIndex('interactions_outbound_resource')
    .on('interactions')
    .column('outbound_resource_sid')
    .where(sql<boolean>`outbound_resource_url is not null`)
    .execute();

  // Work to do after a commit, durably: service callbacks and carrier sends. Claimed by one
  // worker at a time (locked_until), retried with backoff until done or out of attempts.
  await db.schema
    .createTable('outbox')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('account_sid', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_updated', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();

  // Twilio can report a message's status before Parley has stored that message's SID (the report
  // races the API's answer): such reports wait here until the SID is known.
  await db.schema
    .createTable('carrier_status_reports')
    .addColumn('resource_sid', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .execute();

  // The simulator's handsets: every message a simulated phone sent or received. Read only as a
  // log (newest first), never by SID: no key index to keep up on every message.
  await db.schema
    .createTable('simulator_messages')
    .addColumn('sid', 'text', (c) => c.notNull())
    .addColumn('account_sid', 'text', (c) => c.notNull())
    .addColumn('from_number', 'text', (c) => c.notNull())
    .addColumn('to_number', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('media_urls', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('interaction_sid', 'text')
    .addColumn('session_sid', 'text')
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('simulator_messages_listing')
    .on('simulator_messages')
    .columns(['account_sid', 'date_created', 'sid'])
    .execute();

  await db.schema
    .createTable('simulator_calls')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('account_sid', 'text', (c) => c.notNull())
    .addColumn('from_number', 'text', (c) => c.notNull())
    .addColumn('to_number', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('bridged_from', 'text')
    .addColumn('bridged_to', 'text')
    .addColumn('bridged_sid', 'text')
    .addColumn('interaction_sid', 'text')
    .addColumn('session_sid', 'text')
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_updated', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('simulator_calls_listing').on('simulator_calls').columns(['account_sid', 'date_created', 'sid']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('phone_numbers_number').execute();
  await db.schema.dropTable('simulator_calls').execute();
  await db.schema.dropTable('simulator_messages').execute();
  await db.schema.dropTable('carrier_status_reports').execute();
  await db.schema.dropTable('outbox').execute();
  await db.schema.dropTable('interactions').execute();
}
