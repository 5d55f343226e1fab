// An account's credentials and its end: Twilio's token rotation (a secondary token authenticates
// beside the auth token, then replaces it, after which callbacks are signed with it; or it goes),
// refused for the account whose token comes from PARLEY_AUTH_TOKEN; and deleting an account,
// which leaves nothing of it in any table and nothing of another account changed.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import twilio from 'twilio';
import { deleteAccount, ACCOUNT_TABLES } from '../../src/accounts/account-deletion.js';
import { AdminRefusal } from '../../src/accounts/accounts.service.js';
import { accountTokens, createSecondaryToken, deleteSecondaryToken, promoteSecondaryToken } from '../../src/accounts/token-rotation.js';
import { IDEMPOTENCY_HEADER } from '../../src/idempotency/idempotency.hooks.js';
import { appAndReceiver, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { addAccount, addApiKey } from '../helpers/accounts.js';
import type { TestAccount } from '../helpers/accounts.js';
import { ConsoleClient, isSignedIn } from '../helpers/console.js';
import { call, maskedPair, pooledService, text } from '../helpers/factories.js';
import { expectError, HttpClient } from '../helpers/http-client.js';
import { everyRow } from '../helpers/invariants.js';

const POOL = ['+14155550100', '+14155550101'];
const ALICE = '+12125550101';
const BOB = '+12125550102';

/** Rotations are made with the app's own clock and the refusal rule of its configuration. */
function rotation(t: TestApp) {
  const { database, clock, config, components } = t.app.parley;
  const args = (sid: string) => [database.queries, clock.base, sid, config.accountSid] as const;
  return {
    create: (sid: string) => createSecondaryToken(...args(sid)),
    promote: (sid: string) => promoteSecondaryToken(...args(sid)),
    remove: (sid: string) => deleteSecondaryToken(...args(sid)),
    // A running server sees a change within 5 s (its credential cache); the test does not wait.
    forgetCachedCredentials: () => components.authenticator.forget(),
  };
}

async function status(account: TestAccount, password: string): Promise<number> {
  return (await account.api.get('/v1/Services', undefined, { auth: { username: account.sid, password } })).status;
}

describe('auth token rotation (the secondary token)', () => {
  const fixture = appAndReceiver();

  test('the secondary token works beside the auth token; promoted, it replaces it and signs the callbacks', async () => {
    const { t, receiver } = fixture;
    const account = await addAccount(t);
    const rotate = rotation(t);
    const pair = await maskedPair(account.api, { pool: POOL, service: { CallbackUrl: receiver.url('/callback') }, a: ALICE, b: BOB });
    const signedWith = async (api: HttpClient, body: string) => {
      const seen = receiver.requests.length;
      await text(api, ALICE, pair.a.proxy, body);
      const [request] = (await receiver.waitFor(seen + 1)).slice(seen);
      const signature = String(request!.headers['x-twilio-signature']);
      return (token: string) => twilio.validateRequest(token, signature, receiver.fullUrl(request!), request!.params);
    };
    const old = account.authToken;

    const secondary = await rotate.create(account.sid);
    assert.match(secondary, /^[0-9a-f]{32}$/);
    assert.notEqual(secondary, old);
    rotate.forgetCachedCredentials();
    assert.equal(await status(account, old), 200, 'the auth token still works');
    assert.equal(await status(account, secondary), 200, 'the secondary token works');
    expectError(
      await account.api.get('/v1/Services', undefined, { auth: { username: account.sid, password: `${secondary}x` } }),
      401,
      20003,
    );
    assert.deepEqual(await accountTokens(t.app.parley.database.queries, account.sid), { authToken: old, secondaryAuthToken: secondary });
    // Until it is promoted, the auth token signs.
    const before = await signedWith(account.api, 'before the promotion');
    assert.equal(before(old), true);
    assert.equal(before(secondary), false);

    await rotate.promote(account.sid);
    rotate.forgetCachedCredentials();
    expectError(await account.api.get('/v1/Services', undefined, { auth: account.auth }), 401, 20003);
    assert.equal(await status(account, secondary), 200, 'the promoted token works');
    assert.deepEqual(await accountTokens(t.app.parley.database.queries, account.sid), { authToken: secondary, secondaryAuthToken: null });
    const afterwards = await signedWith(new HttpClient(t.baseUrl, { username: account.sid, password: secondary }), 'after the promotion');
    assert.equal(afterwards(secondary), true, 'callbacks are signed with the new auth token');
    assert.equal(afterwards(old), false, 'and no longer with the old one');

    await assert.rejects(
      rotate.promote(account.sid),
      (err: Error) => err instanceof AdminRefusal && err.message === `${account.sid} has no secondary token`,
    );
  });

  test('a deleted secondary token stops working; the auth token and API keys go on', async () => {
    const { t } = fixture;
    const account = await addAccount(t);
    const key = await addApiKey(t, account.sid);
    const rotate = rotation(t);
    const first = await rotate.create(account.sid);
    // Creating again replaces it, as Twilio's create does.
    const secondary = await rotate.create(account.sid);
    assert.notEqual(secondary, first);
    rotate.forgetCachedCredentials();
    expectError(await account.api.get('/v1/Services', undefined, { auth: { username: account.sid, password: first } }), 401, 20003);
    assert.equal(await status(account, secondary), 200);

    await rotate.remove(account.sid);
    rotate.forgetCachedCredentials();
    expectError(await account.api.get('/v1/Services', undefined, { auth: { username: account.sid, password: secondary } }), 401, 20003);
    assert.equal(await status(account, account.authToken), 200);
    assert.equal((await key.api.get('/v1/Services')).status, 200);
    await assert.rejects(rotate.remove(account.sid), /has no secondary token$/);
  });

  test('the account whose token comes from PARLEY_AUTH_TOKEN is refused, naming the variable', async () => {
    const { t } = fixture;
    const rotate = rotation(t);
    for (const attempt of [rotate.create, rotate.promote, rotate.remove]) {
      await assert.rejects(
        attempt(TEST_ACCOUNT_SID),
        (err: Error) => err instanceof AdminRefusal && err.message.includes('PARLEY_AUTH_TOKEN'),
      );
    }
    assert.deepEqual(await accountTokens(t.app.parley.database.queries, TEST_ACCOUNT_SID), {
      authToken: TEST_AUTH_TOKEN,
      secondaryAuthToken: null,
    });
    await assert.rejects(rotate.create(`AC${'0'.repeat(32)}`), /no account AC0{32}$/);
  });
});

describe('deleting an account', () => {
  const fixture = appAndReceiver();

  /**
   * Something in every table an account owns, through the API and a console sign-in (with the
   * account's token): the same numbers in both accounts. Returns the signed-in console.
   */
  async function populate(api: TestAccount['api'], accountSid: string, authToken: string): Promise<ConsoleClient> {
    const { t, receiver } = fixture;
    await addApiKey(t, accountSid);
    const signedIn = await ConsoleClient.signIn(t.baseUrl, { username: accountSid, password: authToken });
    const service = await pooledService(api, POOL, { CallbackUrl: receiver.url('/callback') });
    const pair = await maskedPair(api, { in: service, a: ALICE, b: BOB });
    await text(api, ALICE, pair.a.proxy, 'hello');
    await text(api, BOB, pair.b.proxy, 'hi');
    await call(api, ALICE, pair.a.proxy);
    // A fault still waiting for its leg.
    const fault = await api.post('/simulator/v1/Faults', { Number: '+15551239999', Channel: 'voice', Outcome: 'busy' });
    assert.equal(fault.status, 201, fault.text);
    const keyed = await api.post('/v1/Services', { UniqueName: `keyed-${accountSid}` }, { headers: { [IDEMPOTENCY_HEADER]: 'one' } });
    assert.equal(keyed.status, 201, keyed.text);
    return signedIn;
  }

  test('removes every row of the account in every table, and leaves the other account as it was', async () => {
    const { t, receiver } = fixture;
    const doomed = await addAccount(t);
    const doomedConsole = await populate(doomed.api, doomed.sid, doomed.authToken);
    const otherConsole = await populate(t.api, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN);
    await receiver.waitFor(6);
    await t.app.parley.components.outbox.drain();

    const { db, transactions } = t.app.parley.database;
    const before = await everyRow(db);
    const owned = ACCOUNT_TABLES.flatMap((table) =>
      before[table]!.filter((row) => row.account_sid === doomed.sid && typeof row.sid === 'string'),
    );
    const doomedSids = new Set<string>([doomed.sid, ...owned.map((row) => row.sid as string)]);
    const mentionsDoomed = (row: Record<string, unknown>) =>
      Object.values(row).some((value) => typeof value === 'string' && [...doomedSids].some((sid) => value.includes(sid)));
    // The fixture reaches every table deletion must empty.
    for (const table of ACCOUNT_TABLES) assert.ok(before[table]!.some(mentionsDoomed), `the doomed account has rows in ${table}`);

    const deleted = await deleteAccount(transactions, doomed.sid, t.app.parley.config.accountSid);
    for (const table of ACCOUNT_TABLES)
      assert.equal(deleted[table], before[table]!.filter(mentionsDoomed).length, `rows deleted from ${table}`);

    const afterwards = await everyRow(db);
    assert.deepEqual(Object.keys(afterwards).sort(), Object.keys(before).sort());
    for (const [table, rows] of Object.entries(afterwards)) {
      assert.deepEqual(rows.filter(mentionsDoomed), [], `nothing of the account is left in ${table}`);
      const byKey = (list: Array<Record<string, unknown>>) => list.map((row) => JSON.stringify(row)).sort();
      assert.deepEqual(byKey(rows), byKey(before[table]!.filter((row) => !mentionsDoomed(row))), `the rest of ${table} is unchanged`);
    }

    t.app.parley.components.authenticator.forget();
    expectError(await doomed.api.get('/v1/Services'), 401, 20003);
    assert.equal(await isSignedIn(doomedConsole), false, 'the account’s console session ended with it');
    assert.equal(await isSignedIn(otherConsole), true, 'the other account’s goes on');
    assert.equal((await t.api.get(`/v1/Services`)).body.services.length, 2, 'the other account keeps its services');
  });

  test('the PARLEY_ACCOUNT_SID account is refused, naming the variable; an unknown SID too', async () => {
    const { t } = fixture;
    const { database, config } = t.app.parley;
    await assert.rejects(
      deleteAccount(database.transactions, TEST_ACCOUNT_SID, config.accountSid),
      (err: Error) => err instanceof AdminRefusal && err.message.includes('PARLEY_ACCOUNT_SID'),
    );
    assert.equal((await t.api.get('/v1/Services')).status, 200);
    const ghost = `AC${'0'.repeat(32)}`;
    await assert.rejects(
      deleteAccount(database.transactions, ghost, config.accountSid),
      (err: Error) => err instanceof AdminRefusal && err.message === `no account ${ghost}`,
    );
  });
});
