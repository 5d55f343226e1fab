// Whether this node should be sent traffic (/healthz/ready): not while it drains before a shutdown,
// not while its database lacks this build's newest migration (buildApp migrated it before
// listening, so that means the database behind the URL changed: a restored backup, a failover to a
// stale replica), and not while the database refuses writes. The write check is a real committed
// write (db/storage-health.ts), because a database that answers reads can still refuse every write
// (a full disk, a read-only replica).
//
// The endpoint needs no credentials, so a flood of probes must not become a flood of writes: an
// answer is reused for REUSE_MS, and callers asking while a probe runs share it.

import type { DatabaseHandle } from '../db/database.js';
import { hasLatestMigration } from '../db/migrate.js';
import type { Timer } from './timer.js';

/** The checks /healthz/ready reports by name when they fail. */
export type ReadinessCheck = 'draining' | 'schema' | 'writes';

export interface ReadinessReport {
  ready: boolean;
  failed: ReadinessCheck[];
}

/** How long one probe's answer stands: a load balancer asks every few seconds, a flood gets the same answer. */
export const REUSE_MS = 1000;

export class Readiness {
  #draining = false;
  /** The last answer and when it came; the probe under way, which callers join. */
  #answer: { at: number; report: ReadinessReport } | null = null;
  #probing: Promise<ReadinessReport> | null = null;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly timer: Timer,
  ) {}

  /** From now on the node reports itself not ready, whatever the database says (a shutdown began). */
  drain(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  check(): Promise<ReadinessReport> {
    if (this.#draining) return Promise.resolve({ ready: false, failed: ['draining'] });
    if (this.#answer !== null && this.timer.now() - this.#answer.at < REUSE_MS) return Promise.resolve(this.#answer.report);
    this.#probing ??= this.#probe().then((report) => {
      this.#answer = { at: this.timer.now(), report };
      this.#probing = null;
      return report;
    });
    return this.#probing;
  }

  async #probe(): Promise<ReadinessReport> {
    const [schema, writes] = await Promise.all([
      hasLatestMigration(this.database.db).catch(() => false),
      this.database.writable().catch(() => false),
    ]);
    const failed: ReadinessCheck[] = [];
    if (!schema) failed.push('schema');
    if (!writes) failed.push('writes');
    return { ready: failed.length === 0, failed };
  }
}
