// `parley accounts …` and `parley keys …` as an operator runs them: real processes on a real
// database (a SQLite file, or a fresh PostgreSQL database on the PostgreSQL pass), and a
// `parley serve` on the same database that accepts what they created.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, testEngine } from '../helpers/database.js';
import type { TestDatabase } from '../helpers/database.js';
import { runCli, serve } from '../helpers/cli-process.js';
import type { CliRun, RunningServer } from '../helpers/cli-process.js';
import { expectError, HttpClient } from '../helpers/http-client.js';

const ACCOUNT_OUTPUT = /^account_sid (AC[0-9a-f]{32})\nauth_token {2}(\S+)\n$/;
const KEY_OUTPUT =
  /^key_sid (SK[0-9a-f]{32})\nsecret {2}([A-Za-z0-9_-]+)\n\(the secret is shown only now; Parley keeps only a hash of it\)\n$/;
const MISSING_ACCOUNT = `AC${'0'.repeat(32)}`;
const MISSING_KEY = `SK${'0'.repeat(32)}`;

function succeeded(run: CliRun, what: string): string {
  assert.equal(run.status, 0, `${what}: exit ${run.status}\n${run.stderr}${run.stdout}`);
  assert.equal(run.stderr, '', what);
  return run.stdout;
}

describe('parley accounts and parley keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-admin-'));
  let database: TestDatabase | null = null;
  let env: NodeJS.ProcessEnv;
  let server: RunningServer | null = null;

  const cli = (...args: string[]) => runCli(args, env);
  async function createAccount(...args: string[]): Promise<{ sid: string; token: string }> {
    const match = ACCOUNT_OUTPUT.exec(succeeded(await cli('accounts', 'create', ...args), `accounts create ${args.join(' ')}`));
    assert.ok(match, 'accounts create prints account_sid and auth_token');
    return { sid: match[1]!, token: match[2]! };
  }
  async function createKey(account: string, ...args: string[]): Promise<{ sid: string; secret: string }> {
    const output = succeeded(await cli('keys', 'create', '--account', account, ...args), 'keys create');
    const match = KEY_OUTPUT.exec(output);
    assert.ok(match, `keys create prints key_sid and secret: ${output}`);
    return { sid: match[1]!, secret: match[2]! };
  }
  const listAccounts = async () =>
    succeeded(await cli('accounts', 'list'), 'accounts list')
      .trimEnd()
      .split('\n');
  // An account without keys is said so on stderr (cli-existing-database.test.ts); stdout has the keys.
  const listKeys = async (account: string) => {
    const run = await cli('keys', 'list', '--account', account);
    assert.equal(run.status, 0, `keys list: exit ${run.status}\n${run.stderr}`);
    return run.stdout.split('\n').filter((l) => l !== '');
  };

  before(async () => {
    let url = `sqlite:${join(dir, 'parley.db')}`;
    if (testEngine() === 'postgres') {
      database = await createTestDatabase();
      url = database.url;
    }
    env = { ...process.env, DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', PARLEY_LOG_LEVEL: 'warn' };
    delete env.PARLEY_ACCOUNT_SID;
    delete env.PARLEY_AUTH_TOKEN;
    delete env.PARLEY_RATE_LIMIT;
    delete env.PARLEY_RATE_BURST;
    // The commands work on an existing database only.
    succeeded(await cli('migrate'), 'migrate');
  });
  after(async () => {
    await server?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * GETs /v1/Services one request after another until one is refused (429 / 20429, Retry-After).
   * A real server's limiter runs on the wall clock: `burst` requests pass, plus the `rate` per
   * second that came back while they ran, so a slow machine only loosens the bound.
   */
  async function expectBucket(client: HttpClient, bucket: { rate: number; burst: number; began: number; passed: number }): Promise<void> {
    let passed = bucket.passed;
    const most = () => bucket.burst + Math.floor((bucket.rate * (Date.now() - bucket.began)) / 1000);
    for (;;) {
      const response = await client.get('/v1/Services');
      if (response.status !== 200) {
        expectError(response, 429, 20429);
        assert.match(response.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
        break;
      }
      passed++;
      assert.ok(passed <= most(), `${passed} requests passed a bucket of ${bucket.burst} at ${bucket.rate}/s`);
    }
    assert.ok(passed >= bucket.burst, `refused after ${passed} requests: the bucket holds ${bucket.burst}`);
  }

  let first: { sid: string; token: string };
  let second: { sid: string; token: string };
  let third: { sid: string; token: string };

  test('accounts create prints new credentials; accounts list and set show and change them', async () => {
    first = await createAccount('--name', 'First tenant');
    second = await createAccount('--name', 'Second', '--rate-limit', '1', '--rate-burst', '1');
    third = await createAccount();
    assert.equal(new Set([first.sid, second.sid, third.sid]).size, 3);
    assert.equal(new Set([first.token, second.token, third.token]).size, 3);
    assert.ok(first.token.length >= 32, 'a long random auth token');

    let lines = await listAccounts();
    assert.equal(lines.length, 3, lines.join('\n'));
    const line = (sid: string) => lines.find((l) => l.startsWith(`${sid} `)) ?? assert.fail(`${sid} is not listed:\n${lines.join('\n')}`);
    assert.match(line(first.sid), /^AC[0-9a-f]{32} {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}rate default\/default {2}First tenant$/);
    assert.match(line(second.sid), / {2}rate 1\/1 {2}Second$/);
    assert.match(line(third.sid), / {2}rate default\/default {2}Parley account$/);
    // Oldest first.
    assert.deepEqual(
      lines.map((l) => l.split(' ')[0]),
      [first.sid, second.sid, third.sid],
    );
    // The token is not in the listing.
    for (const token of [first.token, second.token, third.token]) assert.ok(!lines.join('\n').includes(token));

    assert.equal(
      succeeded(await cli('accounts', 'set', third.sid, '--rate-limit', '2', '--rate-burst', '2', '--name', 'Third'), 'set'),
      `updated ${third.sid}\n`,
    );
    lines = await listAccounts();
    assert.match(line(third.sid), / {2}rate 2\/2 {2}Third$/);
    succeeded(await cli('accounts', 'set', third.sid, '--rate-burst', 'default'), 'set burst default');
    lines = await listAccounts();
    assert.match(line(third.sid), / {2}rate 2\/default {2}Third$/);
    succeeded(await cli('accounts', 'set', first.sid, '--rate-limit', 'off'), 'set off');
    lines = await listAccounts();
    assert.match(line(first.sid), / {2}rate 0\/default {2}First tenant$/);
    succeeded(await cli('accounts', 'set', first.sid, '--rate-limit', 'default'), 'set default');
    lines = await listAccounts();
    assert.match(line(first.sid), / {2}rate default\/default {2}First tenant$/);
  });

  let firstKey: { sid: string; secret: string };
  let revokedKey: { sid: string; secret: string };

  test('keys create, list and revoke', async () => {
    firstKey = await createKey(first.sid, '--name', 'deploy');
    const unnamed = await createKey(first.sid);
    revokedKey = await createKey(second.sid, '--name', 'short-lived');
    assert.notEqual(firstKey.secret, unnamed.secret);

    const keys = await listKeys(first.sid);
    assert.equal(keys.length, 2, keys.join('\n'));
    assert.match(keys[0]!, new RegExp(`^${firstKey.sid} {2}\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ {2}deploy$`));
    assert.match(keys[1]!, new RegExp(`^${unnamed.sid} {2}\\S+ {2}API key$`));
    assert.ok(!keys.join('\n').includes(firstKey.secret), 'keys list does not show secrets');
    assert.deepEqual(
      (await listKeys(second.sid)).map((l) => l.split(' ')[0]),
      [revokedKey.sid],
    );
    assert.deepEqual(await listKeys(third.sid), []);

    assert.equal(succeeded(await cli('keys', 'revoke', revokedKey.sid), 'revoke'), `revoked ${revokedKey.sid}\n`);
    assert.deepEqual(await listKeys(second.sid), []);
    const again = await cli('keys', 'revoke', revokedKey.sid);
    assert.equal(again.status, 2);
    assert.match(again.stderr, new RegExp(`^parley: no key ${revokedKey.sid}: it is already revoked, or never existed\n$`));
    assert.equal(succeeded(await cli('keys', 'revoke', unnamed.sid), 'revoke unnamed'), `revoked ${unnamed.sid}\n`);
    assert.deepEqual(
      (await listKeys(first.sid)).map((l) => l.split(' ')[0]),
      [firstKey.sid],
    );
  });

  test('a server on that database accepts what the commands created, with their rate limits', async () => {
    server = await serve(env);
    // It announces the oldest account, which it did not create: so it does not print its token.
    assert.equal(server.sid, first.sid);
    assert.equal(server.token, null);
    assert.ok(!server.banner.includes(first.token), 'the banner does not print a token it did not generate');
    assert.ok(server.banner.includes(`\`parley accounts token ${first.sid}\` shows it`), server.banner);
    assert.doesNotMatch(server.banner, /\(new\)/);

    const asFirst = new HttpClient(server.url, { username: first.sid, password: first.token });
    const asKey = new HttpClient(server.url, { username: firstKey.sid, password: firstKey.secret });
    const asSecond = new HttpClient(server.url, { username: second.sid, password: second.token });
    const asThird = new HttpClient(server.url, { username: third.sid, password: third.token });

    const made = await asKey.post('/v1/Services', { UniqueName: 'made-with-cli-key' });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.account_sid, first.sid);
    assert.deepEqual(
      (await asFirst.get('/v1/Services')).body.services.map((s: { sid: string }) => s.sid),
      [made.body.sid],
    );
    // First's limit was set back to the default, and there is none: never limited.
    for (let i = 0; i < 30; i++) assert.equal((await asFirst.get('/v1/Services')).status, 200);

    // Second: 1 per second, a bucket of 1.
    const own = await asSecond.post('/v1/Services', { UniqueName: 'second-svc' });
    assert.equal(own.status, 201, own.text);
    const began = Date.now();
    assert.deepEqual(
      (await asSecond.get('/v1/Services')).body.services.map((s: { sid: string }) => s.sid),
      [own.body.sid],
    );
    await expectBucket(asSecond, { rate: 1, burst: 1, began, passed: 1 });
    expectError(await asSecond.get(`/v1/Services/${made.body.sid}`), 404, 20404);

    // Third: 2 per second, the burst back to its default (five times the rate).
    await expectBucket(asThird, { rate: 2, burst: 10, began: Date.now(), passed: 0 });

    // The revoked key never worked here; wrong secrets neither.
    const revoked = new HttpClient(server.url, { username: revokedKey.sid, password: revokedKey.secret });
    expectError(await revoked.get('/v1/Services'), 401, 20003);
    expectError(await asFirst.get('/v1/Services', undefined, { auth: { username: firstKey.sid, password: 'not-the-secret' } }), 401, 20003);
    expectError(await asFirst.get('/v1/Services', undefined, { auth: { username: second.sid, password: first.token } }), 401, 20003);
  });

  test('accounts and keys created while the server runs work at once; a key revoked before its first use is refused at once', async () => {
    assert.ok(server, 'the server of the previous test');
    const late = await createAccount('--name', 'Late');
    const lateKey = await createKey(late.sid);
    const unused = await createKey(late.sid);
    succeeded(await cli('keys', 'revoke', unused.sid), 'revoke unused');

    const asLate = new HttpClient(server.url, { username: late.sid, password: late.token });
    const created = await asLate.post('/v1/Services', { UniqueName: 'late-svc' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.account_sid, late.sid);
    const viaKey = await asLate.get('/v1/Services', undefined, { auth: { username: lateKey.sid, password: lateKey.secret } });
    assert.deepEqual(
      viaKey.body.services.map((s: { sid: string }) => s.sid),
      [created.body.sid],
    );
    expectError(await asLate.get('/v1/Services', undefined, { auth: { username: unused.sid, password: unused.secret } }), 401, 20003);
    assert.equal(await server.stop(), 0, server.exitReport());
    server = null;
  });

  test('usage errors exit 2 with a message and change nothing', async () => {
    const before = await listAccounts();
    const keysBefore = await listKeys(first.sid);
    const cases: Array<[string[], RegExp]> = [
      [['accounts'], /^parley: parley accounts create\|list\|set\|token\|secondary-token\|delete …$/],
      [['accounts', 'token'], /^parley: parley accounts token AC…$/],
      [['accounts', 'token', MISSING_ACCOUNT], new RegExp(`^parley: no account ${MISSING_ACCOUNT}$`)],
      [['accounts', 'secondary-token'], /^parley: parley accounts secondary-token AC… \[--promote \| --delete\]$/],
      [
        ['accounts', 'secondary-token', first.sid, '--promote', '--delete'],
        /^parley: parley accounts secondary-token AC… \[--promote \| --delete\]$/,
      ],
      [['accounts', 'secondary-token', MISSING_ACCOUNT], new RegExp(`^parley: no account ${MISSING_ACCOUNT}$`)],
      [['accounts', 'secondary-token', first.sid, '--promote'], new RegExp(`^parley: ${first.sid} has no secondary token$`)],
      [['accounts', 'secondary-token', first.sid, '--delete'], new RegExp(`^parley: ${first.sid} has no secondary token$`)],
      [['accounts', 'delete'], /^parley: parley accounts delete AC…$/],
      [['accounts', 'delete', MISSING_ACCOUNT], new RegExp(`^parley: no account ${MISSING_ACCOUNT}$`)],
      [['erase-number'], /^parley: parley erase-number \+1… --account AC…$/],
      [['erase-number', '+12125550123'], /^parley: parley erase-number \+1… --account AC…$/],
      [
        ['erase-number', '12125550123', '--account', first.sid],
        /^parley: the number is not a valid phone number in E\.164 form \(\+14155550100\)$/,
      ],
      [['erase-number', '+12125550123', '--account', MISSING_ACCOUNT], new RegExp(`^parley: no account ${MISSING_ACCOUNT}$`)],
      [['accounts', 'set'], /^parley: parley accounts set AC… \[--rate-limit N\] \[--rate-burst N\] \[--name NAME\]$/],
      [['accounts', 'set', first.sid], /^parley: nothing to change: give --rate-limit, --rate-burst or --name$/],
      [['accounts', 'set', MISSING_ACCOUNT, '--name', 'ghost'], new RegExp(`^parley: no account ${MISSING_ACCOUNT}$`)],
      [['accounts', 'set', first.sid, '--rate-limit', 'fast'], /^parley: --rate-limit must be a whole number, "off" or "default"$/],
      [['accounts', 'create', '--rate-limit', 'lots'], /^parley: --rate-limit must be a whole number, "off" or "default"$/],
      [['accounts', 'create', '--rate-burst', '9999999999'], /^parley: --rate-burst must be a whole number, "off" or "default"$/],
      [['keys'], /^parley: parley keys create\|list\|revoke …$/],
      [['keys', 'create'], /^parley: parley keys create --account AC… \[--name NAME\]$/],
      [['keys', 'create', '--account', MISSING_ACCOUNT], new RegExp(`^parley: no account ${MISSING_ACCOUNT}$`)],
      [['keys', 'list'], /^parley: parley keys list --account AC…$/],
      [['keys', 'list', '--account', MISSING_ACCOUNT], /^parley: parley keys list --account AC…$/],
      [['keys', 'revoke'], /^parley: parley keys revoke SK…$/],
      [['keys', 'revoke', MISSING_KEY], new RegExp(`^parley: no key ${MISSING_KEY}: it is already revoked, or never existed$`)],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(...args)));
    cases.forEach(([args, message], i) => {
      const run = runs[i]!;
      const what = `parley ${args.join(' ')}`;
      assert.equal(run.status, 2, `${what}: exit ${run.status}\n${run.stderr}${run.stdout}`);
      assert.match(run.stderr.trimEnd(), message, what);
      assert.equal(run.stderr.trimEnd().split('\n').length, 1, `${what}: one line\n${run.stderr}`);
      assert.equal(run.stdout, '', what);
    });
    assert.deepEqual(await listAccounts(), before);
    assert.deepEqual(await listKeys(first.sid), keysBefore);

    // help is not an error.
    const help = await cli('help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /accounts create \[--name N\] \[--rate-limit R\] \[--rate-burst B\]/);
    assert.match(help.stdout, /keys revoke SK…/);
    assert.match(help.stdout, /accounts secondary-token AC… --promote/);
    assert.match(help.stdout, /erase-number \+1… --account AC…/);
    assert.equal((await cli('--help')).stdout, help.stdout);
  });

  const SECONDARY_OUTPUT =
    /^secondary_auth_token ([0-9a-f]{32})\n\(it works beside the auth token; then parley accounts secondary-token AC[0-9a-f]{32} --promote, or --delete\)\n$/;
  const tokenLines = async (sid: string) => succeeded(await cli('accounts', 'token', sid), 'accounts token');

  test('secondary-token: both tokens work on a server, --promote retires the old one, --delete drops it', async () => {
    const rotating = await createAccount('--name', 'Rotating');
    assert.equal(await tokenLines(rotating.sid), `auth_token           ${rotating.token}\n`);
    const created = SECONDARY_OUTPUT.exec(succeeded(await cli('accounts', 'secondary-token', rotating.sid), 'secondary-token'));
    assert.ok(created, 'secondary-token prints the new token');
    const secondary = created[1]!;
    assert.equal(await tokenLines(rotating.sid), `auth_token           ${rotating.token}\nsecondary_auth_token ${secondary}\n`);

    const statuses = async (url: string) =>
      Promise.all(
        [rotating.token, secondary, 'not-a-token'].map(
          async (password) => (await new HttpClient(url, { username: rotating.sid, password }).get('/v1/Services')).status,
        ),
      );
    server = await serve(env);
    assert.deepEqual(await statuses(server.url), [200, 200, 401]);
    await server.stop();

    const promoted = succeeded(await cli('accounts', 'secondary-token', rotating.sid, '--promote'), 'promote');
    assert.match(
      promoted,
      new RegExp(
        `^promoted the secondary token of ${rotating.sid}: it is the auth token and signs callbacks; the old auth token no longer works \\(within 5 seconds on a running server\\)\n$`,
      ),
    );
    assert.equal(await tokenLines(rotating.sid), `auth_token           ${secondary}\n`);
    // A fresh server: a running one would take up to 5 seconds (its credential cache).
    server = await serve(env);
    assert.deepEqual(await statuses(server.url), [401, 200, 401]);
    await server.stop();
    server = null;

    const again = SECONDARY_OUTPUT.exec(succeeded(await cli('accounts', 'secondary-token', rotating.sid), 'secondary-token again'));
    assert.ok(again);
    assert.match(
      succeeded(await cli('accounts', 'secondary-token', rotating.sid, '--delete'), 'delete'),
      new RegExp(`^deleted the secondary token of ${rotating.sid}: it no longer works`),
    );
    assert.equal(await tokenLines(rotating.sid), `auth_token           ${secondary}\n`);
  });

  test('the account the environment configures cannot be rotated or deleted; the refusal names the variable', async () => {
    const configured = { ...env, PARLEY_ACCOUNT_SID: first.sid, PARLEY_AUTH_TOKEN: first.token };
    const cases: Array<[string[], RegExp]> = [
      [['accounts', 'secondary-token', first.sid], /PARLEY_AUTH_TOKEN/],
      [['accounts', 'secondary-token', first.sid, '--promote'], /PARLEY_AUTH_TOKEN/],
      [['accounts', 'secondary-token', first.sid, '--delete'], /PARLEY_AUTH_TOKEN/],
      [['accounts', 'delete', first.sid], /PARLEY_ACCOUNT_SID/],
    ];
    for (const [args, variable] of cases) {
      const run = await runCli(args, configured);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, variable);
      assert.equal(run.stdout, '');
    }
    assert.equal(await tokenLines(first.sid), `auth_token           ${first.token}\n`);
    assert.ok((await listAccounts()).some((line) => line.startsWith(first.sid)));
  });

  test('erase-number prints counts, never the number; accounts delete removes the account and what it owns', async () => {
    const person = '+12125550123';
    server = await serve(env);
    const api = new HttpClient(server.url, { username: third.sid, password: third.token });
    const service = await api.post('/v1/Services', { UniqueName: 'to-erase' });
    assert.equal((await api.post(`/v1/Services/${service.body.sid}/PhoneNumbers`, { PhoneNumber: '+14155550100' })).status, 201);
    const participants = [person, '+12125550124'].map((identifier) => JSON.stringify({ Identifier: identifier }));
    const session = await api.post(`/v1/Services/${service.body.sid}/Sessions`, { Participants: participants });
    assert.equal(session.status, 201, session.text);
    const participantsPath = `/v1/Services/${service.body.sid}/Sessions/${session.body.sid}/Participants`;
    const proxy = ((await api.get(participantsPath)).body.participants as Array<Record<string, string>>).find(
      (p) => p.identifier === person,
    )!.proxy_identifier;
    assert.equal((await api.post('/simulator/v1/Messages', { From: person, To: proxy, Body: 'hello' })).status, 201);

    const erased = succeeded(await cli('erase-number', person, '--account', third.sid), 'erase-number');
    assert.ok(!erased.includes('2125550123'), `the output does not show the number:\n${erased}`);
    assert.match(
      erased,
      new RegExp(
        `^erased the number from ${third.sid}:\n  participants anonymised +1\n  assignments anonymised +1\n  interaction bodies cleared +1\n  simulator messages deleted +2\n`,
      ),
    );
    const identifiers = ((await api.get(participantsPath)).body.participants as Array<Record<string, string>>).map((p) => p.identifier);
    assert.ok(identifiers.includes('+12125550124') && !identifiers.includes(person), identifiers.join(', '));
    assert.equal(await server.stop(), 0, server.exitReport());
    server = null;

    const deleted = succeeded(await cli('accounts', 'delete', third.sid), 'accounts delete');
    assert.match(deleted, new RegExp(`^deleted ${third.sid}; rows removed:\n`));
    assert.match(deleted, /\n {2}services +1\n/);
    assert.match(deleted, /\n {2}participants +2\n/);
    assert.match(deleted, /\n {2}accounts +1\n$/);
    assert.ok(!(await listAccounts()).some((line) => line.startsWith(third.sid)), 'no longer listed');
    const gone = await cli('accounts', 'delete', third.sid);
    assert.equal(gone.status, 2);
    assert.equal(gone.stderr, `parley: no account ${third.sid}\n`);
  });
});
