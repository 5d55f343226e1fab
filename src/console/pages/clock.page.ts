// Moving the account's emulator clock from the console: by a preset (an hour, a day) or to a
// date, never backwards, with what the move made due run before the page comes back
// (carriers/simulator/emulator-clock.ts, as POST /simulator/v1/Clock does it).

import type { FastifyInstance } from 'fastify';
import { MAX_MOVE_SECONDS } from '../../accounts/account-clocks.js';
import type { EmulatorClock } from '../../carriers/simulator/emulator-clock.js';
import { invalidParameter } from '../../errors/api-error.js';
import { optionalDateTime, optionalInteger } from '../../http/params.js';
import { CONSOLE, consolePath, field, formOf, seeOther, signedIn } from '../console-http.js';

export function clockActions(pages: FastifyInstance, clock: EmulatorClock): void {
  pages.post('/clock', async (request, reply) => {
    const form = formOf(request);
    const account = signedIn(request).account.sid;
    // Every field is read before the clock moves: a form refused with a 400 has moved nothing.
    const back = consolePath(field(form, 'back', 2000), `${CONSOLE}/services`);
    const seconds = optionalInteger('advance', field(form, 'advance', 20), MAX_MOVE_SECONDS);
    const set = field(form, 'set', 40);
    // As the API: one way of moving at a time.
    if (seconds !== undefined && set !== undefined) throw invalidParameter('set', 'send advance or set, not both');
    if (seconds !== undefined) await clock.advance(account, seconds);
    else await clock.jumpTo(account, dateOf(set));
    return seeOther(reply, back);
  });
}

/** A datetime-local value (YYYY-MM-DDTHH:MM[:SS], read as UTC), or the API's own format. */
function dateOf(value: string | undefined): number {
  const local =
    value !== undefined && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)
      ? `${value.length === 16 ? `${value}:00` : value}Z`
      : value;
  const at = optionalDateTime('Set', local);
  if (at === undefined || at === null) throw invalidParameter('Set', 'give the date and time to move the clock to');
  return at;
}
