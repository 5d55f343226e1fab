// Number-selection refusals (80206, 80207, 80208) counted where a participant is added, for both
// ways in (Participant create, and Session create with Participants): the domain's AddParticipant
// wrapped, so pool/number-selection.ts stays free of instrumentation.

import { ApiError } from '../errors/api-error.js';
import type { AddParticipant } from '../resources/sessions/sessions.service.js';
import type { Metrics } from './metrics.js';
import { SELECTION_REFUSALS } from './metrics.js';

export function countingRefusals(add: AddParticipant, metrics: Metrics): AddParticipant {
  return async (uow, destination, ...rest) => {
    try {
      return await add(uow, destination, ...rest);
    } catch (err) {
      if (err instanceof ApiError && SELECTION_REFUSALS.has(err.code)) metrics.selectionRefused(err.code, destination.service.sid);
      throw err;
    }
  };
}
