// A pool number has one owner. Under a real carrier a number is a real line: it may be in at most
// one pool in the whole installation, or two accounts would share (and one could take over) each
// other's traffic. Under the simulator numbers are fictional, so each account has a namespace of
// its own: parallel test suites, each with its own account, may use the same fixture numbers.
// Within one account a number is in at most one service's pool, on every carrier (80101).
//
// The database holds the rule: phone_numbers.owner_scope is the account SID under the simulator
// and one constant under a real carrier, unique together with the number. Start-up sets every row
// to the configured carrier's scope; with a real carrier, numbers already in several accounts'
// pools (left over from simulator use) stop the start with a list of them.

import { sql } from 'kysely';
import type { Carrier } from '../config.js';
import type { Db } from '../db/unit-of-work.js';

/** The scope every pool number shares under a real carrier. */
export const REAL_CARRIER_SCOPE = 'carrier';

export function ownerScope(carrier: Carrier, accountSid: string): string {
  return carrier === 'simulator' ? accountSid : REAL_CARRIER_SCOPE;
}

/** Start-up refused: a real carrier, and numbers that sit in more than one account's pool. */
export class SharedNumbersError extends Error {
  constructor(readonly entries: string[]) {
    super(
      `PARLEY_CARRIER is a real carrier, but these numbers are in more than one account's pool ` +
        `(a real line has one owner): ${entries.join('; ')}. Remove each from all but one pool ` +
        `(DELETE /v1/Services/{ServiceSid}/PhoneNumbers/{Sid}, with PARLEY_CARRIER=simulator), then start again.`,
    );
    this.name = 'SharedNumbersError';
  }
}

/** Sets every pool number's owner scope for this carrier; run at start-up, under the start-up lock. */
export async function applyOwnership(db: Db, carrier: Carrier): Promise<void> {
  if (carrier === 'simulator') {
    await db.write(
      db.sql
        .updateTable('phone_numbers')
        .set({ owner_scope: sql`account_sid` })
        .where('owner_scope', '<>', sql<string>`account_sid`),
    );
    return;
  }
  const shared = await db.read(
    db.sql
      .selectFrom('phone_numbers as p')
      .select(['p.phone_number', 'p.account_sid', 'p.service_sid', 'p.sid'])
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('phone_numbers as other')
            .select('other.sid')
            .whereRef('other.phone_number', '=', 'p.phone_number')
            .whereRef('other.sid', '<>', 'p.sid'),
        ),
      )
      .orderBy('p.phone_number')
      .orderBy('p.date_created')
      .limit(200),
  );
  if (shared.length > 0) {
    const byNumber = new Map<string, string[]>();
    for (const row of shared)
      byNumber.set(row.phone_number, [...(byNumber.get(row.phone_number) ?? []), `${row.account_sid}/${row.service_sid}/${row.sid}`]);
    throw new SharedNumbersError([...byNumber].map(([number, entries]) => `${maskNumber(number)} in ${entries.join(', ')}`));
  }
  await db.write(
    db.sql.updateTable('phone_numbers').set({ owner_scope: REAL_CARRIER_SCOPE }).where('owner_scope', '<>', REAL_CARRIER_SCOPE),
  );
}

/** Enough of a number for its operator to recognise it, not enough to dial it. */
export function maskNumber(e164: string): string {
  return e164.length <= 6 ? '•'.repeat(e164.length) : `${e164.slice(0, 3)}${'•'.repeat(e164.length - 7)}${e164.slice(-4)}`;
}
