// What a carrier's status report on one leg of an interaction does, whichever the carrier: the leg
// takes the later of its status and the report's (leg-status.ts), the service hears of it (the
// router's status callback), and a message's report that arrived before the API's answer to the
// send waits for its id (carrier-status.repository.ts; message-sender.ts takes it).

import type { Clock } from '../common/clock.js';
import type { InteractionRow } from '../db/schema.js';
import type { Db } from '../db/unit-of-work.js';
import { interactionByResource } from '../resources/interactions/interactions.service.js';
import type { Router } from '../routing/router.js';
import { keepEarlyReport } from './carrier-status.repository.js';
import { laterStatus } from './leg-status.js';

/** An interaction and which of its legs a report is about. */
export interface ReportedLeg {
  row: InteractionRow;
  leg: 'inbound' | 'outbound';
}

/** A report on a message, named by the carrier's id of it; `status` in the Interaction's words. */
export async function messageLegReported(db: Db, clock: Clock, router: Router, resourceSid: string, status: string): Promise<void> {
  const found = await interactionByResource(db, resourceSid);
  if (found === undefined) return keepEarlyReport(db, resourceSid, status, clock.now());
  const later = laterStatus(found.row, found.leg, status);
  await router.recordStatus(found.row, found.leg === 'outbound' ? { outbound_resource_status: later } : { inbound_resource_status: later });
}

export interface CallLegReport {
  /** The carrier's id of the leg, and its URL: the bridged leg learns both from its first report. */
  callSid: string;
  url: string;
  /** In the Interaction's words. */
  status: string;
  /** Seconds, as the carrier said it; '' until the leg has ended. */
  duration: string;
}

/** A report on one leg of a call. */
export async function callLegReported(router: Router, found: ReportedLeg, report: CallLegReport): Promise<void> {
  const changes =
    found.leg === 'outbound'
      ? {
          outbound_resource_sid: report.callSid,
          outbound_resource_status: laterStatus(found.row, 'outbound', report.status),
          outbound_resource_url: report.url,
        }
      : { inbound_resource_status: laterStatus(found.row, 'inbound', report.status) };
  // Twilio's own form of the Interaction's `data` for a call: `{"duration": "5"}`.
  await router.recordStatus(
    found.row,
    report.duration === '' ? changes : { ...changes, data: JSON.stringify({ duration: report.duration }) },
  );
}
