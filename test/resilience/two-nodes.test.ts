// Two Parley nodes on one PostgreSQL database behave as one. Two real `parley serve` processes,
// started at the same moment on a fresh database, are driven at once:
//  - session creates through both nodes compete for the same identifiers on a pool of a few numbers
//    (assignment conflicts across processes: the losers get 400/80208 or 409/80623, never a 5xx);
//  - sessions with a one-second TTL are created over and over for two identifiers, so that their
//    numbers only come free when one of the nodes' expiry jobs (both running) closes them;
//  - inbound simulator messages go through either node, each with a service callback to a receiver
//    that answers after a delay, while both nodes' outbox workers poll;
//  - then a backlog: waves of callbacks fail once (so each is due again a second later), and both
//    nodes' simulator clocks (in memory, one per process) move forward together, so that both
//    nodes sweep expired sessions and drain the same due callbacks at the same moment.
// Then: the masking invariant and the pool counters hold in the database; every message was routed
// to its own session and delivered; every callback arrived once (the backlog's once after its one
// failure), signed, and never twice at the same time (the receiver counts deliveries in flight per
// interaction); each outbox job was claimed once per delivery; each expired session was closed once
// (the nodes' own logs add up to one close per session); both nodes delivered callbacks; and
// neither node logged an error or a warning. (Two nodes starting together: two-nodes-startup.test.ts.)
//
// PostgreSQL only: several nodes share a PostgreSQL database; two processes on one SQLite file are
// not a supported deployment.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { sql } from 'kysely';
import twilio from 'twilio';
import { TEST_AUTH_TOKEN } from '../helpers/app.js';
import { createTestDatabase, testEngine } from '../helpers/database.js';
import type { TestDatabase } from '../helpers/database.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { handset } from '../helpers/factories.js';
import type { Response } from '../helpers/http-client.js';
import { inspectDatabase, poolProblems } from '../helpers/invariants.js';
import { spawnServer } from '../helpers/server-process.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { SlowReceiver } from '../helpers/slow-receiver.js';
import type { Delivery } from '../helpers/slow-receiver.js';

/** Numbers in the service's pool: an identifier can be in at most this many active sessions. */
const POOL = 4;
/** Identifiers that every node tries to put in more sessions than the pool allows, all at once. */
const HUBS = 3;
const CREATES_PER_HUB = 10;
/** Identifiers in one-second-TTL sessions, and how many such sessions each must have had. */
const TTL_HUBS = 2;
const TTL_SESSIONS_PER_HUB = 10;
/** Messages each member of each hub session sends (through alternating nodes). */
const MESSAGES_PER_MEMBER = 3;
/** Waves whose callbacks fail once and then come due on both nodes at the same moment. */
const BACKLOG_ROUNDS = 3;
/** How long the receiver takes to answer each callback. */
const CALLBACK_DELAY_MS = 300;
/** Every wait for the system to settle gives up after this long. */
const DEADLINE_MS = 60_000;

/** Twilio's answers when concurrent requests want more numbers than the pool has. */
const POOL_EXHAUSTED = [80208, 80623];

const participantsJson = (...identifiers: string[]) => identifiers.map((identifier) => JSON.stringify({ Identifier: identifier }));

/** Waits until `done`; fails with `what()` after the deadline. */
const waitUntil = (done: () => boolean | Promise<boolean>, what: () => string) =>
  eventually(async () => assert.ok(await done(), what()), { timeoutMs: DEADLINE_MS, intervalMs: 50 });

interface Member {
  identifier: string;
  proxy: string;
}

const describeOnPostgres = testEngine() === 'postgres' ? describe : describe.skip;
if (testEngine() !== 'postgres') {
  test('two nodes on one database', { skip: 'PostgreSQL only: several nodes share a PostgreSQL database, not a SQLite file' }, () => {});
}

