// A database outage, on PostgreSQL: a TCP proxy (test/helpers/tcp-proxy.ts) stands between the
// server (a real `parley serve` process, PARLEY_DB_TIMEOUT_MS=1000) and its database, and the test
// breaks the network there. While the database cannot be reached, every API request must answer
// 503 with Twilio's error body (code 20503) rather than wait for the database, /healthz must answer
// 503, and the process must stay up; once the network is back the server must answer normally
// again without a restart, and nothing a failed request started may be left half written. Nothing
// here asserts how fast: an outage lasts until the test ends it, after the answers are in.
//
// The outages: the proxy cut (every connection closed, nothing listening), with requests in flight
// and without; a stall that heals (connections stay open and carry nothing, then carry on where they
// stopped, as TCP does after a partition); one connection stalling in the middle of a transaction;
// and a stall whose connections never answer again (the database side gone without a FIN or RST, as
// after a failover) while new connections work. Each runs against a server of its own, so that one
// that dies does not take the next ones with it.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, testEngine } from '../helpers/database.js';
import type { TestDatabase } from '../helpers/database.js';
import { eventually, GENEROUS_MS, sleep } from '../helpers/eventually.js';
import { handset } from '../helpers/factories.js';
import type { Response } from '../helpers/http-client.js';
import { inspectDatabase, poolProblems } from '../helpers/invariants.js';
import { CallbackReceiver } from '../helpers/receiver.js';
import { spawnServer } from '../helpers/server-process.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const TIMEOUT_MS = 1000;
/**
 * How long a request may take to answer during an outage before it counts as hanging: far past
 * the database timeout (a busy machine answers late, not never), and far short of the outages,
 * which last until the test ends them, after the answers are in.
 */
const ANSWER_DEADLINE_MS = 30 * TIMEOUT_MS;

interface Outcome {
  what: string;
  status: number;
  code: number | null;
  retryAfter: string | null;
  ms: number;
}

let nextProbe = 0;

