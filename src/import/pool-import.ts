// A service and its pool of numbers, each one unit of work. A service whose SID is another
// account's, or whose unique name another service of the account holds, is refused with all it
// holds; a number that is already in another pool (another service of the account, or any other
// account under a real carrier: pool/number-ownership.ts) is refused, and a session that needs it
// is refused in turn (session-plan.ts): a number has one owner, or two sessions would share its
// traffic.

import type { PhoneNumberRow, ServiceRow } from '../db/schema.js';
import { maskNumber, ownerScope } from '../pool/number-ownership.js';
import { recomputeDefaultTtlExpiry } from '../resources/sessions/sessions.repository.js';
import { step } from './import-context.js';
import type { ImportContext } from './import-context.js';
import { Unmappable } from './import-errors.js';
import { toPhoneNumberRow, toServiceRow } from './import-mapping.js';
import type { ImportedNumber } from './import-mapping.js';
import { ImportReport, outcomeOf } from './import-report.js';
import { numbersLike, poolOf, servicesBySid, upsert } from './import.repository.js';
import type { Json } from './proxy-api-client.js';
import { RecordFields } from './record-fields.js';

const SERVICE_COLUMNS = [
  'unique_name',
  'default_ttl',
  'callback_url',
  'geo_match_level',
  'number_selection_behavior',
  'intercept_callback_url',
  'out_of_session_callback_url',
  'chat_instance_sid',
  'date_created',
  'date_updated',
] as const satisfies ReadonlyArray<keyof ServiceRow>;

const NUMBER_COLUMNS = [
  'phone_number',
  'friendly_name',
  'iso_country',
  'area_code',
  'cap_voice',
  'cap_sms',
  'cap_mms',
  'cap_fax',
  'is_reserved',
  'date_created',
  'date_updated',
] as const satisfies ReadonlyArray<keyof ImportedNumber>;

/** The service as the target holds it after the import, or undefined when it was refused. */
export async function importService(ctx: ImportContext, record: Json): Promise<ServiceRow | undefined> {
  let row: ServiceRow;
  try {
    row = toServiceRow(record, ctx.accountSid);
  } catch (err) {
    if (!(err instanceof Unmappable)) throw err;
    ctx.report.refuse('services', RecordFields.sidOf(record, 'KS'), err.message);
    return undefined;
  }
  const planned = await step(
    ctx,
    async (db) => {
      const tally = new ImportReport();
      const found = await servicesBySid(db, row.sid, ctx.accountSid, row.unique_name);
      const existing = found.find((other) => other.sid === row.sid);
      const named = found.find((other) => other.sid !== row.sid);
      const refusal =
        existing !== undefined && existing.account_sid !== ctx.accountSid
          ? `${row.sid} is another account's service in Parley`
          : named !== undefined
            ? `its unique name "${row.unique_name}" is taken by service ${named.sid} in Parley`
            : null;
      const outcome = refusal === null ? outcomeOf(row, existing, SERVICE_COLUMNS) : 'refused';
      if (refusal !== null) tally.refuse('services', row.sid, refusal);
      else tally.count('services', outcome);
      return { tally, accepted: refusal === null, outcome, existing };
    },
    async (uow, { outcome, existing }) => {
      if (outcome === 'refused' || outcome === 'unchanged') return;
      upsert(uow, 'services', [row], SERVICE_COLUMNS);
      // The sessions that live by the service's default TTL move with it, as on an API update.
      if (existing !== undefined && existing.default_ttl !== row.default_ttl) recomputeDefaultTtlExpiry(uow, row.sid, row.default_ttl);
    },
  );
  return planned.accepted ? row : undefined;
}

/** Imports the service's numbers; answers its pool as the target holds it afterwards (by SID). */
export async function importPool(ctx: ImportContext, service: ServiceRow): Promise<Map<string, PhoneNumberRow>> {
  const tally = new ImportReport();
  const rows: PhoneNumberRow[] = [];
  const scope = ownerScope(ctx.carrier, ctx.accountSid);
  for await (const page of ctx.source.pages(`/v1/Services/${service.sid}/PhoneNumbers`, 'phone_numbers')) {
    for (const record of page) {
      try {
        rows.push({ ...toPhoneNumberRow(record, service, ctx.numberCheck), owner_scope: scope, in_use: 0, last_assigned_at: 0 });
      } catch (err) {
        if (!(err instanceof Unmappable)) throw err;
        tally.refuse('phone numbers', RecordFields.sidOf(record, 'PN'), err.message);
      }
    }
  }
  ctx.report.merge(tally);
  const planned = await step(
    ctx,
    async (db) => {
      const [known, pool] = await Promise.all([
        numbersLike(
          db,
          rows.map((row) => row.sid),
          rows.map((row) => row.phone_number),
        ),
        poolOf(db, service.sid),
      ]);
      return { ...planNumbers(rows, known, scope), pool };
    },
    async (uow, { accepted }) => upsert(uow, 'phone_numbers', accepted, NUMBER_COLUMNS),
  );
  const pool = new Map(planned.pool.map((row) => [row.sid, row]));
  // In a dry run the accepted numbers are not in the target yet; the sessions' checks see them anyway.
  for (const row of planned.accepted) pool.set(row.sid, { ...row, ...pool.get(row.sid), ...pick(row) });
  return pool;
}

function planNumbers(rows: PhoneNumberRow[], known: PhoneNumberRow[], scope: string) {
  const tally = new ImportReport();
  const accepted: PhoneNumberRow[] = [];
  const bySid = new Map(known.map((row) => [row.sid, row]));
  const taken = new Set<string>();
  for (const row of rows) {
    const existing = bySid.get(row.sid);
    // Another pool's number: the same account's other service, or (one namespace under a real
    // carrier) any other account's.
    const holder = known.find(
      (other) =>
        other.phone_number === row.phone_number &&
        other.sid !== row.sid &&
        (other.owner_scope === scope || other.account_sid === row.account_sid),
    );
    const refusal =
      existing !== undefined && (existing.account_sid !== row.account_sid || existing.service_sid !== row.service_sid)
        ? `${row.sid} is in ${existing.account_sid === row.account_sid ? `service ${existing.service_sid}` : "another account's pool"} in Parley`
        : existing !== undefined && existing.phone_number !== row.phone_number
          ? `${row.sid} is ${maskNumber(existing.phone_number)} in Parley, ${maskNumber(row.phone_number)} at the source`
          : holder !== undefined
            ? `${maskNumber(row.phone_number)} is already in ${holder.account_sid === row.account_sid ? `the pool of service ${holder.service_sid}` : "another account's pool"} in Parley (${holder.sid})`
            : taken.has(row.phone_number)
              ? `${maskNumber(row.phone_number)} is listed twice by the source`
              : null;
    if (refusal !== null) {
      tally.refuse('phone numbers', row.sid, refusal);
      continue;
    }
    taken.add(row.phone_number);
    const outcome = outcomeOf<ImportedNumber>(row, existing, NUMBER_COLUMNS);
    tally.count('phone numbers', outcome);
    if (outcome !== 'unchanged') accepted.push(row);
  }
  return { tally, accepted };
}

function pick(row: PhoneNumberRow): Partial<PhoneNumberRow> {
  return Object.fromEntries(NUMBER_COLUMNS.map((column) => [column, row[column]]));
}