describeOnPostgres('two nodes on one PostgreSQL database', () => {
  describe('driven at once', () => {
    let database: TestDatabase;
    let receiver: SlowReceiver;
    let nodes: ServerProcess[] = [];

    before(async () => {
      database = await createTestDatabase();
      receiver = new SlowReceiver(CALLBACK_DELAY_MS);
      await receiver.listen();
    });
    after(async () => {
      for (const node of nodes) await node.kill();
      await receiver?.close();
      await database?.drop();
    });

    test('the masking invariant holds, every callback is delivered once, each expired session is closed once', async (t: TestContext) => {
      const began = Date.now();
      // Both start at once on the fresh database (both migrate it, both ensure the account).
      const env = { DATABASE_URL: database.url, PARLEY_LOG_LEVEL: 'info', PARLEY_OUTBOX_POLL_MS: '50', PARLEY_EXPIRY_SWEEP_MS: '50' };
      const started = await Promise.allSettled([spawnServer(env), spawnServer(env)]);
      nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      assert.equal(
        nodes.length,
        2,
        `both nodes start: ${started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'ok')).join('\n')}`,
      );
      const [a] = nodes as [ServerProcess, ServerProcess];
      receiver.nodePids = nodes.map((node) => node.pid);
      let turn = 0;
      /** The nodes in turn, as a round-robin balancer would pick them. */
      const next = () => nodes[turn++ % nodes.length]!;
      const nodeName = (node: ServerProcess) => (node === a ? 'A' : 'B');

      // Every answer is checked as it comes: 2xx, or one of the `allowed` Twilio error codes.
      const unexpected: string[] = [];
      const conflicts = new Map<number, number>();
      const call = async (
        node: ServerProcess,
        what: string,
        request: () => Promise<Response>,
        allowed: number[] = [],
      ): Promise<Response | null> => {
        let response: Response;
        try {
          response = await request();
        } catch (err) {
          unexpected.push(`${what} via node ${nodeName(node)}: no answer (${String(err)})`);
          return null;
        }
        if (response.status < 300) return response;
        const code = Number(response.body?.code);
        if (response.status < 500 && allowed.includes(code)) conflicts.set(code, (conflicts.get(code) ?? 0) + 1);
        else unexpected.push(`${what} via node ${nodeName(node)}: ${response.status} ${response.text}`);
        return null;
      };

      // One service, set up through both nodes: the callback URL and a pool of POOL numbers.
      const created = await a.api.post('/v1/Services', { UniqueName: 'two-nodes', CallbackUrl: receiver.url('/callbacks') });
      assert.equal(created.status, 201, created.text);
      const serviceSid = created.body.sid as string;
      const service = `/v1/Services/${serviceSid}`;
      for (let i = 0; i < POOL; i++) {
        const added = await next().api.post(`${service}/PhoneNumbers`, { PhoneNumber: `+1415555${String(3100 + i)}` });
        assert.equal(added.status, 201, added.text);
      }

      // Sessions with a one-second TTL, created over and over by both nodes for TTL_HUBS
      // identifiers: once an identifier holds every number, it gets one again only after one of
      // the expiry jobs has closed an expired session of it. This runs beside all that follows.
      const ttlSessions: string[] = [];
      const ttlHubs = Array.from({ length: TTL_HUBS }, () => handset());
      const ttlCount = new Map(ttlHubs.map((hub) => [hub, 0]));
      const churnUntil = Date.now() + DEADLINE_MS;
      const churn = ttlHubs.flatMap((hub) =>
        nodes.map(async (node) => {
          while (ttlCount.get(hub)! < TTL_SESSIONS_PER_HUB && Date.now() < churnUntil) {
            const made = await call(
              node,
              `TTL session for ${hub}`,
              () => node.api.post(`${service}/Sessions`, { Ttl: 1, Participants: participantsJson(hub, handset()) }),
              POOL_EXHAUSTED,
            );
            if (made === null) {
              await sleep(100);
              continue;
            }
            ttlSessions.push(made.body.sid);
            ttlCount.set(hub, ttlCount.get(hub)! + 1);
          }
        }),
      );

      // Hub sessions: CREATES_PER_HUB creates for each of HUBS identifiers at once, alternating
      // between the nodes, on a pool of POOL numbers: exactly POOL succeed for each hub.
      const hubs = Array.from({ length: HUBS }, () => handset());
      const attempts = hubs.flatMap((hub) => Array.from({ length: CREATES_PER_HUB }, () => ({ hub, partner: handset(), node: next() })));
      const answers = await Promise.all(
        attempts.map(({ hub, partner, node }) =>
          call(
            node,
            `session for ${hub}`,
            () => node.api.post(`${service}/Sessions`, { Participants: participantsJson(hub, partner) }),
            POOL_EXHAUSTED,
          ),
        ),
      );
      const conversations: Array<{ sid: string; members: [Member, Member] }> = [];
      for (const [i, answer] of answers.entries()) {
        if (answer === null) continue;
        const { hub, partner } = attempts[i]!;
        const listed = await next().api.get(`${service}/Sessions/${answer.body.sid}/Participants`);
        assert.equal(listed.status, 200, listed.text);
        const members = (listed.body.participants as Array<Record<string, string>>).map((p) => ({
          identifier: p.identifier!,
          proxy: p.proxy_identifier!,
        }));
        assert.deepEqual(members.map((m) => m.identifier).sort(), [hub, partner].sort(), `the participants of ${answer.body.sid}`);
        conversations.push({
          sid: answer.body.sid,
          members: [members.find((m) => m.identifier === hub)!, members.find((m) => m.identifier === partner)!],
        });
      }
      for (const hub of hubs) {
        const held = conversations.filter((c) => c.members[0].identifier === hub).map((c) => c.members[0].proxy);
        assert.equal(held.length, POOL, `${hub}: exactly ${POOL} of ${CREATES_PER_HUB} concurrent creates succeed`);
        assert.equal(new Set(held).size, POOL, `${hub} holds a different number in each session: ${held.join(', ')}`);
      }

      // Messages through either node, in both directions of every hub session, a wave at a time;
      // each is routed by (sender, proxy number) to its own session and has a callback.
      const sendWave = async (label: string): Promise<string[]> => {
        const sids: string[] = [];
        await Promise.all(
          conversations.flatMap((conversation) =>
            conversation.members.map(async (member) => {
              const node = next();
              const sent = await call(node, `message from ${member.identifier}`, () =>
                node.api.post('/simulator/v1/Messages', {
                  From: member.identifier,
                  To: member.proxy,
                  Body: `${label} from ${member.identifier}`,
                }),
              );
              if (sent === null) return;
              if (typeof sent.body.interaction_sid !== 'string' || sent.body.session_sid !== conversation.sid) {
                unexpected.push(
                  `a message from ${member.identifier} to ${member.proxy} was not routed to ${conversation.sid}: ${sent.text}`,
                );
                return;
              }
              sids.push(sent.body.interaction_sid);
            }),
          ),
        );
        return sids;
      };
      // Callbacks the receiver takes at the first try.
      const prompt: string[] = [];
      for (let wave = 0; wave < MESSAGES_PER_MEMBER; wave++) prompt.push(...(await sendWave(`wave ${wave}`)));
      await waitUntil(
        () => prompt.every((sid) => receiver.answered(sid, 200) > 0),
        () => `callbacks not delivered: ${prompt.filter((sid) => receiver.answered(sid, 200) === 0).join(', ')}`,
      );

      const inspector = inspectDatabase(database.url);
      try {
        const { db } = inspector;

        // A backlog due on both nodes at the same moment: the receiver fails the first delivery of
        // each of a wave's callbacks (each is then due again in a second), and both nodes' clocks
        // move two seconds forward at once, so that each node at once sweeps (expired TTL sessions
        // on both) and drains its outbox (the same due jobs on both).
        // A few rounds, for the chance that the two drains really overlap.
        receiver.failFirst = true;
        const retried: string[] = [];
        for (let round = 1; round <= BACKLOG_ROUNDS; round++) {
          const wave = await sendWave(`backlog ${round}`);
          retried.push(...wave);
          await waitUntil(
            async () => {
              if (!wave.every((sid) => receiver.answered(sid, 503) > 0)) return false;
              // Each failure written down (or, on a slow machine, already retried in real time).
              const recorded = await db
                .selectFrom('outbox')
                .select('sid')
                .where((eb) => eb.or([eb('status', '=', 'done'), eb('last_error', 'is not', null)]))
                .execute();
              return recorded.length === prompt.length + retried.length;
            },
            () => `the first deliveries of backlog ${round} did not fail`,
          );
          // The account's clock is one, in the database: the nodes take turns to move it, and
          // the other node reads the move.
          const mover = nodes[round % nodes.length]!;
          const moved = await call(mover, 'clock advance', () => mover.api.post('/simulator/v1/Clock', { Advance: 2 }));
          const seen = await Promise.all(nodes.map((node) => call(node, 'clock read', () => node.api.get('/simulator/v1/Clock'))));
          assert.ok(
            [moved, ...seen].every((answer) => answer?.body.offset_seconds === 2 * round),
            `the clock moved 2 s forward, on both nodes (round ${round}) ${unexpected.join('; ')}`,
          );
        }
        await Promise.all(churn);
        const interactions = [...prompt, ...retried];
        t.diagnostic(
          `load sent in ${Date.now() - began} ms: ${conversations.length} hub sessions, ${interactions.length} messages, ${ttlSessions.length} TTL sessions; refusals ${JSON.stringify(Object.fromEntries(conflicts))}`,
        );
        assert.deepEqual(unexpected, [], 'every request answered 2xx or a pool conflict (80208/80623), never a 5xx');
        for (const hub of ttlHubs)
          assert.ok(
            ttlCount.get(hub)! >= TTL_SESSIONS_PER_HUB,
            `${hub} had ${TTL_SESSIONS_PER_HUB} TTL sessions in time (${ttlCount.get(hub)})`,
          );
        assert.equal(interactions.length, conversations.length * 2 * (MESSAGES_PER_MEMBER + BACKLOG_ROUNDS));

        // Settling: every callback answered, every TTL session closed, every outbox job done.
        await waitUntil(
          () => interactions.every((sid) => receiver.answered(sid, 200) > 0),
          () => `callbacks not delivered: ${interactions.filter((sid) => receiver.answered(sid, 200) === 0).join(', ')}`,
        );
        await waitUntil(
          async () =>
            (await db.selectFrom('sessions').select('sid').where('sid', 'in', ttlSessions).where('status', '!=', 'closed').execute())
              .length === 0,
          () => 'TTL sessions still open in the database',
        );
        await waitUntil(
          async () => (await db.selectFrom('outbox').select('sid').where('status', '!=', 'done').execute()).length === 0,
          () => 'outbox jobs not done',
        );
        // A last look for late duplicates.
        await sleep(2 * CALLBACK_DELAY_MS);

        // The masking invariant and the pool: no identifier holds a number twice among active
        // sessions, every in_use counts its assignments, every assignment has its participant.
        assert.deepEqual(await poolProblems(db), [], 'the number pool is consistent');
        const twice = await sql<{ identifier: string; proxy_identifier: string }>`
          select p.identifier, p.proxy_identifier from participants p join sessions s on s.sid = p.session_sid
          where s.status in ('open', 'in-progress') and p.date_deleted is null
          group by p.service_sid, p.identifier, p.proxy_identifier having count(*) > 1`.execute(db);
        assert.deepEqual(twice.rows, [], 'the masking invariant');
        const active = await db.selectFrom('sessions').select('sid').where('status', 'in', ['open', 'in-progress']).execute();
        assert.deepEqual(active.map((s) => s.sid).sort(), conversations.map((c) => c.sid).sort(), 'the hub sessions are the active ones');

        // Every message was delivered to the partner's handset.
        const undelivered = await sql<{ sid: string }>`
          select i.sid from interactions i
          where not exists (select 1 from simulator_messages m where m.interaction_sid = i.sid and m.direction = 'outbound' and m.sid = i.outbound_resource_sid)`.execute(
          db,
        );
        assert.deepEqual(undelivered.rows, [], 'every interaction has its outbound delivery');
        const recorded = await db.selectFrom('interactions').select('sid').execute();
        assert.deepEqual(recorded.map((i) => i.sid).sort(), [...interactions].sort(), 'one interaction per message');

        // Every callback was delivered once (the backlog's after its one failure), signed, and
        // none was ever in flight twice at the same time.
        const perInteraction = new Map<string, Delivery[]>();
        for (const delivery of receiver.deliveries)
          perInteraction.set(delivery.interactionSid, [...(perInteraction.get(delivery.interactionSid) ?? []), delivery]);
        const strays = [...perInteraction.keys()].filter((sid) => !interactions.includes(sid));
        assert.deepEqual(strays, [], 'no callback for anything else');
        const overlapping = [...receiver.mostInFlight].filter(([, most]) => most > 1);
        assert.deepEqual(overlapping, [], 'no callback was delivered twice at the same time');
        const statuses = (sid: string) =>
          perInteraction
            .get(sid)!
            .map((d) => d.status)
            .join(',');
        const wrong = [
          ...prompt.filter((sid) => statuses(sid) !== '200').map((sid) => `${sid}: ${statuses(sid)}`),
          ...retried.filter((sid) => statuses(sid) !== '503,200').map((sid) => `${sid}: ${statuses(sid)}`),
        ];
        assert.deepEqual(wrong, [], 'each callback delivered once (after one failure for the backlog), never again');
        for (const sid of interactions) {
          for (const delivery of perInteraction.get(sid)!) {
            assert.equal(delivery.url, '/callbacks');
            assert.equal(delivery.params.interactionServiceSid, serviceSid);
            assert.equal(delivery.params.outboundResourceStatus, 'delivered');
            const signature = delivery.headers['x-twilio-signature'];
            assert.equal(typeof signature, 'string', 'X-Twilio-Signature is sent');
            assert.ok(
              twilio.validateRequest(TEST_AUTH_TOKEN, signature as string, receiver.url(delivery.url), delivery.params),
              `the callback of ${sid} is signed`,
            );
          }
        }
        // The outbox agrees: each job was claimed once per delivery.
        const jobs = await db.selectFrom('outbox').select(['sid', 'payload', 'status', 'attempts']).execute();
        assert.equal(jobs.length, interactions.length, 'one outbox job per interaction');
        const claims = jobs.filter((job) => {
          const expected = retried.some((sid) => job.payload.includes(sid)) ? 2 : 1;
          return job.status !== 'done' || job.attempts !== expected;
        });
        assert.deepEqual(claims, [], 'each outbox job was claimed once per delivery and is done');

        // Each expired session was closed once: the nodes' expiry jobs report what they closed.
        const closedBy = nodes.map((node) =>
          node
            .logs()
            .filter((line) => line.msg === 'closed expired sessions')
            .reduce((sum, line) => sum + Number(line.count), 0),
        );
        assert.equal(
          closedBy[0]! + closedBy[1]!,
          ttlSessions.length,
          `every TTL session closed once (node A closed ${closedBy[0]}, node B ${closedBy[1]})`,
        );
        const closed = await db
          .selectFrom('sessions')
          .select(['sid', 'status', 'closed_reason', 'date_ended', 'expires_at'])
          .where('sid', 'in', ttlSessions)
          .execute();
        assert.equal(closed.length, ttlSessions.length);
        for (const session of closed) {
          assert.equal(session.closed_reason, 'ttl', `${session.sid} closed by its TTL`);
          assert.equal(session.date_ended, session.expires_at, `${session.sid} ended at its expiry`);
        }

        // Both outbox workers took part (when /proc could tell who made each request).
        const deliveredBy = nodes.map((node) => receiver.deliveries.filter((d) => d.node === node.pid).length);
        const untold = receiver.deliveries.filter((d) => d.node === null).length;
        t.diagnostic(
          `callbacks delivered by node A: ${deliveredBy[0]}, by node B: ${deliveredBy[1]}, untold: ${untold}; ` +
            `expired sessions closed by node A: ${closedBy[0]}, by node B: ${closedBy[1]}`,
        );
        if (untold === 0)
          assert.ok(
            deliveredBy.every((count) => count > 0),
            `both nodes' outbox workers delivered callbacks (${deliveredBy.join(', ')})`,
          );
      } finally {
        await inspector.destroy();
      }

      // Neither node logged a warning or an error (a failed outbox pass or sweep, a given-up job).
      for (const node of nodes) {
        const troubles = node.logs().filter((line) => Number(line.level) >= 40);
        assert.deepEqual(troubles, [], `node ${nodeName(node)} logged no warning or error`);
        assert.ok(node.alive(), `node ${nodeName(node)} is still running`);
      }
      for (const node of nodes) assert.equal(await node.stop(), 0, `node ${nodeName(node)} shuts down cleanly: ${node.exitReport()}`);
      t.diagnostic(`ran in ${Date.now() - began} ms`);
    });
  });
});
