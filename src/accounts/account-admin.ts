// The emulator's admin API (POST and DELETE /simulator/v1/Accounts, with PARLEY_ADMIN_TOKEN): an
// account per test suite, made and removed over HTTP the same way `parley accounts create` and
// `parley accounts delete` do it (accounts.service.ts, account-deletion.ts). What this adds is the
// running server's side: a deleted account's cached credentials and clock are forgotten at once.

import type { Transactions } from '../db/database.js';
import type { AccountRow } from '../db/schema.js';
import type { Db } from '../db/unit-of-work.js';
import { ApiError, notFound } from '../errors/api-error.js';
import type { AccountClocks } from './account-clocks.js';
import { deleteAccount } from './account-deletion.js';
import { AdminRefusal, createAccount, NoSuchAccount } from './accounts.service.js';
import type { Authenticator } from './authenticator.js';

export class AccountAdmin {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly clocks: AccountClocks,
    private readonly authenticator: Authenticator,
    /** PARLEY_ACCOUNT_SID: not deleted (the server would create it again at its next start). */
    private readonly configuredSid: string | null,
  ) {}

  /** A new account, its clock at real time. */
  create(friendlyName?: string): Promise<AccountRow> {
    return createAccount(this.db, this.clocks.base, { friendlyName });
  }

  /** The account and everything it holds, its clock included; 20404 when there is none. */
  async delete(sid: string): Promise<void> {
    try {
      await deleteAccount(this.transactions, sid, this.configuredSid);
    } catch (err) {
      if (err instanceof NoSuchAccount) throw notFound(`/simulator/v1/Accounts/${sid}`);
      if (err instanceof AdminRefusal) throw new ApiError(70002, { detail: err.message });
      throw err;
    }
    this.clocks.forget(sid);
    this.authenticator.forget();
  }
}
