// `parley erase-number`: a data-subject erasure request for one phone number in one account.
// Counts stay true (sessions, participants and interactions keep their rows and SIDs); what
// identifies the person goes: the number and name on their participants, the bodies of the
// interactions they sent or received, the simulator's log of their traffic, and stored texts
// that mention the number or those interactions. One transaction: an erasure is never half done.

import { AdminRefusal, existingAccount } from '../accounts/accounts.service.js';
import type { Clock } from '../common/clock.js';
import type { Transactions } from '../db/database.js';
import { parsePhoneNumber } from '../phone/phone-number.js';
import * as repo from './number-erasure.repository.js';

export interface Erased {
  participants: number;
  assignments: number;
  interactions: number;
  simulatorMessages: number;
  simulatorCalls: number;
  simulatorFaults: number;
  outboxJobs: number;
  idempotencyKeys: number;
  carrierWebhooks: number;
}

export async function eraseNumber(transactions: Transactions, clock: Clock, accountSid: string, number: string): Promise<Erased> {
  // The refusal never repeats the number: it is what the request wants gone.
  const e164 = parsePhoneNumber(number, 'possible')?.e164;
  if (e164 === undefined) throw new AdminRefusal('the number is not a valid phone number in E.164 form (+14155550100)');
  return transactions.run(async (uow) => {
    await existingAccount(uow, accountSid);
    const participants = await repo.findParticipants(uow, accountSid, e164);
    const interactions = await repo.findInteractions(uow, participants);
    const simulator = await repo.deleteSimulatorRecords(uow, accountSid, e164, interactions);
    const cleared = await repo.clearInteractionData(uow, interactions);
    const anonymised = await repo.anonymiseParticipants(
      uow,
      participants.map((p) => p.sid),
      clock.now(),
    );
    const texts = await repo.deleteStoredTexts(uow, accountSid, e164, interactions);
    return {
      participants: anonymised.participants,
      assignments: anonymised.assignments,
      interactions: cleared,
      simulatorMessages: simulator.messages,
      simulatorCalls: simulator.calls,
      simulatorFaults: simulator.faults,
      outboxJobs: texts.outbox,
      idempotencyKeys: texts.idempotencyKeys,
      carrierWebhooks: texts.carrierWebhooks,
    };
  });
}
