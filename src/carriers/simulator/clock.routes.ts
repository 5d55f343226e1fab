import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ClockReading } from '../../accounts/account-clocks.js';
import { MAX_MOVE_SECONDS } from '../../accounts/account-clocks.js';
import { invalidParameter, missingParameter } from '../../errors/api-error.js';
import type { EmulatorClock } from './emulator-clock.js';
import { formatDate } from '../../common/dates.js';
import { optionalDateTime, optionalInteger } from '../../http/params.js';
import { onlyMethods } from '../../http/routing.js';
import { DateTimeParam, IntegerParam } from '../../http/schema-kit.js';

const ClockResource = Type.Object({
  account_sid: Type.String(),
  now: Type.String(),
  now_ms: Type.Integer(),
  offset_seconds: Type.Number(),
});

const MoveBody = Type.Object({ Advance: Type.Optional(IntegerParam('Advance')), Set: Type.Optional(DateTimeParam('Set')) });

/**
 * The calling account's emulator clock (accounts/account-clocks.ts): move it forward, by seconds
 * (Advance) or to a date (Set), to test TTL and expiry without sleeping. Every account has its own.
 */
export function clockRoutes(app: FastifyInstance, clocks: EmulatorClock): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const render = (accountSid: string, clock: ClockReading) => ({
    account_sid: accountSid,
    now: formatDate(clock.now)!,
    now_ms: clock.now,
    offset_seconds: clock.offsetMs / 1000,
  });

  api.get('/simulator/v1/Clock', { schema: { response: { 200: ClockResource } } }, async (request) =>
    render(request.accountSid, await clocks.reading(request.accountSid)),
  );

  api.post('/simulator/v1/Clock', { schema: { body: MoveBody, response: { 200: ClockResource } } }, async (request) => {
    const seconds = optionalInteger('Advance', request.body.Advance, MAX_MOVE_SECONDS);
    const at = optionalDateTime('Set', request.body.Set === '' ? undefined : request.body.Set);
    if (seconds !== undefined && at !== undefined) {
      throw invalidParameter('Set', 'send Advance or Set, not both: Advance moves the clock by seconds, Set moves it to a date');
    }
    if (seconds === undefined && (at === undefined || at === null)) throw missingParameter('Advance or Set');
    const account = request.accountSid;
    // Answers once what the move made due has run (emulator-clock.ts).
    const moved = seconds !== undefined ? await clocks.advance(account, seconds) : await clocks.jumpTo(account, at!);
    return render(account, moved);
  });

  onlyMethods(app, '/simulator/v1/Clock', ['GET', 'POST']);
}
