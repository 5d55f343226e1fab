import { newSid } from '../../common/sids.js';
import type { Carrier, OutboundMessage, PlannedFault, SentLeg } from '../../routing/carrier.js';
import { pendingFaults, useFault } from './faults.repository.js';
import { insertSimulatorMessage } from './simulator.repository.js';
import type { Db, UnitOfWork } from '../../db/unit-of-work.js';

/**
 * The emulator's carrier: a message "sent" lands at once on the recipient's simulated handset,
 * unless a fault on demand (faults.service.ts) makes it undelivered or failed.
 */
export class SimulatorCarrier implements Carrier {
  readonly name = 'simulator';

  async plannedFaults(db: Db, accountSid: string | null): Promise<readonly PlannedFault[]> {
    if (accountSid === null) return [];
    const rows = await pendingFaults(db, accountSid, 'message');
    return rows.map((row) => ({ sid: row.sid, number: row.phone_number, outcome: row.outcome, errorCode: row.error_code }));
  }

  sendMessage(uow: UnitOfWork, message: OutboundMessage, faults: readonly PlannedFault[]): SentLeg {
    const sid = newSid('SM');
    const fault = faults.find((planned) => planned.number === message.to);
    if (fault !== undefined) useFault(uow, fault.sid, message.now);
    const status = fault?.outcome ?? 'delivered';
    insertSimulatorMessage(uow, {
      sid,
      account_sid: message.accountSid,
      from_number: message.from,
      to_number: message.to,
      body: message.body,
      media_urls: JSON.stringify(message.mediaUrls),
      direction: 'outbound',
      status,
      interaction_sid: message.interactionSid,
      session_sid: message.sessionSid,
      error_code: fault?.errorCode ?? null,
      date_created: message.now,
    });
    return { resourceSid: sid, status, url: null, queued: false };
  }
}
