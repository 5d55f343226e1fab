// Answers to inbound carrier webhooks (a message or call arriving), kept by the carrier's resource
// SID. Carriers retry a webhook they think failed; the retry must neither route the traffic again
// nor get a different answer. The primary key (carrier, resource_sid) makes a second recording of
// the same SID fail inside its routing transaction, so even two copies racing on two nodes yield
// one interaction and one outbound leg. Status webhooks repeat a SID by design and are not kept.

import type { CarrierWebhookRow } from '../db/schema.js';
import { first } from '../db/unit-of-work.js';
import type { Db } from '../db/unit-of-work.js';

export type WebhookAnswer = Pick<CarrierWebhookRow, 'content_type' | 'answer'>;

export async function findWebhookAnswer(db: Db, carrier: string, resourceSid: string): Promise<WebhookAnswer | undefined> {
  const query = db.sql
    .selectFrom('carrier_webhooks')
    .select(['content_type', 'answer'])
    .where('carrier', '=', carrier)
    .where('resource_sid', '=', resourceSid);
  return first(await db.read(query));
}

/** In the routing unit of work: a unique violation here means another copy got there first. */
export function recordWebhookAnswer(db: Db, row: CarrierWebhookRow) {
  return db.write(db.sql.insertInto('carrier_webhooks').values(row));
}
