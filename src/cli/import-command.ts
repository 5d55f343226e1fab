// `parley import twilio-proxy`: the options, the target account, the progress on stderr and the
// report on stdout. Exit status: 0 all imported; 3 finished, but some records were refused (each
// listed); 1 stopped (the source could not be read, or the database failed: what was committed
// stays, and a second run goes on from there); 2 a usage error.

import { AccountClocks } from '../accounts/account-clocks.js';
import { systemClock } from '../common/clock.js';
import { isSid } from '../common/sids.js';
import type { Config } from '../config.js';
import { ImportReport, IMPORTED, OUTCOMES } from '../import/import-report.js';
import { ProxyApiClient } from '../import/proxy-api-client.js';
import type { Sleep } from '../import/proxy-api-client.js';
import { importTwilioProxy } from '../import/twilio-proxy-import.js';
import { text, UsageError } from './cli-kit.js';
import type { AdminContext, Options } from './cli-kit.js';
import { withExistingDatabase } from './existing-database.js';
import { ProgressDisplay } from './import-progress.js';
import type { ProgressStream } from './import-progress.js';

const TWILIO_PROXY = 'https://proxy.twilio.com';
const USAGE =
  'parley import twilio-proxy --account-sid AC… --auth-token TOKEN [--service KS…] [--include-closed] [--interactions] [--dry-run] [--keep-auth-token] [--concurrency N]';

export interface ImportIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  /** The retries' backoff (tests pass one that does not wait). */
  sleep?: Sleep;
}

const PROCESS_IO: ImportIo = { stdout: process.stdout, stderr: process.stderr };

export async function importCommand(config: Config, options: Options, io: ImportIo = PROCESS_IO): Promise<number> {
  const accountSid = text(options, 'account-sid');
  const authToken = text(options, 'auth-token');
  if (accountSid === undefined || authToken === undefined) throw new UsageError(USAGE);
  if (!isSid('AC', accountSid)) throw new UsageError('--account-sid must be AC followed by 32 hex digits');
  const baseUrl = sourceUrl(text(options, 'from-url') ?? TWILIO_PROXY);
  const dryRun = options['dry-run'] === true;
  const concurrency = text(options, 'concurrency');
  if (concurrency !== undefined && !/^([1-9]|[1-5]\d|6[0-4])$/.test(concurrency))
    throw new UsageError('--concurrency must be a whole number from 1 to 64');
  const source = new ProxyApiClient({ baseUrl, accountSid, authToken }, { sleep: io.sleep });
  const report = new ImportReport();
  let status = 0;
  await withExistingDatabase(config, async ({ database }: AdminContext) => {
    const clock = new AccountClocks(database.queries, database.transactions, systemClock, config.carrier === 'simulator');
    await clock.fresh();
    const progress = new ProgressDisplay(io.stderr);
    try {
      await importTwilioProxy(
        { database, source, clock, carrier: config.carrier, numberCheck: config.numberCheck, progress: (e) => progress.show(e), report },
        {
          accountSid,
          twilioToken: authToken,
          keepToken: options['keep-auth-token'] === true,
          service: text(options, 'service'),
          includeClosed: options['include-closed'] === true,
          interactions: options.interactions === true,
          dryRun,
          concurrency: concurrency === undefined ? undefined : Number(concurrency),
        },
        (account) => {
          if (account.created) io.stdout.write(accountLines(accountSid, dryRun, account.generatedToken));
        },
      );
    } catch (err) {
      progress.done();
      io.stdout.write(render(report, `stopped before the end; ${dryRun ? 'nothing was written' : 'written so far'}:`));
      throw err instanceof Error ? new Error(`the import stopped: ${err.message}`) : err;
    }
    progress.done();
    const title = dryRun
      ? `dry run from ${baseUrl} into ${accountSid} (nothing was written):`
      : `imported from ${baseUrl} into ${accountSid}:`;
    io.stdout.write(render(report, title));
    status = report.refusedAny ? 3 : 0;
  });
  return status;
}

function sourceUrl(given: string): string {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new UsageError(`--from-url must be an http(s) URL, not "${given}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--from-url must be an http(s) URL, not "${given}"`);
  return url.href.replace(/\/$/, '');
}

function accountLines(accountSid: string, dryRun: boolean, token: string | null): string {
  if (dryRun) return `account ${accountSid} is not in Parley: an import would create it\n`;
  if (token === null) return `created account ${accountSid} in Parley, with the Twilio account's auth token\n`;
  return [
    `created account ${accountSid} in Parley`,
    `auth_token  ${token}`,
    `(shown only now; parley accounts token ${accountSid} shows it again)`,
    '',
  ].join('\n');
}

/** The counts as a table, then every refusal. */
export function render(report: ImportReport, title: string): string {
  const width = Math.max(...IMPORTED.map((name) => name.length));
  const header = `  ${''.padEnd(width)}${OUTCOMES.map((outcome) => outcome.padStart(11)).join('')}`;
  const rows = IMPORTED.map(
    (resource) => `  ${resource.padEnd(width)}${OUTCOMES.map((outcome) => String(report.counts[resource][outcome]).padStart(11)).join('')}`,
  );
  const refusals =
    report.refusals.length === 0
      ? []
      : [`refused (${report.refusals.length}):`, ...report.refusals.map((r) => `  ${r.resource.replace(/s$/, '')} ${r.sid}: ${r.reason}`)];
  return [title, header, ...rows, ...refusals, ''].join('\n');
}
