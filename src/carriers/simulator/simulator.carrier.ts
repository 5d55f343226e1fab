import { newSid } from '../../common/sids.js';
import type { Carrier, OutboundMessage, SentLeg } from '../../routing/carrier.js';
import { insertSimulatorMessage } from './simulator.repository.js';
import type { UnitOfWork } from '../../db/unit-of-work.js';

/** The emulator's carrier: a message "sent" lands at once on the recipient's simulated handset. */
export class SimulatorCarrier implements Carrier {
  readonly name = 'simulator';

  sendMessage(uow: UnitOfWork, message: OutboundMessage): SentLeg {
    const sid = newSid('SM');
    insertSimulatorMessage(uow, {
      sid,
      account_sid: message.accountSid,
      from_number: message.from,
      to_number: message.to,
      body: message.body,
      media_urls: JSON.stringify(message.mediaUrls),
      direction: 'outbound',
      status: 'delivered',
      interaction_sid: message.interactionSid,
      session_sid: message.sessionSid,
      date_created: message.now,
    });
    return { resourceSid: sid, status: 'delivered', url: null, queued: false };
  }
}
