// `parley import twilio-proxy` against a source that is broken or hostile: refused credentials,
// garbage, 500s, paging that loops or leads to another host, answers too large or never coming.
// Each ends the import with a clear message and exit status 1 (never a crash, never a hang), and
// nothing is written; a record with wrong fields is refused on its own while the rest is imported.
// The retries' backoff is injected (importCommand's io.sleep), so no test waits for it.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importCommand } from '../../src/cli/import-command.js';
import { loadConfig } from '../../src/config.js';
import { ProxyApiClient } from '../../src/import/proxy-api-client.js';
import { OutboundClient } from '../../src/outbound/outbound-client.js';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import { runCli } from '../helpers/cli-process.js';
import { HostileSource } from '../helpers/hostile-source.js';
import { countsOf, importTarget, rowsOf } from '../helpers/import.js';
import type { ImportTarget } from '../helpers/import.js';

const SERVICE = `KS${'1'.repeat(32)}`;
const SESSIONS = `/v1/Services/${SERVICE}/Sessions`;
const CREDENTIALS = ['--account-sid', TEST_ACCOUNT_SID, '--auth-token', TEST_AUTH_TOKEN];
const date = '2026-01-02T03:04:05Z';

function session(sid: string, fields: Record<string, unknown> = {}) {
  return { sid, status: 'open', mode: 'voice-and-message', ttl: 0, date_created: date, date_updated: date, ...fields };
}

