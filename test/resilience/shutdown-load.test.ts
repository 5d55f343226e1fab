// SIGTERM in the middle of a load: a real `parley serve` (a file SQLite database or a scratch
// PostgreSQL one) takes concurrent session creates with inline participants, participant adds and
// fetches, and gets SIGTERM while they run. During the drain /healthz/ready answers 503 and the API
// still answers; then the listener closes and connecting is refused. Every request that got an
// answer got a whole, well-formed one (a 2xx matching the spec, or a Twilio-shaped 503); the
// process exits 0; restarted on the same database, everything answered 2xx is there, nothing is
// half written (also by the requests that got no answer), and the masking invariant holds.
//
// Each request goes on a fresh connection with `Connection: close`: with pooled keep-alive
// connections, a server closing an idle connection just as the client writes to it loses that
// request in a way no server can prevent (the client cannot tell it was never read), which would
// make the outcome depend on timing. Keep-alive across the shutdown is shutdown-sequence.test.ts's.
// A connection the kernel accepted but Node had not yet taken when the listener closed is reset
// (ECONNRESET, no answer): its request never reached Parley, which is why the drain comes first.
// The drain lasts DRAIN_MS of real time; nothing here asserts how long anything took.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { sql } from 'kysely';
import { createDurableDatabase, testEngine } from '../helpers/database.js';
import type { TestDatabase } from '../helpers/database.js';
import { eventually, GENEROUS_MS } from '../helpers/eventually.js';
import { handset } from '../helpers/factories.js';
import type { HttpClient, Response } from '../helpers/http-client.js';
import { inspectDatabase, poolProblems } from '../helpers/invariants.js';
import { spawnServer } from '../helpers/server-process.js';
import type { ServerProcess } from '../helpers/server-process.js';

const WORKERS = 8;
/** Long enough that the test sees it however busy the machine; the test waits for it, never times it. */
const DRAIN_MS = 2000;
const FRESH = { headers: { connection: 'close' } };
const participantsJson = (...identifiers: string[]) => identifiers.map((identifier) => JSON.stringify({ Identifier: identifier }));

type Outcome = { answered: Response } | { refused: true } | { unanswered: string };

/** One request's fate: answered, refused at connect (the listener is closed), or lost on the way. */
async function attempt(request: () => Promise<Response>): Promise<Outcome> {
  try {
    return { answered: await request() };
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err; // a malformed answer
    const code = (err as { cause?: { code?: string } }).cause?.code;
    return code === 'ECONNREFUSED' ? { refused: true } : { unanswered: `${String(err)} (${code})` };
  }
}

