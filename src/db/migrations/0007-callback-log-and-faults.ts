// Frozen in time: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The callback log (GET /parley/v1/Callbacks) is the outbox: its service-callback jobs, and the
  // intercept and out-of-session calls the router made, written there already settled. The HTTP
  // status of the last answer, and what a synchronous call decided (blocked, session_created, …).
  await db.schema.alterTable('outbox').addColumn('response_status', 'integer').execute();
  await db.schema.alterTable('outbox').addColumn('outcome', 'text').execute();
  await db.schema.createIndex('outbox_account_log').on('outbox').columns(['account_sid', 'date_created', 'sid']).execute();

  // The carrier error code of a simulated message that was not delivered (faults on demand).
  await db.schema.alterTable('simulator_messages').addColumn('error_code', 'integer').execute();

  // Faults on demand (POST /simulator/v1/Faults): the next `remaining` outbound legs to a number
  // on a channel end this way. In the database, so every node sees them and each is used once.
  await db.schema
    .createTable('simulator_faults')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('account_sid', 'text', (c) => c.notNull())
    .addColumn('phone_number', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('error_code', 'integer')
    .addColumn('remaining', 'integer', (c) => c.notNull())
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('date_updated', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('simulator_faults_account').on('simulator_faults').columns(['account_sid', 'date_created', 'sid']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('simulator_faults').execute();
  await db.schema.alterTable('simulator_messages').dropColumn('error_code').execute();
  await db.schema.dropIndex('outbox_account_log').execute();
  await db.schema.alterTable('outbox').dropColumn('outcome').execute();
  await db.schema.alterTable('outbox').dropColumn('response_status').execute();
}
