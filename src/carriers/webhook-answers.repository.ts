// Answers to inbound carrier webhooks (a message or call arriving), kept by the carrier's resource
// SID. Carriers retry a webhook they think failed; the retry must neither route the traffic again
// nor get a different answer. The primary key (carrier, resource_sid) makes a second recording of
// the same SID fail inside its routing transaction, so even two copies racing on two nodes yield
// one interaction and one outbound leg. Status webhooks repeat a SID by design and are not kept.

import type { Kysely } from 'kysely';
import type { CarrierWebhookRow, Database } from '../db/schema.js';

export type WebhookAnswer = Pick<CarrierWebhookRow, 'content_type' | 'answer'>;

export async function findWebhookAnswer(db: Kysely<Database>, carrier: string, resourceSid: string): Promise<WebhookAnswer | undefined> {
  return db
    .selectFrom('carrier_webhooks')
    .select(['content_type', 'answer'])
    .where('carrier', '=', carrier)
    .where('resource_sid', '=', resourceSid)
    .executeTakeFirst();
}

/** In the routing unit of work: a unique violation here means another copy got there first. */
export async function recordWebhookAnswer(db: Kysely<Database>, row: CarrierWebhookRow): Promise<void> {
  await db.insertInto('carrier_webhooks').values(row).execute();
}
