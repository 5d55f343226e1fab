// `parley accounts delete`: an account and everything it owns, in one transaction, so a failure
// halfway leaves the account whole. The account PARLEY_ACCOUNT_SID names is refused: the server
// would create it again, empty, at its next start, which is not what whoever deletes it wants.

import type { Transactions } from '../db/database.js';
import { ACCOUNT_TABLES, deleteAccountRows } from './account-deletion.repository.js';
import type { AccountTable } from './account-deletion.repository.js';
import { AdminRefusal, existingAccount } from './accounts.service.js';

export { ACCOUNT_TABLES };
export type DeletedRows = Record<AccountTable, number>;

export async function deleteAccount(transactions: Transactions, sid: string, configuredSid: string | null): Promise<DeletedRows> {
  if (sid === configuredSid) {
    throw new AdminRefusal(
      `${sid} is PARLEY_ACCOUNT_SID: the server would create it again at its next start; unset PARLEY_ACCOUNT_SID and PARLEY_AUTH_TOKEN first`,
    );
  }
  return transactions.run(async (uow) => {
    await existingAccount(uow, sid);
    return deleteAccountRows(uow, sid);
  });
}
