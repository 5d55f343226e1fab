// A carrier can report a message's status before Parley has stored the id its API answered the send
// with (the report races the API's answer): such reports wait here until the id is known. Twilio's
// SIDs and Telnyx's UUIDs never collide, so the carriers share the table.

import { first } from '../db/unit-of-work.js';
import type { Db } from '../db/unit-of-work.js';

/** Keeps a report for a SID no interaction has yet. */
export async function keepEarlyReport(db: Db, resourceSid: string, status: string, now: number): Promise<void> {
  const keep = db.sql
    .insertInto('carrier_status_reports')
    .values({ resource_sid: resourceSid, status, date_created: now })
    .onConflict((conflict) => conflict.column('resource_sid').doUpdateSet({ status, date_created: now }));
  await db.write(keep);
}

/** The report that came before its SID was known, if any, consumed. */
export async function takeEarlyReport(db: Db, resourceSid: string): Promise<string | undefined> {
  const taken = await db.write(db.sql.deleteFrom('carrier_status_reports').where('resource_sid', '=', resourceSid).returning('status'));
  return first(taken.rows)?.status;
}