describe('parley import twilio-proxy from a broken or hostile source', () => {
  let source: HostileSource;
  let target: ImportTarget;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(['import', 'twilio-proxy', ...CREDENTIALS, '--from-url', source.url, ...args], env);

  before(async () => {
    source = await new HostileSource().start();
    target = await importTarget();
    env = { ...process.env, DATABASE_URL: target.url, PARLEY_LOG_LEVEL: 'warn' };
  });
  after(async () => {
    await source.close();
    await target.close();
  });

  async function assertNothingWritten(): Promise<void> {
    const rows = await rowsOf(target.handle());
    for (const [table, list] of Object.entries(rows)) assert.deepEqual(list, [], table);
    assert.deepEqual(await target.handle().db.selectFrom('accounts').selectAll().execute(), [], 'no account was created');
  }

  test('usage errors exit 2 before anything is read or written', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['import'], /^parley: parley import twilio-proxy --account-sid AC… --auth-token TOKEN …$/m],
      [['import', 'twilio-proxy'], /^parley: parley import twilio-proxy --account-sid AC… --auth-token TOKEN \[--service KS…\]/m],
      [['import', 'twilio-proxy', '--account-sid', 'AC123', '--auth-token', 'x'], /--account-sid must be AC followed by 32 hex digits/],
      [[...['import', 'twilio-proxy', ...CREDENTIALS], '--from-url', 'ftp://x'], /--from-url must be an http\(s\) URL, not "ftp:\/\/x"/],
      [[...['import', 'twilio-proxy', ...CREDENTIALS], '--concurrency', '0'], /--concurrency must be a whole number from 1 to 64/],
      [[...['import', 'twilio-proxy', ...CREDENTIALS], '--dry-runn'], /Unknown option '--dry-runn' for parley import twilio-proxy/],
    ];
    source.requested.length = 0;
    for (const [args, message] of cases) {
      const run = await runCli(args.includes('--from-url') ? args : [...args, '--from-url', source.url], env);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    assert.deepEqual(source.requested, []);
    await assertNothingWritten();
  });

  test('refused credentials: exit 1, the reason, and no account created', async () => {
    source.answers.set('/v1/Services', {
      status: 401,
      json: { code: 20003, message: 'Authentication Error - invalid username', status: 401 },
    });
    const run = await cli();
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stderr,
      /^parley: the import stopped: the source refused the credentials \(HTTP 401, code 20003: Authentication Error - invalid username\): check --account-sid and --auth-token\n$/m,
    );
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    await assertNothingWritten();
  });

  test('an answer that is not the API: garbage, a list without its key, paging in a loop or to another host', async () => {
    const cases: Array<[() => void, RegExp]> = [
      [
        () => source.answers.set('/v1/Services', { text: '<html>Bad gateway, have a cat</html>' }),
        /answered something that is not a JSON object/,
      ],
      [() => source.answers.set('/v1/Services', { json: [1, 2, 3] }), /answered something that is not a JSON object/],
      [() => source.answers.set('/v1/Services', { json: { services: 'all of them' } }), /answered without a "services" list/],
      [
        () => source.list('/v1/Services', 'services', [{ sid: SERVICE }], `${source.url}/v1/Services?PageSize=1000`),
        /paging round in a loop/,
      ],
      [
        () => source.list('/v1/Services', 'services', [{ sid: SERVICE }], 'https://attacker.example/v1/Services?Page=1'),
        /paging to another host \(https:\/\/attacker.example\)/,
      ],
      [() => source.answers.set('/v1/Services', { status: 302, json: {} }), /answered HTTP 302/],
    ];
    for (const [arrange, message] of cases) {
      arrange();
      const run = await cli();
      assert.equal(run.status, 1, `${message}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.ok(!source.requested.some((path) => path.includes('attacker')), 'the credentials went nowhere else');
    await assertNothingWritten();
  });

  test('a source that answers 500 is retried with backoff, a bounded number of times, then the import stops', async () => {
    source.requested.length = 0;
    source.answers.set('/v1/Services', { status: 500, json: { code: 20500, message: 'Internal Server Error' } });
    const waited: number[] = [];
    const out: string[] = [];
    await assert.rejects(
      importCommand(
        loadConfig({ DATABASE_URL: target.url, PARLEY_LOG_LEVEL: 'silent' }),
        { 'account-sid': TEST_ACCOUNT_SID, 'auth-token': TEST_AUTH_TOKEN, 'from-url': source.url },
        {
          stdout: { write: (text: string) => out.push(text) },
          stderr: { write: () => true },
          sleep: async (ms) => {
            waited.push(ms);
          },
        },
      ),
      /^Error: the import stopped: GET \/v1\/Services\?PageSize=1000 answered HTTP 500 \(code 20500: Internal Server Error\); gave up after 5 attempts$/,
    );
    assert.deepEqual(waited, [1000, 2000, 4000, 8000]);
    assert.equal(source.requested.length, 5);
    assert.match(out.join(''), /stopped before the end; written so far:/);
    await assertNothingWritten();
  });

  test('answers too large or never coming end in an error, not in memory or a hang', async () => {
    source.answers.set('/v1/Services', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      // Generated as it is sent: endless, until the importer hangs up.
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let open = true;
      const pour = () => {
        while (open && response.write(chunk));
      };
      response.on('error', () => {});
      response.on('close', () => (open = false));
      response.on('drain', pour);
      pour();
    });
    const small = new ProxyApiClient(
      { baseUrl: source.url, accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN },
      { http: new OutboundClient({ maxResponseBytes: 64 * 1024, refusePrivate: false }), attempts: 2, sleep: async () => {} },
    );
    await assert.rejects(
      small.pages('/v1/Services', 'services').next(),
      /failed: answer larger than 65536 bytes; gave up after 2 attempts/,
    );
    source.answers.set('/v1/Services', () => {}); // never answers
    const impatient = new ProxyApiClient(
      { baseUrl: source.url, accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN },
      { timeoutMs: 200, attempts: 2, sleep: async () => {} },
    );
    await assert.rejects(impatient.fetch('/v1/Services'), /failed: no answer within 200 ms; gave up after 2 attempts/);
  });

  test('records with wrong fields are refused one by one, with the reason; the rest is imported (exit 3)', async () => {
    source.answers.clear();
    source.list('/v1/Services', 'services', [
      { sid: SERVICE, unique_name: 'hostile', default_ttl: 0, date_created: date, date_updated: date },
    ]);
    source.list(`/v1/Services/${SERVICE}/PhoneNumbers`, 'phone_numbers', [
      {
        sid: `PN${'1'.repeat(32)}`,
        phone_number: '+14155550100',
        is_reserved: false,
        capabilities: { sms_outbound: true, voice_inbound: true },
        date_created: date,
      },
      { sid: `PN${'2'.repeat(32)}`, phone_number: 'not a number', date_created: date },
    ]);
    const good = `KC${'a'.repeat(32)}`;
    source.list(SESSIONS, 'sessions', [
      session(good),
      session(`KC${'b'.repeat(32)}`, { status: 'paused' }),
      session(`KC${'c'.repeat(32)}`, { date_created: 'yesterday' }),
      session(`KC${'d'.repeat(32)}`, { ttl: -5 }),
      { sid: 42 },
    ]);
    for (const sid of ['a', 'b', 'c', 'd']) source.list(`${SESSIONS}/KC${sid.repeat(32)}/Participants`, 'participants', []);
    const run = await cli();
    assert.equal(run.status, 3, run.stdout + run.stderr);
    assert.deepEqual(countsOf(run, 'services'), [1, 0, 0, 0]);
    assert.deepEqual(countsOf(run, 'phone numbers'), [1, 0, 0, 1]);
    assert.deepEqual(countsOf(run, 'sessions'), [1, 0, 0, 4]);
    assert.match(run.stdout, /phone number PN2{32}: its phone_number is not a number Parley accepts/);
    assert.match(run.stdout, /session KCb{32}: its status is "paused", not one of open, in-progress, closed, failed, unknown/);
    assert.match(run.stdout, /session KCc{32}: its date_created is not a date/);
    assert.match(run.stdout, /session KCd{32}: its ttl is not a whole number/);
    assert.match(run.stdout, /session KC\? \(a record without a valid sid\): its sid is not a string/);
    const [number] = await target.handle().db.selectFrom('phone_numbers').selectAll().execute();
    assert.deepEqual([number?.cap_voice, number?.cap_sms, number?.cap_mms], [1, 1, 0], 'IncomingPhoneNumber-style capabilities');
    const sessions = await target.handle().db.selectFrom('sessions').select('sid').execute();
    assert.deepEqual(sessions, [{ sid: good }]);
  });
});
