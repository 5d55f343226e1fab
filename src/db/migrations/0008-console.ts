// Frozen in time: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Signed-in console sessions (/console). In the database, so a sign-out or an expiry applies on
  // every node. The cookie holds a random token; only its SHA-256 is kept, so a copy of the
  // database signs no one in. `credential_sid` is what signed in (the account SID or an API key
  // SID), and `credential_digest` the digest its secret matched (an auth token's SHA-256, or a key
  // secret's salted hash as api_keys holds it): revoking that key,
  // or rotating that token away, ends the session.
  await db.schema
    .createTable('console_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_sid', 'text', (c) => c.notNull())
    .addColumn('credential_sid', 'text', (c) => c.notNull())
    .addColumn('credential_digest', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('date_created', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_sessions_expiry').on('console_sessions').column('expires_at').execute();
  await db.schema.createIndex('console_sessions_account').on('console_sessions').column('account_sid').execute();

  // The console's session list filtered by status, newest first, in 100,000 sessions.
  await db.schema
    .createIndex('sessions_service_status_listing')
    .on('sessions')
    .columns(['service_sid', 'status', 'date_created', 'sid'])
    .execute();

  // A simulated phone's threads: the messages it sent and those it received, newest first.
  await db.schema
    .createIndex('simulator_messages_from')
    .on('simulator_messages')
    .columns(['account_sid', 'from_number', 'date_created'])
    .execute();
  await db.schema
    .createIndex('simulator_messages_to')
    .on('simulator_messages')
    .columns(['account_sid', 'to_number', 'date_created'])
    .execute();
  await db.schema
    .createIndex('simulator_calls_from')
    .on('simulator_calls')
    .columns(['account_sid', 'from_number', 'date_created'])
    .execute();
  await db.schema.createIndex('simulator_calls_to').on('simulator_calls').columns(['account_sid', 'bridged_to', 'date_created']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['simulator_calls_to', 'simulator_calls_from', 'simulator_messages_to', 'simulator_messages_from']) {
    await db.schema.dropIndex(index).execute();
  }
  await db.schema.dropIndex('sessions_service_status_listing').execute();
  await db.schema.dropTable('console_sessions').execute();
}
