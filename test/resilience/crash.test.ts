// A crash in the middle of a write load: the real server (`parley serve`, a file SQLite database or a
// scratch PostgreSQL one) takes concurrent session creates with inline participants, participant
// creates and inbound simulator messages, and is killed with SIGKILL while requests are in flight.
// Restarted on the same database, it must still have everything it answered 2xx for, nothing half
// written (a session without one of its inline participants, an interaction without its delivery,
// a pool counter out of step), and its outbox must resume: callbacks that were failing before the
// kill are delivered once the receiver answers again.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { sql } from 'kysely';
import { createDurableDatabase, testEngine } from '../helpers/database.js';
import type { TestDatabase } from '../helpers/database.js';
import { eventually, GENEROUS_MS, sleep } from '../helpers/eventually.js';
import { handset } from '../helpers/factories.js';
import type { HttpClient, Response } from '../helpers/http-client.js';
import { inspectDatabase, poolProblems } from '../helpers/invariants.js';
import { CallbackReceiver } from '../helpers/receiver.js';
import type { ReceivedRequest } from '../helpers/receiver.js';
import { spawnServer } from '../helpers/server-process.js';
import type { ServerProcess } from '../helpers/server-process.js';

const WORKERS = 10;
/** How long the load runs before the callback messages are sent (then until the kill). */
const WARM_UP_MS = 1000;
/** The failing deliveries each callback gets before the kill (1 s and 2 s apart: the backoff). */
const ATTEMPTS_BEFORE_KILL = 3;

const participantsJson = (...identifiers: string[]) => identifiers.map((identifier) => JSON.stringify({ Identifier: identifier }));

interface Member {
  sid: string;
  identifier: string;
  proxy: string;
}

/** A session whose participants are known, so messages can go through it. */
interface Conversation {
  path: string;
  sid: string;
  members: [Member, Member];
}

/** Everything the server answered 2xx for, by kind. */
interface Acknowledged {
  inlineSessions: Array<{ sid: string; identifiers: [string, string] }>;
  emptySessions: Array<{ sid: string }>;
  participants: Array<{ sid: string; sessionSid: string; identifier: string }>;
  messages: Array<{ interactionSid: string; sessionPath: string; to: string; body: string }>;
}

async function membersOf(api: HttpClient, path: string): Promise<[Member, Member]> {
  const listed = await api.get(`${path}/Participants`);
  assert.equal(listed.status, 200, listed.text);
  const members = (listed.body.participants as Array<Record<string, string>>).map((p) => ({
    sid: p.sid!,
    identifier: p.identifier!,
    proxy: p.proxy_identifier!,
  }));
  assert.equal(members.length, 2, listed.text);
  return [members[0]!, members[1]!];
}

