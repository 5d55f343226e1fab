import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { newSid } from '../../common/sids.js';
import type { Carrier, OutboundMessage, Sending } from '../carrier.js';
import { insertSimulatorMessage } from './simulator.repository.js';

/** The emulator's carrier: a message "sent" lands at once on the recipient's simulated handset. */
export class SimulatorCarrier implements Carrier {
  readonly name = 'simulator';

  sendMessage(trx: Kysely<Database>, message: OutboundMessage): Sending {
    const sid = newSid('SM');
    const written = insertSimulatorMessage(trx, {
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
    return { leg: { resourceSid: sid, status: 'delivered', url: null, queued: false }, written };
  }
}
