// `parley import twilio-proxy`: copies an account's Proxy data from Twilio (or anything speaking
// its API) into the Parley account with the same SID, keeping every SID, unique name and date, so
// application data that stores Twilio SIDs keeps working. Upserts by SID: a second run updates
// what changed and duplicates nothing. Records that would break a rule of Parley's (the masking
// invariant first) are refused and reported; the rest goes on. Services one after another, each:
// the service, its pool, then its sessions a page at a time (session-import.ts).

import type { AccountClock } from '../common/clock.js';
import type { Carrier, NumberCheck } from '../config.js';
import type { Transactions } from '../db/database.js';
import type { Db } from '../db/unit-of-work.js';
import { createAccountWithSid, newAuthToken } from '../accounts/accounts.service.js';
import { findAccount } from '../accounts/accounts.repository.js';
import type { ImportContext, ImportProgress } from './import-context.js';
import { SourceError } from './import-errors.js';
import { ImportReport } from './import-report.js';
import { importPool, importService } from './pool-import.js';
import type { ProxyApiClient } from './proxy-api-client.js';
import type { Json } from './proxy-api-client.js';
import { importSessions } from './session-import.js';

/** Quick on a local source; gentle on Twilio's limits (a 429 is waited out anyway). */
export const DEFAULT_CONCURRENCY = 8;

export interface ImportRequest {
  accountSid: string;
  /** The Twilio account's auth token, for --keep-auth-token. */
  twilioToken: string;
  /** A new Parley account gets the Twilio account's auth token instead of a new one. */
  keepToken: boolean;
  /** One service (SID or unique name) instead of all of them. */
  service?: string;
  includeClosed: boolean;
  interactions: boolean;
  dryRun: boolean;
  /** Requests to the source in flight at once (default 8). */
  concurrency?: number;
}

export interface ImportDependencies {
  database: { queries: Db; transactions: Transactions };
  source: ProxyApiClient;
  clock: AccountClock;
  carrier: Carrier;
  numberCheck: NumberCheck;
  progress?: (event: ImportProgress) => void;
  /** Where the counts go as pages commit: the caller's, so that a run that stops still shows what it wrote. */
  report?: ImportReport;
}

/** `onAccount` hears about the target account once the source has answered (so a refused credential creates nothing). */
export async function importTwilioProxy(
  deps: ImportDependencies,
  request: ImportRequest,
  onAccount: (account: TargetAccount) => void = () => {},
): Promise<ImportReport> {
  const ctx: ImportContext = {
    ...deps,
    accountSid: request.accountSid,
    dryRun: request.dryRun,
    includeClosed: request.includeClosed,
    interactions: request.interactions,
    concurrency: request.concurrency ?? DEFAULT_CONCURRENCY,
    report: deps.report ?? new ImportReport(),
    progress: deps.progress ?? (() => {}),
  };
  const services = await servicesToImport(ctx, request.service);
  onAccount(await targetAccount(ctx.database.queries, deps.clock, request));
  for (const record of services) {
    const service = await importService(ctx, record);
    if (service === undefined) continue;
    const pool = await importPool(ctx, service);
    await importSessions(ctx, service, pool);
  }
  return ctx.report;
}

async function servicesToImport(ctx: ImportContext, service: string | undefined): Promise<Json[]> {
  if (service !== undefined) {
    // Twilio's FetchService takes the SID or the unique name, and so does Parley's.
    const one = await ctx.source.fetch(`/v1/Services/${encodeURIComponent(service)}`);
    if (one === undefined) throw new SourceError(`the source has no service ${service}`);
    return [one];
  }
  const all: Json[] = [];
  for await (const page of ctx.source.pages('/v1/Services', 'services')) all.push(...page);
  return all;
}

export interface TargetAccount {
  /** True when the import creates it (a dry run: would create it). */
  created: boolean;
  /** The new account's auth token, when this run generated one (shown once). */
  generatedToken: string | null;
}

/**
 * The Parley account the import writes into: the one with the Twilio account's SID, created when
 * missing. Its auth token is a new one (printed once), or with `keepToken` the Twilio account's,
 * so that clients and callback signature checks need nothing but the new base URL.
 */
async function targetAccount(db: Db, clock: AccountClock, request: ImportRequest): Promise<TargetAccount> {
  const { accountSid, dryRun, keepToken } = request;
  if ((await findAccount(db, accountSid)) !== undefined) return { created: false, generatedToken: null };
  if (dryRun) return { created: true, generatedToken: null };
  const token = keepToken ? request.twilioToken : newAuthToken();
  await createAccountWithSid(db, { now: () => clock.now(accountSid) }, accountSid, token, 'Imported from Twilio Proxy');
  return { created: true, generatedToken: keepToken ? null : token };
}