/** The answer to `request`, or a failure once it has not come within ANSWER_DEADLINE_MS (it hangs). */
async function answered<T>(request: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ANSWER_DEADLINE_MS} ms`)), ANSWER_DEADLINE_MS);
  });
  try {
    return await Promise.race([request, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const describeOnPostgres = testEngine() === 'postgres' ? describe : describe.skip;
if (testEngine() !== 'postgres') {
  test('database outages', { skip: 'PostgreSQL only: SQLite is a file in the process, there is no network to lose' }, () => {});
}

describeOnPostgres('a database outage (PostgreSQL behind a TCP proxy the test breaks)', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let viaProxy = '';
  let receiver: CallbackReceiver;
  let server: ServerProcess | undefined;
  let service = '';
  let member = { identifier: '', proxy: '' };

  const start = async (env: Record<string, string> = {}) => {
    server = await spawnServer({ DATABASE_URL: viaProxy, PARLEY_DB_TIMEOUT_MS: String(TIMEOUT_MS), ...env });
    return server;
  };

  before(async () => {
    database = await createTestDatabase();
    const target = new URL(database.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.listen();
    const url = new URL(database.url);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    viaProxy = url.toString();
    receiver = await CallbackReceiver.start();

    const setup = await start();
    const created = await setup.api.post('/v1/Services', { UniqueName: 'outage', CallbackUrl: receiver.url('/callbacks') });
    assert.equal(created.status, 201, created.text);
    service = `/v1/Services/${created.body.sid}`;
    for (const number of ['+14155553000', '+14155553001']) {
      const added = await setup.api.post(`${service}/PhoneNumbers`, { PhoneNumber: number });
      assert.equal(added.status, 201, added.text);
    }
    const session = await setup.api.post(`${service}/Sessions`, {
      Participants: [JSON.stringify({ Identifier: handset() }), JSON.stringify({ Identifier: handset() })],
    });
    assert.equal(session.status, 201, session.text);
    const listed = await setup.api.get(`${service}/Sessions/${session.body.sid}/Participants`);
    const first = (listed.body.participants as Array<Record<string, string>>)[0]!;
    member = { identifier: first.identifier!, proxy: first.proxy_identifier! };
    assert.equal(await setup.stop(), 0, setup.exitReport());
  });
  afterEach(async () => {
    await server?.kill();
    server = undefined;
    // The next test starts with a working network.
    await proxy.cut();
    await proxy.listen();
  });
  after(async () => {
    await proxy?.close();
    await receiver?.close();
    await database?.drop();
  });

  /** The server's last words, for assertion messages. */
  const tail = (s: ServerProcess) => `the server is ${s.alive() ? 'running' : 'DEAD'}; its output ends:\n${s.output().slice(-3000)}`;

  /** What the API answers right now to a read, a list, a session create, a routed message and the health check. */
  const probe = async (s: ServerProcess): Promise<Outcome[]> => {
    const timed = async (what: string, request: () => Promise<Response>): Promise<Outcome> => {
      const started = Date.now();
      let response: Response;
      try {
        response = await answered(request(), what);
      } catch (err) {
        assert.fail(`${what}: no answer (${String(err)}); ${tail(s)}`);
      }
      return {
        what,
        status: response.status,
        code: response.status >= 400 ? (response.body?.code ?? null) : null,
        retryAfter: response.headers.get('retry-after'),
        ms: Date.now() - started,
      };
    };
    const health = async (): Promise<Response> => {
      const response = await fetch(`${s.baseUrl}/healthz`);
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
    };
    return Promise.all([
      timed('read', () => s.api.get(service)),
      timed('list', () => s.api.get(`${service}/Sessions`)),
      timed('create', () =>
        s.api.post(`${service}/Sessions`, {
          UniqueName: `probe-${++nextProbe}`,
          Participants: [JSON.stringify({ Identifier: handset() }), JSON.stringify({ Identifier: handset() })],
        }),
      ),
      timed('message', () => s.api.post('/simulator/v1/Messages', { From: member.identifier, To: member.proxy, Body: 'probe' })),
      timed('healthz', health),
    ]);
  };

  /**
   * Probes every ~200 ms for `ms` (each round waits for its answers); every answer must be a 503
   * (20503, Retry-After), given while the outage lasts: it lasts until the test ends it, so an
   * answer at all shows the request gave up at the database timeout rather than wait for the
   * database. How fast it answered is only reported.
   */
  const expectUnavailable = async (t: TestContext, s: ServerProcess, ms: number) => {
    const until = Date.now() + ms;
    let rounds = 0;
    let slowest = 0;
    while (Date.now() < until) {
      for (const outcome of await probe(s)) {
        assert.equal(outcome.status, 503, `${outcome.what} during the outage: ${JSON.stringify(outcome)}`);
        if (outcome.what !== 'healthz') {
          assert.equal(outcome.code, 20503, `${outcome.what}: ${JSON.stringify(outcome)}`);
          assert.equal(outcome.retryAfter, '1', `${outcome.what} says when to retry`);
        }
        slowest = Math.max(slowest, outcome.ms);
      }
      rounds++;
      assert.ok(s.alive(), tail(s));
      await sleep(200);
    }
    t.diagnostic(`${rounds} rounds of 503s, slowest answer ${slowest} ms`);
  };

  /**
   * Probes until a whole round succeeds (without a restart: a server that never recovers fails
   * after a generous deadline), then checks that it keeps succeeding.
   */
  const expectRecovered = async (t: TestContext, s: ServerProcess) => {
    const started = Date.now();
    await eventually(
      async () => {
        const outcomes = await probe(s);
        assert.ok(
          outcomes.every((outcome) => outcome.status < 300),
          `not answering normally after the database came back: ${JSON.stringify(outcomes)}`,
        );
      },
      { timeoutMs: 2 * GENEROUS_MS, intervalMs: 100 },
    );
    t.diagnostic(`answering normally ${Date.now() - started} ms after the database came back`);
    for (let round = 0; round < 10; round++) {
      for (const outcome of await probe(s)) assert.ok(outcome.status < 300, `after recovery, round ${round}: ${JSON.stringify(outcome)}`);
    }
    assert.ok(s.alive(), tail(s));
  };

  const expectHealthy = async (s: ServerProcess) => {
    for (const outcome of await probe(s)) assert.ok(outcome.status < 300, `before the outage: ${JSON.stringify(outcome)}`);
  };

  /** Straight to the database, past the proxy: nothing a failed request started is left half written. */
  const expectNothingHalfWritten = async () => {
    const inspector = inspectDatabase(database.url);
    try {
      const partial = await sql<{ sid: string; unique_name: string; participants: number }>`
        select s.sid, s.unique_name, (select count(*) from participants p where p.session_sid = s.sid) as participants
        from sessions s where s.unique_name like 'probe-%' or s.unique_name in ('torn', 'expiring')`.execute(inspector.db);
      assert.deepEqual(
        partial.rows.filter((row) => Number(row.participants) !== 2),
        [],
        'every session created with two inline participants has both (or does not exist)',
      );
      assert.deepEqual(await poolProblems(inspector.db), [], 'the number pool is consistent');
    } finally {
      await inspector.destroy();
    }
  };

  test('the proxy cut while requests are in flight: the process stays up and answers 503s', async (t) => {
    const s = await start({ PARLEY_OUTBOX_POLL_MS: '50', PARLEY_EXPIRY_SWEEP_MS: '50' });
    await expectHealthy(s);
    let cutting = false;
    const lost: string[] = [];
    const load = Array.from({ length: 8 }, async (_, i) => {
      while (!cutting) {
        try {
          await (i % 2 === 0 ? s.api.get(`${service}/Sessions`, { PageSize: 20 }) : s.api.post(`${service}/Sessions`, {}));
        } catch (err) {
          lost.push(String(err));
        }
      }
    });
    await sleep(500);
    await proxy.cut();
    await sleep(TIMEOUT_MS + 500);
    cutting = true;
    await Promise.all(load);
    assert.ok(s.alive(), `a connection lost while in use must not end the process; ${tail(s)}`);
    assert.deepEqual(lost, [], 'every request in flight at the cut got an answer');
    await expectUnavailable(t, s, 2000);
    await proxy.listen();
    await expectRecovered(t, s);
    await expectNothingHalfWritten();
  });

  test('the proxy cut: 503s and a 503 health check while it lasts; once it is back, normal answers and background jobs carry on', async (t) => {
    // Background jobs at their usual pace (their passes are what is in flight at the cut here).
    const s = await start({ PARLEY_OUTBOX_POLL_MS: '250', PARLEY_EXPIRY_SWEEP_MS: '1000' });
    await expectHealthy(s);

    // A callback that fails once just before the cut: its retry comes due during the outage.
    receiver.respond({ status: 500 });
    const sent = await s.api.post('/simulator/v1/Messages', { From: member.identifier, To: member.proxy, Body: 'before the cut' });
    assert.equal(sent.status, 201, sent.text);
    // (The probes' messages have callbacks too: count only this interaction's.)
    const attempts = () => receiver.requests.filter((request) => request.params.interactionSid === sent.body.interaction_sid);
    await eventually(() => assert.ok(attempts().length > 0, 'the callback was attempted'));
    // The failure is written down (the retry is due 1 s after the attempt), straight in the database.
    const recorder = inspectDatabase(database.url);
    try {
      await eventually(async () => {
        const job = await recorder.db
          .selectFrom('outbox')
          .select(['attempts', 'locked_until'])
          .where('payload', 'like', `%${sent.body.interaction_sid}%`)
          .executeTakeFirst();
        assert.ok(job?.attempts === 1 && job.locked_until === null, `the failed attempt is recorded: ${JSON.stringify(job)}`);
      });
    } finally {
      await recorder.destroy();
    }
    // A session that expires during the outage: the expiry job must close it once the database is back.
    const expiring = await s.api.post(`${service}/Sessions`, {
      Ttl: 2,
      UniqueName: 'expiring',
      Participants: [JSON.stringify({ Identifier: handset() }), JSON.stringify({ Identifier: handset() })],
    });
    assert.equal(expiring.status, 201, expiring.text);
    await proxy.cut();
    assert.equal(proxy.connections, 0);
    // Longer than the credential cache (5 s): authentication needs the database too by the end.
    await expectUnavailable(t, s, 6000);
    assert.equal(attempts().length, 1, 'no retry while the database is unreachable');

    receiver.respond({ status: 200 });
    await proxy.listen();
    await expectRecovered(t, s);

    // Background jobs carried on by themselves: the retry is delivered, the expired session closed.
    await eventually(() => assert.ok(attempts().length >= 2, 'the callback whose retry came due during the outage is delivered'));
    // Written down in the database, not only shown closed on read: its numbers are free again.
    const inspector = inspectDatabase(database.url);
    try {
      const stored = async () => {
        const session = await inspector.db
          .selectFrom('sessions')
          .select('status')
          .where('sid', '=', expiring.body.sid)
          .executeTakeFirstOrThrow();
        const held = await inspector.db
          .selectFrom('assignments')
          .select('identifier')
          .where('session_sid', '=', expiring.body.sid)
          .execute();
        return { status: session.status, held: held.length };
      };
      await eventually(async () =>
        assert.deepEqual(await stored(), { status: 'closed', held: 0 }, 'the expiry job closed the session and released its numbers'),
      );
    } finally {
      await inspector.destroy();
    }
    await expectNothingHalfWritten();
  });

  test('a stall that heals: 503s, not a wait for the database, then normal answers, nothing half written', async (t) => {
    const s = await start();
    await expectHealthy(s);
    proxy.stall();
    // Each answer waits at worst for a connection, a query and a rollback, each bounded by the timeout.
    await expectUnavailable(t, s, 4000);
    proxy.heal();
    await expectRecovered(t, s);
    await expectNothingHalfWritten();
  });

  test('a transaction whose connection stalls past the timeout is never committed in part', async () => {
    // Background jobs idle, so the requests below are the only users of the pool.
    const s = await start({ PARLEY_OUTBOX_POLL_MS: '60000', PARLEY_EXPIRY_SWEEP_MS: '3600000' });
    await expectHealthy(s);
    // The connection stalls when the session create sends its second participant: the session row
    // and the first participant are already written in its transaction. (The trigger is a value
    // only that insert carries: statements are prepared once per connection, so their text does
    // not cross the wire every time.)
    const stalled = proxy.stallOn('torn-second-participant');
    const torn = await answered(
      s.api.post(`${service}/Sessions`, {
        UniqueName: 'torn',
        Participants: [
          JSON.stringify({ Identifier: handset() }),
          JSON.stringify({ Identifier: handset(), FriendlyName: 'torn-second-participant' }),
        ],
      }),
      'the session create whose connection stalled',
    );
    const link = await Promise.race([
      stalled,
      sleep(5000).then(() => assert.fail(`the insert of the second participant never crossed the proxy (answer: ${torn.status})`)),
    ]);
    // The stall lasts until the test heals it: the request gave up at the database timeout.
    assert.equal(link.state, 'stalled', 'the answer came while the connection was stalled');
    assert.equal(torn.status, 503, torn.text);
    assert.equal(torn.body.code, 20503);
    // The network recovers: what the stalled connection held goes through.
    proxy.heal();
    // Later requests, one after another, as a client retrying would send them.
    for (let i = 0; i < 3; i++) {
      const next = await s.api.post(`${service}/Sessions`, { UniqueName: `after-torn-${i}` });
      assert.equal(next.status, 201, next.text);
    }
    const inspector = inspectDatabase(database.url);
    try {
      const { rows } = await sql<{ sid: string; participants: number }>`
        select s.sid, (select count(*) from participants p where p.session_sid = s.sid) as participants
        from sessions s where s.unique_name = 'torn'`.execute(inspector.db);
      // The request answered 503: its session may not exist, or (had the commit gone through) exist
      // whole; never with one participant.
      for (const row of rows) {
        assert.equal(
          Number(row.participants),
          2,
          `the session of a request that answered 503 was committed in part: ${JSON.stringify(row)}`,
        );
      }
      assert.deepEqual(await poolProblems(inspector.db), [], 'the number pool is consistent');
    } finally {
      await inspector.destroy();
    }
  });

  test('a stall whose connections never answer again: the server recovers on new connections', async (t) => {
    const s = await start();
    await expectHealthy(s);
    proxy.stall();
    await expectUnavailable(t, s, 3000);
    proxy.abandonStalled();
    // New connections work at once; a connection that has not answered within the timeout must not
    // be handed out again and again (or the server would never recover).
    await expectRecovered(t, s);
    await expectNothingHalfWritten();
  });
});
