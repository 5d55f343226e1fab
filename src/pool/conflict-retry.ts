// Two requests can race for the same number. The database refuses the second (unique index on
// assignments, or PostgreSQL aborting a deadlocked transaction); the whole transaction then runs
// again and picks another number. After a few rounds the client gets Twilio's retryable 409.

import { isTransientConflict } from '../db/constraint-errors.js';
import { ApiError } from '../errors/api-error.js';
import { AssignmentConflict } from './pool.repository.js';

const ATTEMPTS = 4;

export async function retryOnConflict<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (err) {
      const conflict = err instanceof AssignmentConflict || isTransientConflict(err);
      if (!conflict) throw err;
      if (attempt === ATTEMPTS) {
        throw new ApiError(80623, { detail: 'Concurrent requests competed for the same proxy number; retry the request.' });
      }
    }
  }
}

/** The key that serialises number choices for one identifier in one service (see TransactionLock). */
export function identifierLockKey(serviceSid: string, identifier: string): string {
  return `participant:${serviceSid}:${identifier}`;
}

/** The key that serialises changes to one session's status and participants. */
export function sessionLockKey(sessionSid: string): string {
  return `session:${sessionSid}`;
}
