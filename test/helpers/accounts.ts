// More tenants for a test app: accounts and API keys written straight into its database, each
// with an HttpClient that authenticates as it.

import assert from 'node:assert/strict';
import { createAccount, createApiKey } from '../../src/accounts/accounts.service.js';
import type { NewAccount } from '../../src/accounts/accounts.service.js';
import { systemClock } from '../../src/common/clock.js';
import type { TestApp } from './app.js';
import { HttpClient } from './http-client.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface TestAccount {
  sid: string;
  authToken: string;
  auth: Credentials;
  /** Authenticated with the account SID and auth token. */
  api: HttpClient;
}

export interface TestApiKey {
  sid: string;
  secret: string;
  accountSid: string;
  auth: Credentials;
  /** Authenticated with the key SID and secret. */
  api: HttpClient;
}

export async function addAccount(t: TestApp, input: NewAccount = {}): Promise<TestAccount> {
  const row = await createAccount(t.app.parley.database.queries, systemClock, input);
  const auth = { username: row.sid, password: row.auth_token };
  return { sid: row.sid, authToken: row.auth_token, auth, api: new HttpClient(t.baseUrl, auth) };
}

export async function addApiKey(t: TestApp, accountSid: string, friendlyName?: string): Promise<TestApiKey> {
  const key = await createApiKey(t.app.parley.database.queries, systemClock, accountSid, friendlyName);
  assert.ok(key, `no account ${accountSid}`);
  const auth = { username: key.sid, password: key.secret };
  return { sid: key.sid, secret: key.secret, accountSid, auth, api: new HttpClient(t.baseUrl, auth) };
}

/** PARLEY_ADMIN_TOKEN for the tests of the emulator's admin API. */
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** The bearer header of the emulator's admin API. */
export function adminHeaders(token = ADMIN_TOKEN): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** An account made through the emulator's admin API (the app runs with PARLEY_ADMIN_TOKEN=ADMIN_TOKEN). */
export async function accountOverHttp(t: TestApp, friendlyName?: string): Promise<TestAccount> {
  const form = friendlyName === undefined ? {} : { FriendlyName: friendlyName };
  const created = await t.anonymous.post('/simulator/v1/Accounts', form, { headers: adminHeaders() });
  assert.equal(created.status, 201, created.text);
  const auth = { username: created.body.sid as string, password: created.body.auth_token as string };
  return { sid: auth.username, authToken: auth.password, auth, api: new HttpClient(t.baseUrl, auth) };
}