describe(`a SIGKILL in the middle of a write load (${testEngine()})`, () => {
  let database: TestDatabase | undefined;
  let url: string;
  let receiver: CallbackReceiver;
  const servers: ServerProcess[] = [];

  before(async () => {
    database = await createDurableDatabase();
    url = database.url;
    receiver = await CallbackReceiver.start();
  });
  after(async () => {
    for (const server of servers) await server.kill();
    await receiver.close();
    await database?.drop();
  });

  const start = async () => {
    const server = await spawnServer({ DATABASE_URL: url, PARLEY_OUTBOX_POLL_MS: '50' });
    servers.push(server);
    return server;
  };

  test('everything answered 2xx survives, nothing is half written, and the outbox resumes', async (t: TestContext) => {
    const first = await start();
    let api = first.api;

    // The load's service (no callbacks) and the callback service, whose receiver fails for now.
    const load = await api.post('/v1/Services', { UniqueName: 'crash-load' });
    assert.equal(load.status, 201, load.text);
    const loadPath = `/v1/Services/${load.body.sid}`;
    for (let i = 0; i < 12; i++) {
      const added = await api.post(`${loadPath}/PhoneNumbers`, { PhoneNumber: `+1415555${String(1000 + i)}` });
      assert.equal(added.status, 201, added.text);
    }
    receiver.respond({ status: 500 });
    const hooked = await api.post('/v1/Services', { UniqueName: 'crash-callbacks', CallbackUrl: receiver.url('/callbacks') });
    assert.equal(hooked.status, 201, hooked.text);
    const hookedPath = `/v1/Services/${hooked.body.sid}`;
    for (let i = 0; i < 2; i++) {
      const added = await api.post(`${hookedPath}/PhoneNumbers`, { PhoneNumber: `+1415555${String(2000 + i)}` });
      assert.equal(added.status, 201, added.text);
    }
    const hookedSessions: Conversation[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await api.post(`${hookedPath}/Sessions`, { Participants: participantsJson(handset(), handset()) });
      assert.equal(created.status, 201, created.text);
      const path = `${hookedPath}/Sessions/${created.body.sid}`;
      hookedSessions.push({ path, sid: created.body.sid, members: await membersOf(api, path) });
    }

    // The load: WORKERS loops of writes until the server dies; only 2xx answers are recorded.
    const acknowledged: Acknowledged = { inlineSessions: [], emptySessions: [], participants: [], messages: [] };
    const conversations: Conversation[] = [];
    /** Sessions created empty, with the participants added so far. */
    const openSeats: Array<{ sid: string; path: string; count: number; busy: boolean }> = [];
    const unexpected: string[] = [];
    let killed = false;
    // However the test ends, the load stops with it.
    t.after(() => (killed = true));
    let inFlight = 0;
    let lost = 0;
    let seq = 0;
    const send = async (request: () => Promise<Response>): Promise<Response | null> => {
      inFlight++;
      try {
        const response = await request();
        if (response.status >= 300 && !killed) unexpected.push(`${response.status} ${response.text}`);
        return response.status < 300 ? response : null;
      } catch (err) {
        // The server died under this request: its outcome is unknown, and it is not counted.
        if (!killed) unexpected.push(`request failed before the kill: ${String(err)}`);
        lost++;
        return null;
      } finally {
        inFlight--;
      }
    };
    const step = async () => {
      const n = ++seq;
      const choice = Math.random();
      if (choice < 0.35 || conversations.length === 0) {
        const identifiers: [string, string] = [handset(), handset()];
        const created = await send(() =>
          api.post(`${loadPath}/Sessions`, { UniqueName: `inline-${n}`, Participants: participantsJson(...identifiers) }),
        );
        if (created === null) return;
        acknowledged.inlineSessions.push({ sid: created.body.sid, identifiers });
        const path = `${loadPath}/Sessions/${created.body.sid}`;
        const listed = await send(() => api.get(`${path}/Participants`));
        if (listed === null) return;
        const members = (listed.body.participants as Array<Record<string, string>>).map((p) => ({
          sid: p.sid!,
          identifier: p.identifier!,
          proxy: p.proxy_identifier!,
        }));
        if (members.length !== 2) unexpected.push(`session ${created.body.sid} was created with ${members.length} participant(s)`);
        else conversations.push({ path, sid: created.body.sid, members: [members[0]!, members[1]!] });
      } else if (choice < 0.55) {
        const seat = openSeats.find((s) => s.count < 2 && !s.busy);
        if (seat === undefined) {
          const created = await send(() => api.post(`${loadPath}/Sessions`, { UniqueName: `empty-${n}` }));
          if (created === null) return;
          acknowledged.emptySessions.push({ sid: created.body.sid });
          openSeats.push({ sid: created.body.sid, path: `${loadPath}/Sessions/${created.body.sid}`, count: 0, busy: false });
          return;
        }
        seat.busy = true;
        const identifier = handset();
        const added = await send(() => api.post(`${seat.path}/Participants`, { Identifier: identifier }));
        seat.busy = false;
        if (added === null) return;
        seat.count++;
        acknowledged.participants.push({ sid: added.body.sid, sessionSid: seat.sid, identifier });
      } else {
        const conversation = conversations[Math.floor(Math.random() * conversations.length)]!;
        const [from, to] = Math.random() < 0.5 ? conversation.members : [conversation.members[1], conversation.members[0]];
        const body = `load ${n}`;
        const sent = await send(() => api.post('/simulator/v1/Messages', { From: from.identifier, To: from.proxy, Body: body }));
        if (sent === null) return;
        if (typeof sent.body.interaction_sid !== 'string') unexpected.push(`a message in an active session was not routed: ${sent.text}`);
        else
          acknowledged.messages.push({
            interactionSid: sent.body.interaction_sid,
            sessionPath: conversation.path,
            to: to.identifier,
            body,
          });
      }
    };
    const workers = Array.from({ length: WORKERS }, async () => {
      while (!killed) await step();
    });

    await sleep(WARM_UP_MS);
    // Messages in the callback service, all at once; their callbacks fail (HTTP 500) for now.
    const hookedMessages = await Promise.all(
      hookedSessions.flatMap((conversation) =>
        conversation.members.map(async (member, i) => {
          const body = `hooked ${conversation.sid} ${i}`;
          const sent = await api.post('/simulator/v1/Messages', { From: member.identifier, To: member.proxy, Body: body });
          assert.equal(sent.status, 201, sent.text);
          assert.match(sent.body.interaction_sid, /^KI/);
          const partner = conversation.members[1 - i]!;
          acknowledged.messages.push({
            interactionSid: sent.body.interaction_sid,
            sessionPath: conversation.path,
            to: partner.identifier,
            body,
          });
          return sent.body.interaction_sid as string;
        }),
      ),
    );
    // Kill between two retries: once every callback has failed ATTEMPTS_BEFORE_KILL times and its
    // failure is written down (seen straight in the database), well before the next retry (4 s later).
    const attemptsOf = (sid: string, requests: ReceivedRequest[] = receiver.requests) =>
      requests.filter((r) => r.params.interactionSid === sid).length;
    await eventually(
      () =>
        assert.ok(
          hookedMessages.every((sid) => attemptsOf(sid) >= ATTEMPTS_BEFORE_KILL),
          `the callbacks were not retried: ${hookedMessages.map((sid) => attemptsOf(sid)).join(', ')} attempts`,
        ),
      2 * GENEROUS_MS,
    );
    const recorder = inspectDatabase(url);
    try {
      await eventually(
        async () => {
          const jobs = (await recorder.db.selectFrom('outbox').selectAll().execute()).filter((job) =>
            hookedMessages.some((sid) => job.payload.includes(sid)),
          );
          assert.ok(
            jobs.length === hookedMessages.length && jobs.every((job) => job.attempts >= ATTEMPTS_BEFORE_KILL && job.locked_until === null),
            `the failures are written down: ${JSON.stringify(jobs.map((job) => [job.attempts, job.locked_until]))}`,
          );
        },
        { intervalMs: 5 },
      );
    } finally {
      await recorder.destroy();
    }
    for (const sid of hookedMessages) assert.equal(attemptsOf(sid), ATTEMPTS_BEFORE_KILL, `callback attempts of ${sid} before the kill`);

    const inFlightAtKill = inFlight;
    killed = true;
    const signal = await first.kill();
    assert.equal(signal, 'SIGKILL');
    await Promise.all(workers);
    receiver.respond({ status: 200 });
    const failedBeforeKill = receiver.requests.length;
    t.diagnostic(
      `acknowledged before the kill: ${acknowledged.inlineSessions.length} sessions with participants, ${acknowledged.emptySessions.length} empty sessions, ` +
        `${acknowledged.participants.length} participants, ${acknowledged.messages.length} messages; ${inFlightAtKill} requests in flight at the kill, ${lost} lost`,
    );
    assert.deepEqual(unexpected, [], 'every request answered 2xx until the kill');
    assert.ok(inFlightAtKill > 0, 'the kill hit requests in flight');
    assert.ok(acknowledged.inlineSessions.length >= 10 && acknowledged.messages.length >= 10, 'the load did some work');

    // Restart on the same database.
    const second = await start();
    api = second.api;

    // The outbox resumes: each failing callback is delivered once the receiver answers, after its
    // next retry comes due (or the claim of a delivery cut short by the kill expires).
    const inspector = inspectDatabase(url);
    try {
      const jobs = await inspector.db.selectFrom('outbox').selectAll().execute();
      const hookedJobs = jobs.filter((job) => hookedMessages.some((sid) => job.payload.includes(sid)));
      assert.equal(hookedJobs.length, hookedMessages.length, 'one callback job per interaction of the callback service');
      for (const job of hookedJobs) assert.equal(job.status, 'pending', `job ${job.sid} is still pending after the restart`);
      const due = Math.max(...hookedJobs.map((job) => Math.max(job.next_attempt_at, job.locked_until ?? 0)));
      const delivered = (sid: string) => receiver.requests.slice(failedBeforeKill).filter((r) => r.params.interactionSid === sid);
      await eventually(
        () =>
          assert.ok(
            hookedMessages.every((sid) => delivered(sid).length > 0),
            `callbacks not delivered after the restart: ${hookedMessages.filter((sid) => delivered(sid).length === 0).join(', ')}`,
          ),
        Math.max(0, due - Date.now()) + GENEROUS_MS,
      );
      for (const sid of hookedMessages) {
        const [callback, ...more] = delivered(sid);
        assert.deepEqual(more, [], `the callback of ${sid} is delivered once after the restart`);
        assert.equal(callback!.params.interactionServiceSid, hooked.body.sid);
        assert.equal(callback!.params.outboundResourceStatus, 'delivered');
      }
      await eventually(async () => {
        const rows = (await inspector.db.selectFrom('outbox').selectAll().execute()).filter((job) =>
          hookedMessages.some((sid) => job.payload.includes(sid)),
        );
        assert.ok(
          rows.every((job) => job.status === 'done'),
          `delivered jobs are marked done: ${JSON.stringify(rows.map((job) => job.status))}`,
        );
      });

      // Everything answered 2xx is there.
      for (const session of acknowledged.inlineSessions) {
        const listed = await api.get(`${loadPath}/Sessions/${session.sid}/Participants`);
        assert.equal(listed.status, 200, `session ${session.sid}: ${listed.text}`);
        const identifiers = (listed.body.participants as Array<Record<string, string>>).map((p) => p.identifier).sort();
        assert.deepEqual(identifiers, [...session.identifiers].sort(), `the participants of session ${session.sid}`);
      }
      for (const session of acknowledged.emptySessions) {
        const fetched = await api.get(`${loadPath}/Sessions/${session.sid}`);
        assert.equal(fetched.status, 200, `session ${session.sid}: ${fetched.text}`);
      }
      for (const participant of acknowledged.participants) {
        const fetched = await api.get(`${loadPath}/Sessions/${participant.sessionSid}/Participants/${participant.sid}`);
        assert.equal(fetched.status, 200, `participant ${participant.sid}: ${fetched.text}`);
        assert.equal(fetched.body.identifier, participant.identifier);
      }
      const handsets = new Map<string, Array<Record<string, string>>>();
      for (const message of acknowledged.messages) {
        const fetched = await api.get(`${message.sessionPath}/Interactions/${message.interactionSid}`);
        assert.equal(fetched.status, 200, `interaction ${message.interactionSid}: ${fetched.text}`);
        assert.equal(fetched.body.outbound_resource_status, 'delivered');
        if (!handsets.has(message.to)) {
          const received = await api.get('/simulator/v1/Messages', { To: message.to, PageSize: 1000 });
          assert.equal(received.status, 200, received.text);
          handsets.set(message.to, received.body.messages);
        }
        const copy = handsets.get(message.to)!.find((m) => m.interaction_sid === message.interactionSid && m.direction === 'outbound');
        assert.ok(copy !== undefined, `the partner received the message of interaction ${message.interactionSid}`);
        assert.equal(copy.body, message.body);
        assert.equal(copy.sid, fetched.body.outbound_resource_sid);
      }

      // Nothing is half written, including what was in flight at the kill (answered or not).
      const { db } = inspector;
      const partial = await sql<{ sid: string; unique_name: string; participants: number }>`
        select s.sid, s.unique_name, (select count(*) from participants p where p.session_sid = s.sid) as participants
        from sessions s where s.unique_name like 'inline-%'`.execute(db);
      const lacking = partial.rows.filter((row) => Number(row.participants) !== 2);
      assert.deepEqual(lacking, [], 'every session created with two inline participants has both');
      t.diagnostic(
        `sessions with inline participants in the database: ${partial.rows.length} (${acknowledged.inlineSessions.length} acknowledged)`,
      );
      const overfull = await sql<{ sid: string; participants: number }>`
        select s.sid, (select count(*) from participants p where p.session_sid = s.sid) as participants
        from sessions s where s.unique_name like 'empty-%'`.execute(db);
      assert.deepEqual(
        overfull.rows.filter((row) => Number(row.participants) > 2),
        [],
        'no session has more than two participants',
      );

      const undelivered = await sql<{ sid: string }>`
        select i.sid from interactions i
        where not exists (select 1 from simulator_messages m where m.interaction_sid = i.sid and m.direction = 'outbound'
                          and m.sid = i.outbound_resource_sid)`.execute(db);
      assert.deepEqual(undelivered.rows, [], 'every interaction has its outbound delivery in the simulator log');
      const unrecorded = await sql<{ sid: string }>`
        select i.sid from interactions i
        where not exists (select 1 from simulator_messages m where m.interaction_sid = i.sid and m.direction = 'inbound')`.execute(db);
      assert.deepEqual(unrecorded.rows, [], "every interaction has its inbound message in the simulator's log");
      const strays = await sql<{ sid: string; interaction_sid: string }>`
        select m.sid, m.interaction_sid from simulator_messages m
        where m.interaction_sid is not null and not exists (select 1 from interactions i where i.sid = m.interaction_sid)`.execute(db);
      assert.deepEqual(strays.rows, [], 'no delivered message without its interaction');
      const interactionCount = await sql<{ count: number }>`select count(*) as count from interactions`.execute(db);
      t.diagnostic(`interactions in the database: ${interactionCount.rows[0]!.count} (${acknowledged.messages.length} acknowledged)`);
      const callbacklessJobs = await sql<{ sid: string }>`
        select i.sid from interactions i where i.service_sid = ${hooked.body.sid}
        and not exists (select 1 from outbox o where o.payload like ${'%'} || i.sid || ${'%'})`.execute(db);
      assert.deepEqual(callbacklessJobs.rows, [], 'every interaction of the callback service has its callback job');

      assert.deepEqual(await poolProblems(db), [], 'the number pool is consistent after the crash');
    } finally {
      await inspector.destroy();
    }

    // And the restarted server carries on: a new session, a message, its callback at once.
    const created = await api.post(`${hookedPath}/Sessions`, { Participants: participantsJson(handset(), handset()) });
    assert.equal(created.status, 201, created.text);
    const [member] = await membersOf(api, `${hookedPath}/Sessions/${created.body.sid}`);
    const before = receiver.requests.length;
    const sent = await api.post('/simulator/v1/Messages', { From: member.identifier, To: member.proxy, Body: 'after the restart' });
    assert.equal(sent.status, 201, sent.text);
    const requests = await receiver.waitFor(before + 1);
    assert.equal(requests.at(-1)!.params.interactionSid, sent.body.interaction_sid);
    assert.equal(await second.stop(), 0, `the restarted server shuts down cleanly: ${second.exitReport()}`);
  });
});
