// Whether the database takes writes, for /healthz. Reaching the database is not enough: with its
// disk full, its file read-only or its I/O failing, every read still answers while every write
// fails, and a load balancer asking /healthz would keep sending writes to a node that can only
// refuse them.
//
// Every statement's failure passes through `observe` (database.ts wraps SQLite's statements,
// pg-connections.ts PostgreSQL's connections). After a storage fault the storage counts as failing
// until a write probe succeeds: a page-sized row inserted into storage_probe and deleted again, in a
// committed transaction. /healthz probes only while failing (so it cannot make a healthy server
// write); /healthz/ready probes each time it asks (`probe`, its answers reused for a second:
// lifecycle/readiness.ts). Callers asking at once share one probe.

import { randomBytes, randomUUID } from 'node:crypto';
import { isDatabaseUnavailable } from './constraint-errors.js';
import type { Transactions } from './database.js';

// About a page (SQLite's 4 KiB), so the probe needs room for a new page as real writes do; random,
// so PostgreSQL cannot compress it to nothing.
const PAYLOAD = randomBytes(2048).toString('hex');

export class StorageHealth {
  /** Storage faults seen so far, and how many of them a successful probe has answered. */
  #faults = 0;
  #answered = 0;
  #probe: Promise<boolean> | null = null;

  /** Called with every failure of a statement (or of a connection); keeps only storage faults. */
  observe(err: unknown): void {
    if (isDatabaseUnavailable(err)) this.#faults++;
  }

  get failing(): boolean {
    return this.#faults !== this.#answered;
  }

  /** True while no storage fault is unanswered; otherwise probes, and true only if the probe wrote. */
  check(transactions: Transactions): Promise<boolean> {
    return this.failing ? this.probe(transactions) : Promise.resolve(true);
  }

  /** Probes now, failing or not: true only if the probe wrote (and no newer fault is unanswered). */
  probe(transactions: Transactions): Promise<boolean> {
    this.#probe ??= this.#runProbe(transactions).finally(() => {
      this.#probe = null;
    });
    return this.#probe;
  }

  async #runProbe(transactions: Transactions): Promise<boolean> {
    const seen = this.#faults;
    try {
      await probeWrite(transactions);
    } catch {
      return false;
    }
    // A fault some other write met while the probe ran is newer than the probe's answer.
    this.#answered = seen;
    return !this.failing;
  }
}

async function probeWrite(transactions: Transactions): Promise<void> {
  // Its own id, so that nodes sharing a PostgreSQL database never wait for each other's probe.
  const id = randomUUID();
  await transactions.run(async (uow) => {
    uow.write(uow.sql.insertInto('storage_probe').values({ id, payload: PAYLOAD }));
    uow.write(uow.sql.deleteFrom('storage_probe').where('id', '=', id));
  });
}