describe(`SIGTERM in the middle of a load (${testEngine()})`, () => {
  let database: TestDatabase | undefined;
  const servers: ServerProcess[] = [];
  before(async () => {
    database = await createDurableDatabase();
  });
  after(async () => {
    for (const server of servers) await server.kill();
    await database?.drop();
  });
  const start = async (env: Record<string, string> = {}) => {
    const server = await spawnServer({ DATABASE_URL: database!.url, ...env });
    servers.push(server);
    return server;
  };

  test('drains, finishes what it answers, exits 0, and keeps every acknowledged write', async (t: TestContext) => {
    const first = await start({ PARLEY_SHUTDOWN_DRAIN_MS: String(DRAIN_MS), PARLEY_SHUTDOWN_TIMEOUT_MS: String(GENEROUS_MS) });
    const service = await first.api.post('/v1/Services', { UniqueName: 'shutdown-load' });
    assert.equal(service.status, 201, service.text);
    const path = `/v1/Services/${service.body.sid}`;
    for (let i = 0; i < 12; i++) {
      const added = await first.api.post(`${path}/PhoneNumbers`, { PhoneNumber: `+1415555${String(3000 + i)}` });
      assert.equal(added.status, 201, added.text);
    }

    const acknowledged = {
      sessions: [] as Array<{ sid: string; identifiers: string[] }>,
      participants: [] as Array<{ sid: string; session: string }>,
    };
    const unexpected: string[] = [];
    const unanswered: string[] = [];
    let drainSeen = false;
    let answeredInDrain = 0;
    let n = 0;
    const step = async (api: HttpClient): Promise<boolean> => {
      const k = ++n;
      const inDrain = drainSeen;
      const choice = k % 3;
      const identifiers = [handset(), handset()];
      const [sessionSid] = acknowledged.sessions.length > 0 ? [acknowledged.sessions[k % acknowledged.sessions.length]!.sid] : [];
      const outcome = await attempt(() => {
        if (choice === 0 || sessionSid === undefined)
          return api.post(`${path}/Sessions`, { UniqueName: `load-${k}`, Participants: participantsJson(...identifiers) }, FRESH);
        if (choice === 1) return api.post(`${path}/Sessions`, { UniqueName: `empty-${k}` }, FRESH);
        return api.get(`${path}/Sessions/${sessionSid}`, undefined, FRESH);
      });
      if ('refused' in outcome) return false;
      if ('unanswered' in outcome) {
        unanswered.push(`request ${k}: ${outcome.unanswered}`);
        return true;
      }
      const { status, body, text } = outcome.answered;
      if (status === 503) return true; // Twilio-shaped (the client checks every error's shape)
      if (status !== 200 && status !== 201) unexpected.push(`request ${k}: ${status} ${text}`);
      else if (inDrain) answeredInDrain++;
      if (status === 201 && choice === 0) acknowledged.sessions.push({ sid: body.sid, identifiers });
      if (status === 201 && choice === 1) {
        const added = await attempt(() => api.post(`${path}/Sessions/${body.sid}/Participants`, { Identifier: identifiers[0] }, FRESH));
        if ('answered' in added && added.answered.status === 201)
          acknowledged.participants.push({ sid: added.answered.body.sid, session: body.sid });
        acknowledged.sessions.push({ sid: body.sid, identifiers: [] });
      }
      return true;
    };
    // Each worker runs until it is refused: the listener has closed.
    const workers = Array.from({ length: WORKERS }, async () => {
      while (await step(first.api));
    });
    await eventually(() => assert.ok(acknowledged.sessions.length >= 20, 'the load is under way'), 2 * GENEROUS_MS);

    const exited = first.stop();
    const ready = await eventually(async () => {
      const answer = await fetch(`${first.baseUrl}/healthz/ready`, FRESH);
      assert.equal(answer.status, 503, 'ready is 503 once SIGTERM has arrived');
      return answer.json();
    });
    drainSeen = true;
    assert.deepEqual(ready, { status: 'unavailable', failed: ['draining'] });
    assert.equal((await fetch(`${first.baseUrl}/healthz/live`, FRESH)).status, 200, 'live while draining');
    await Promise.all(workers);
    assert.equal(await exited, 0, first.exitReport());
    t.diagnostic(
      `acknowledged: ${acknowledged.sessions.length} sessions, ${acknowledged.participants.length} participants; ` +
        `${answeredInDrain} answered 2xx after the drain was seen; ${unanswered.length} got no answer`,
    );
    assert.deepEqual(unexpected, [], 'every answer was a 200, a 201 or a 503');
    assert.ok(answeredInDrain > 0, 'the API still answered while ready said 503');
    assert.doesNotMatch(first.output(), /"level":(50|60)/, 'nothing was logged as an error');

    const second = await start();
    for (const session of acknowledged.sessions) {
      const listed = await second.api.get(`${path}/Sessions/${session.sid}/Participants`);
      assert.equal(listed.status, 200, `session ${session.sid}: ${listed.text}`);
      const identifiers = (listed.body.participants as Array<Record<string, string>>).map((p) => p.identifier);
      if (session.identifiers.length > 0) assert.deepEqual(identifiers.sort(), [...session.identifiers].sort());
    }
    for (const participant of acknowledged.participants) {
      const fetched = await second.api.get(`${path}/Sessions/${participant.session}/Participants/${participant.sid}`);
      assert.equal(fetched.status, 200, `participant ${participant.sid}: ${fetched.text}`);
    }
    const inspector = inspectDatabase(database!.url);
    try {
      const { rows } = await sql<{ sid: string; participants: number }>`
        select s.sid, (select count(*) from participants p where p.session_sid = s.sid) as participants
        from sessions s where s.unique_name like 'load-%'`.execute(inspector.db);
      assert.deepEqual(
        rows.filter((row) => Number(row.participants) !== 2),
        [],
        'every session created with two inline participants has both, answered or not',
      );
      assert.deepEqual(await poolProblems(inspector.db), [], 'the number pool and the masking invariant hold');
    } finally {
      await inspector.destroy();
    }
    assert.equal(await second.stop(), 0, second.exitReport());
  });
});
