// `parley backup` taken from a real server's SQLite file while clients keep writing to it, then
// `parley restore`d into a new file and served again: every write the server acknowledged before
// the backup started is there, whole (no session without the participants it had, no participant
// without its number), and the masking invariant holds. Always SQLite files (backup copies them);
// the load runs until the backup is done and the server has taken more writes after it.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LATEST_MIGRATION } from '../../src/db/migrate.js';
import { runCli } from '../helpers/cli-process.js';
import { eventually } from '../helpers/eventually.js';
import { fetchOk, handset, pooledService, poolNumber } from '../helpers/factories.js';
import type { ServiceFixture } from '../helpers/factories.js';
import type { HttpClient } from '../helpers/http-client.js';
import { inspectDatabase, poolProblems } from '../helpers/invariants.js';
import { spawnServer } from '../helpers/server-process.js';

interface Acknowledged {
  /** `/v1/Services/KS…/Sessions/KC…` */
  path: string;
  /** The participants acknowledged before the backup started: sid -> [identifier, proxy number]. */
  participants: Map<string, [string, string]>;
}

/** Clients creating sessions and their two participants, recording what was acknowledged when. */
class WriteLoad {
  /** Sessions acknowledged (201) before `backupStarting()`, by sid. */
  readonly before = new Map<string, Acknowledged>();
  acknowledged = 0;
  private backupStarted = false;
  private stopped = false;
  private readonly workers: Array<Promise<void>>;

  constructor(
    private readonly api: HttpClient,
    private readonly service: ServiceFixture,
    clients: number,
  ) {
    this.workers = Array.from({ length: clients }, () => this.work());
  }

  /** Called just before `parley backup` is spawned: a write acknowledged after this may or may not be in it. */
  backupStarting(): void {
    this.backupStarted = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      const session = await this.api.post(`${this.service.service}/Sessions`, {});
      assert.equal(session.status, 201, session.text);
      const entry: Acknowledged = { path: `${this.service.service}/Sessions/${session.body.sid}`, participants: new Map() };
      this.acknowledge(() => this.before.set(session.body.sid, entry));
      for (let i = 0; i < 2; i++) {
        const participant = await this.api.post(`${entry.path}/Participants`, { Identifier: handset() });
        assert.equal(participant.status, 201, participant.text);
        const { sid, identifier, proxy_identifier: proxy } = participant.body;
        this.acknowledge(() => entry.participants.set(sid, [identifier, proxy]));
      }
    }
  }

  private acknowledge(record: () => void): void {
    this.acknowledged++;
    if (!this.backupStarted) record();
  }
}

describe('parley backup under write load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-backup-load-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const live = `sqlite:${join(dir, 'live.db')}`;
  const restored = `sqlite:${join(dir, 'restored.db')}`;
  const backupFile = join(dir, 'backup.db');

  test('the restored backup holds every write acknowledged before it started, each whole', async (t) => {
    const server = await spawnServer({ DATABASE_URL: live });
    let load: WriteLoad | null = null;
    try {
      load = new WriteLoad(server.api, await pooledService(server.api, [poolNumber(), poolNumber()]), 4);
      const running = load;
      await eventually(() => assert.ok(running.acknowledged >= 30, `${running.acknowledged} writes so far`));

      load.backupStarting();
      const atStart = load.acknowledged;
      const backup = await runCli(['backup', backupFile], { ...process.env, DATABASE_URL: live });
      assert.equal(backup.status, 0, backup.stderr);
      assert.match(
        backup.stdout,
        new RegExp(`^backed up .+ to .+backup\\.db: \\d+ bytes, schema ${LATEST_MIGRATION}, integrity check ok\n {2}accounts`),
      );
      // The server still takes writes once the backup is done: it held nothing that stops them.
      const atEnd = load.acknowledged;
      await eventually(() => assert.ok(running.acknowledged >= atEnd + 6, `${running.acknowledged - atEnd} writes since`));
      t.diagnostic(`${atStart} writes before the backup, ${atEnd - atStart} while it ran`);
      await load.stop();
    } finally {
      await load?.stop().catch(() => {});
      assert.equal(await server.stop(), 0, server.exitReport());
    }

    const restore = await runCli(['restore', backupFile], { ...process.env, DATABASE_URL: restored });
    assert.equal(restore.status, 0, restore.stderr);
    assert.match(restore.stdout, /^restored .+ into .+restored\.db: .+; schema is up to date\n/);

    // Served again: every session acknowledged before the backup, with its acknowledged participants.
    assert.ok(load.before.size >= 10, `${load.before.size} sessions acknowledged before the backup`);
    const again = await spawnServer({ DATABASE_URL: restored });
    try {
      for (const [sid, acknowledged] of load.before) {
        assert.equal((await fetchOk(again.api, acknowledged.path)).sid, sid);
        const listed = (await fetchOk(again.api, `${acknowledged.path}/Participants`)).participants as Array<Record<string, string>>;
        const served = new Map(listed.map((p) => [p.sid, [p.identifier, p.proxy_identifier]]));
        for (const [participant, fields] of acknowledged.participants) {
          assert.deepEqual(served.get(participant), fields, `participant ${participant} of session ${sid}`);
        }
      }
    } finally {
      assert.equal(await again.stop(), 0, again.exitReport());
    }

    // Whole, sessions written during the backup too: every participant holds its number, every
    // number's count matches its assignments, and no identifier holds one number twice.
    const inspected = inspectDatabase(restored);
    try {
      assert.deepEqual(await poolProblems(inspected.db), []);
    } finally {
      await inspected.destroy();
    }
  });
});
