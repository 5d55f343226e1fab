// The masking engine end to end over HTTP: handsets text and call pool numbers through the carrier
// simulator, Parley routes them to the session's other participant from that participant's own
// proxy number, and records each one as an Interaction.

import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http-client.js';
import type { Form } from '../helpers/http-client.js';

const P1 = '+14155550100';
const P2 = '+14155550101';
const P3 = '+14155550102';
const NOT_IN_POOL = '+14155550150';

const SM = /^SM[0-9a-f]{32}$/;
const CA = /^CA[0-9a-f]{32}$/;
const KI = /^KI[0-9a-f]{32}$/;
const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const GHOST_KI = `KI${'0'.repeat(32)}`;

const MESSAGE_KEYS = ['body', 'date_created', 'direction', 'from', 'interaction_sid', 'media_urls', 'session_sid', 'sid', 'status', 'to'];
const CALL_KEYS = ['bridged_to', 'date_created', 'date_updated', 'from', 'interaction_sid', 'session_sid', 'sid', 'status', 'to'];

let nextPerson = 100;
/** A handset number no other test in this file uses: the simulator's log is account-wide. */
function person(): string {
  const number = `+1212555${String(nextPerson++).padStart(4, '0')}`;
  assert.ok(nextPerson <= 200, 'ran out of +1212555 01xx numbers');
  return number;
}

interface Member {
  sid: string;
  identifier: string;
  proxy: string;
}

interface Pair {
  /** /v1/Services/KS…/Sessions/KC… */
  path: string;
  sid: string;
  a: Member;
  b: Member;
}

type Json = Record<string, any>;

/** One app per describe block; each test gets a service with P1, P2 and P3 in its pool, given back after. */
function harness() {
  const h = {
    t: undefined as unknown as TestApp,
    service: '',
    serviceSid: '',

    async advance(seconds: number): Promise<void> {
      const response = await h.t.api.post('/simulator/v1/Clock', { Advance: seconds });
      assert.equal(response.status, 200, response.text);
    },

    /** A session with these participants (JSON objects as the API takes them); its members by identifier. */
    async session(participants: Json[], form: Form = {}): Promise<{ path: string; sid: string; members: Record<string, Member> }> {
      const created = await h.t.api.post(`${h.service}/Sessions`, { ...form, Participants: participants.map((p) => JSON.stringify(p)) });
      assert.equal(created.status, 201, created.text);
      const path = `${h.service}/Sessions/${created.body.sid}`;
      const listed = (await h.t.api.get(`${path}/Participants`)).body.participants as Json[];
      const members = Object.fromEntries(
        listed.map((p) => [p.identifier, { sid: p.sid, identifier: p.identifier, proxy: p.proxy_identifier }]),
      );
      return { path, sid: created.body.sid, members };
    },

    /** A on P1 and B on P2, two fresh handsets. */
    async pair(form: Form = {}): Promise<Pair> {
      const [a, b] = [person(), person()];
      const { path, sid, members } = await h.session(
        [
          { Identifier: a, ProxyIdentifier: P1 },
          { Identifier: b, ProxyIdentifier: P2 },
        ],
        form,
      );
      assert.equal(members[a]!.proxy, P1);
      assert.equal(members[b]!.proxy, P2);
      return { path, sid, a: members[a]!, b: members[b]! };
    },

    async text(from: string, to: string, body: string, media?: string[]): Promise<Json> {
      const response = await h.t.api.post('/simulator/v1/Messages', { From: from, To: to, Body: body, MediaUrl: media });
      assert.equal(response.status, 201, response.text);
      assert.deepEqual(Object.keys(response.body).sort(), MESSAGE_KEYS);
      return response.body;
    },

    async call(from: string, to: string): Promise<Json> {
      const response = await h.t.api.post('/simulator/v1/Calls', { From: from, To: to });
      assert.equal(response.status, 201, response.text);
      assert.deepEqual(Object.keys(response.body).sort(), CALL_KEYS);
      return response.body;
    },

    async end(callSid: string, status: string): Promise<Json> {
      const response = await h.t.api.post(`/simulator/v1/Calls/${callSid}`, { Status: status });
      assert.equal(response.status, 200, response.text);
      return response.body;
    },

    /** The simulator's message log, filtered. */
    async messages(query: Form): Promise<Json[]> {
      const response = await h.t.api.get('/simulator/v1/Messages', query);
      assert.equal(response.status, 200, response.text);
      return response.body.messages;
    },

    /** The messages of the simulator's log that belong to this session (the log is account-wide). */
    async ofSession(sessionSid: string): Promise<Json[]> {
      return (await h.messages({ PageSize: 1000 })).filter((m) => m.session_sid === sessionSid);
    },

    async interactions(path: string): Promise<Json[]> {
      const response = await h.t.api.get(`${path}/Interactions`);
      assert.equal(response.status, 200, response.text);
      return response.body.interactions;
    },

    async interaction(path: string, sid: string): Promise<Json> {
      const response = await h.t.api.get(`${path}/Interactions/${sid}`);
      assert.equal(response.status, 200, response.text);
      return response.body;
    },

    async sessionOf(path: string): Promise<Json> {
      const response = await h.t.api.get(path);
      assert.equal(response.status, 200, response.text);
      return response.body;
    },
  };

  before(async () => {
    h.t = await startTestApp();
  });
  after(() => h.t.close());
  // Pool numbers are unique per account: each test's service gives its numbers back.
  afterEach(() => h.t.api.delete(h.service));
  beforeEach(async () => {
    h.serviceSid = (await h.t.api.post('/v1/Services', { UniqueName: `svc-${Math.random()}` })).body.sid;
    h.service = `/v1/Services/${h.serviceSid}`;
    for (const n of [P1, P2, P3]) assert.equal((await h.t.api.post(`${h.service}/PhoneNumbers`, { PhoneNumber: n })).status, 201);
  });
  return h;
}

/** The path of an absolute URL the server gave out. */
function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

describe('Masking: messages', () => {
  const h = harness();

  test('a conversation: each side sees the other only as its own proxy number, and both messages are interactions', async () => {
    const { path, sid, a, b } = await h.pair();
    const fresh = await h.sessionOf(path);
    assert.equal(fresh.status, 'open');
    assert.equal(fresh.date_started, null);
    assert.equal(fresh.date_last_interaction, null);

    // A texts its proxy number; B gets it from B's proxy number.
    const first = await h.text(a.identifier, a.proxy, 'Hi Bob, this is Alice');
    assert.match(first.sid, SM);
    assert.match(first.interaction_sid, KI);
    assert.match(first.date_created, DATE);
    assert.deepEqual(first, {
      sid: first.sid,
      from: a.identifier,
      to: P1,
      body: 'Hi Bob, this is Alice',
      media_urls: [],
      direction: 'inbound',
      status: 'received',
      interaction_sid: first.interaction_sid,
      session_sid: sid,
      date_created: first.date_created,
    });
    const atB = await h.messages({ To: b.identifier });
    assert.equal(atB.length, 1, JSON.stringify(atB));
    const firstCopy = atB[0]!;
    assert.match(firstCopy.sid, SM);
    assert.notEqual(firstCopy.sid, first.sid);
    assert.deepEqual(firstCopy, {
      sid: firstCopy.sid,
      from: P2,
      to: b.identifier,
      body: 'Hi Bob, this is Alice',
      media_urls: [],
      direction: 'outbound',
      status: 'delivered',
      interaction_sid: first.interaction_sid,
      session_sid: sid,
      date_created: firstCopy.date_created,
    });

    await h.advance(1);
    // B replies to B's proxy number; A gets it from A's proxy number.
    const reply = await h.text(b.identifier, b.proxy, 'Hi Alice!');
    assert.equal(reply.session_sid, sid);
    assert.match(reply.interaction_sid, KI);
    assert.notEqual(reply.interaction_sid, first.interaction_sid);
    const atA = await h.messages({ To: a.identifier });
    assert.equal(atA.length, 1, JSON.stringify(atA));
    const replyCopy = atA[0]!;
    assert.deepEqual(replyCopy, {
      sid: replyCopy.sid,
      from: P1,
      to: a.identifier,
      body: 'Hi Alice!',
      media_urls: [],
      direction: 'outbound',
      status: 'delivered',
      interaction_sid: reply.interaction_sid,
      session_sid: sid,
      date_created: replyCopy.date_created,
    });

    // Each handset's log shows exactly that: neither ever sees the other's real number.
    const sids = async (query: Form) => (await h.messages(query)).map((m) => m.sid);
    assert.deepEqual(await sids({ From: a.identifier }), [first.sid]);
    assert.deepEqual(await sids({ To: a.identifier }), [replyCopy.sid]);
    assert.deepEqual(await sids({ From: b.identifier }), [reply.sid]);
    assert.deepEqual(await sids({ To: b.identifier }), [firstCopy.sid]);
    assert.deepEqual(await sids({ From: P1, To: a.identifier }), [replyCopy.sid]);
    assert.deepEqual(await sids({ From: P2, To: b.identifier }), [firstCopy.sid]);
    assert.deepEqual(await sids({ From: a.identifier, To: P1 }), [first.sid]);
    assert.deepEqual(await sids({ From: b.identifier, To: P2 }), [reply.sid]);
    // Of the whole (account-wide) log, this session's messages are exactly these four.
    assert.deepEqual((await h.ofSession(sid)).map((m) => m.sid).sort(), [first.sid, firstCopy.sid, reply.sid, replyCopy.sid].sort());
    assert.deepEqual(await sids({ To: b.identifier, From: a.identifier }), [], 'A never reaches B directly');
    assert.deepEqual(await sids({ To: a.identifier, From: b.identifier }), [], 'B never reaches A directly');

    // Two interactions, oldest first, every field as Twilio shapes it.
    const expected = (message: Json, copy: Json, from: Member, to: Member) => ({
      sid: message.interaction_sid,
      session_sid: sid,
      service_sid: h.serviceSid,
      account_sid: TEST_ACCOUNT_SID,
      data: JSON.stringify({ body: message.body }),
      type: 'message',
      inbound_participant_sid: from.sid,
      inbound_resource_sid: message.sid,
      inbound_resource_status: 'delivered',
      inbound_resource_type: 'Message',
      inbound_resource_url: null,
      outbound_participant_sid: to.sid,
      outbound_resource_sid: copy.sid,
      outbound_resource_status: 'delivered',
      outbound_resource_type: 'Message',
      outbound_resource_url: null,
      date_created: copy.date_created,
      date_updated: copy.date_created,
      url: `${h.t.baseUrl}${path}/Interactions/${message.interaction_sid}`,
    });
    const listed = await h.interactions(path);
    assert.deepEqual(listed, [expected(first, firstCopy, a, b), expected(reply, replyCopy, b, a)]);
    assert.ok(Date.parse(listed[1]!.date_created) > Date.parse(listed[0]!.date_created));
    for (const interaction of listed) assert.deepEqual(await h.interaction(path, interaction.sid), interaction);

    // The session is under way: started at the first interaction, last active at the second.
    const session = await h.sessionOf(path);
    assert.equal(session.status, 'in-progress');
    assert.equal(session.closed_reason, null);
    assert.equal(session.date_ended, null);
    assert.equal(session.date_started, listed[0]!.date_created);
    assert.equal(session.date_last_interaction, listed[1]!.date_created);
    assert.equal(session.date_updated, listed[1]!.date_created);
  });

  test('media URLs are carried through to the recipient, with or without a body', async () => {
    const { path, a, b } = await h.pair();
    const media = ['https://example.com/a.jpg', 'https://example.com/b.png?size=large&x=1'];
    const sent = await h.text(a.identifier, a.proxy, 'look at these', media);
    assert.deepEqual(sent.media_urls, media);
    const [copy, ...rest] = await h.messages({ To: b.identifier });
    assert.deepEqual(rest, []);
    assert.equal(copy!.body, 'look at these');
    assert.deepEqual(copy!.media_urls, media);
    assert.equal(copy!.from, P2);
    const [interaction] = await h.interactions(path);
    assert.equal(interaction!.data, JSON.stringify({ body: 'look at these' }));
    assert.equal(interaction!.outbound_resource_sid, copy!.sid);

    // Any text survives the trip, and data is its JSON.
    const fancy = 'Ça va? 🚗 "quoted" & <tags>\nline two';
    const fancySent = await h.text(a.identifier, a.proxy, fancy);
    assert.equal(fancySent.body, fancy);
    assert.equal((await h.messages({ To: b.identifier })).find((m) => m.interaction_sid === fancySent.interaction_sid)?.body, fancy);
    assert.deepEqual(JSON.parse((await h.interaction(path, fancySent.interaction_sid)).data), { body: fancy });

    // A picture alone.
    const picture = await h.text(b.identifier, b.proxy, '', ['https://example.com/c.gif']);
    assert.match(picture.interaction_sid, KI);
    const [back] = await h.messages({ To: a.identifier });
    assert.deepEqual(back!.media_urls, ['https://example.com/c.gif']);
    assert.equal(back!.body, '');
    assert.equal(back!.from, P1);
    assert.equal((await h.interaction(path, picture.interaction_sid)).outbound_resource_status, 'delivered');

    // A media URL must be an absolute http(s) URL.
    const bad = await h.t.api.post('/simulator/v1/Messages', { From: a.identifier, To: P1, Body: 'x', MediaUrl: 'ftp://example.com/x' });
    assert.match(expectError(bad, 400, 80701), /MediaUrl/);
  });

  test('the first interaction starts the session; each one moves date_last_interaction', async () => {
    const { path, a, b } = await h.pair();
    const created = await h.sessionOf(path);
    await h.advance(5);
    const first = await h.text(a.identifier, a.proxy, 'one');
    const started = await h.sessionOf(path);
    const firstInteraction = await h.interaction(path, first.interaction_sid);
    assert.equal(started.status, 'in-progress');
    assert.equal(started.date_started, firstInteraction.date_created);
    assert.equal(started.date_last_interaction, firstInteraction.date_created);
    assert.ok(Date.parse(started.date_started) >= Date.parse(created.date_created) + 5000);
    assert.equal(started.date_created, created.date_created);

    await h.advance(10);
    const second = await h.text(b.identifier, b.proxy, 'two');
    const later = await h.sessionOf(path);
    const secondInteraction = await h.interaction(path, second.interaction_sid);
    assert.equal(later.status, 'in-progress');
    assert.equal(later.date_started, started.date_started, 'date_started stays at the first interaction');
    assert.equal(later.date_last_interaction, secondInteraction.date_created);
    assert.ok(Date.parse(later.date_last_interaction) >= Date.parse(started.date_last_interaction) + 10_000);

    await h.advance(10);
    const placed = await h.call(a.identifier, a.proxy);
    const callInteraction = await h.interaction(path, placed.interaction_sid);
    const afterCall = await h.sessionOf(path);
    assert.equal(afterCall.date_last_interaction, callInteraction.date_created, 'a call is an interaction too');
    assert.equal(afterCall.date_started, started.date_started);
    await h.end(placed.sid, 'completed');
  });

  test('interactions restart the Ttl window; expiry closes the session and routing stops', async () => {
    const { path, a, b } = await h.pair({ Ttl: 60 });
    await h.advance(50);
    const sent = await h.text(a.identifier, a.proxy, 'still there?');
    assert.match(sent.interaction_sid, KI);
    const interaction = await h.interaction(path, sent.interaction_sid);

    await h.advance(59);
    const alive = await h.sessionOf(path);
    assert.equal(alive.status, 'in-progress', 'without the message it would have expired at +60 s');
    assert.equal(alive.date_last_interaction, interaction.date_created);

    await h.advance(2);
    const expired = await h.sessionOf(path);
    assert.equal(expired.status, 'closed');
    assert.equal(expired.closed_reason, 'ttl');
    assert.equal(expired.date_ended, new Date(Date.parse(interaction.date_created) + 60_000).toISOString().slice(0, 19) + 'Z');

    // Closed by expiry: neither side is routed any more, nothing is recorded or delivered.
    const late = await h.text(a.identifier, a.proxy, 'hello?');
    assert.equal(late.interaction_sid, null);
    assert.equal(late.session_sid, null);
    const lateReply = await h.text(b.identifier, b.proxy, 'hello?');
    assert.equal(lateReply.interaction_sid, null);
    const lateCall = await h.call(a.identifier, a.proxy);
    assert.equal(lateCall.status, 'failed');
    assert.equal(lateCall.bridged_to, null);
    assert.equal(lateCall.interaction_sid, null);
    assert.equal((await h.interactions(path)).length, 1);
    assert.equal((await h.messages({ To: b.identifier })).length, 1);
    assert.equal((await h.messages({ To: a.identifier })).length, 0);
  });

  test('the service default_ttl window restarts at each interaction; a DateExpiry does not move', async () => {
    assert.equal((await h.t.api.post(h.service, { DefaultTtl: 60 })).status, 200);
    const byDefault = await h.pair();
    await h.advance(50);
    await h.text(byDefault.a.identifier, byDefault.a.proxy, 'ping');
    await h.advance(59);
    assert.equal((await h.sessionOf(byDefault.path)).status, 'in-progress');
    await h.advance(2);
    assert.equal((await h.sessionOf(byDefault.path)).closed_reason, 'ttl');

    const now = (await h.t.api.get('/simulator/v1/Clock')).body.now_ms as number;
    const dateExpiry = new Date(now + 60_000).toISOString().slice(0, 19) + 'Z';
    const fixed = await h.pair({ DateExpiry: dateExpiry, Ttl: 3600 });
    await h.advance(30);
    assert.match((await h.text(fixed.a.identifier, fixed.a.proxy, 'ping')).interaction_sid, KI);
    await h.advance(31);
    const ended = await h.sessionOf(fixed.path);
    assert.equal(ended.status, 'closed');
    assert.equal(ended.closed_reason, 'date-expiry');
    assert.equal(ended.date_ended, dateExpiry);
    assert.equal((await h.text(fixed.a.identifier, fixed.a.proxy, 'ping')).interaction_sid, null);
  });

  test('a call keeps a Ttl session alive too', async () => {
    const { path, a } = await h.pair({ Ttl: 60 });
    await h.advance(50);
    const placed = await h.call(a.identifier, a.proxy);
    assert.equal(placed.status, 'in-progress');
    await h.end(placed.sid, 'completed');
    await h.advance(59);
    assert.equal((await h.sessionOf(path)).status, 'in-progress');
    await h.advance(2);
    const expired = await h.sessionOf(path);
    assert.equal(expired.status, 'closed');
    assert.equal(expired.closed_reason, 'ttl');
  });

  test('a message to a voice-only session is recorded as failed and not delivered', async () => {
    const { path, sid, a, b } = await h.pair({ Mode: 'voice-only' });
    const sent = await h.text(a.identifier, a.proxy, 'can you hear me?');
    assert.equal(sent.session_sid, sid);
    assert.match(sent.interaction_sid, KI);
    const listed = await h.interactions(path);
    assert.equal(listed.length, 1);
    const interaction = listed[0]!;
    assert.equal(interaction.sid, sent.interaction_sid);
    assert.equal(interaction.type, 'message');
    assert.equal(interaction.data, JSON.stringify({ body: 'can you hear me?' }));
    assert.equal(interaction.inbound_participant_sid, a.sid);
    assert.equal(interaction.inbound_resource_sid, sent.sid);
    assert.equal(interaction.inbound_resource_type, 'Message');
    assert.equal(interaction.outbound_participant_sid, b.sid);
    assert.equal(interaction.outbound_resource_sid, null);
    assert.equal(interaction.outbound_resource_status, 'failed');
    assert.equal(interaction.outbound_resource_type, 'Message');
    assert.deepEqual(await h.messages({ To: b.identifier }), []);
    assert.deepEqual(
      (await h.ofSession(sid)).map((m) => m.sid),
      [sent.sid],
      'only the inbound message is in the log',
    );
    // Refused traffic is still an interaction of the session.
    const session = await h.sessionOf(path);
    assert.equal(session.status, 'in-progress');
    assert.equal(session.date_last_interaction, interaction.date_created);

    // Calls go through in a voice-only session.
    const placed = await h.call(a.identifier, a.proxy);
    assert.equal(placed.status, 'in-progress');
    assert.deepEqual(placed.bridged_to, { from: b.proxy, to: b.identifier });
    await h.end(placed.sid, 'completed');
  });

  test('a call to a message-only session is refused and recorded as failed', async () => {
    const { path, sid, a, b } = await h.pair({ Mode: 'message-only' });
    const placed = await h.call(a.identifier, a.proxy);
    assert.match(placed.sid, CA);
    assert.equal(placed.status, 'failed');
    assert.equal(placed.bridged_to, null);
    assert.equal(placed.session_sid, sid);
    assert.match(placed.interaction_sid, KI);
    assert.deepEqual((await h.t.api.get(`/simulator/v1/Calls/${placed.sid}`)).body, placed);
    const interaction = await h.interaction(path, placed.interaction_sid);
    assert.equal(interaction.type, 'voice');
    assert.equal(interaction.data, null);
    assert.equal(interaction.inbound_participant_sid, a.sid);
    assert.equal(interaction.inbound_resource_sid, placed.sid);
    assert.equal(interaction.inbound_resource_type, 'Call');
    assert.equal(interaction.outbound_participant_sid, b.sid);
    assert.equal(interaction.outbound_resource_sid, null);
    assert.equal(interaction.outbound_resource_status, 'failed');
    assert.equal(interaction.outbound_resource_type, 'Call');
    // A refused call cannot be ended.
    assert.match(
      expectError(await h.t.api.post(`/simulator/v1/Calls/${placed.sid}`, { Status: 'completed' }), 400, 80701),
      /already ended/,
    );

    // Messages go through in a message-only session.
    const sent = await h.text(a.identifier, a.proxy, 'text me instead');
    assert.equal((await h.interaction(path, sent.interaction_sid)).outbound_resource_status, 'delivered');
    assert.equal((await h.messages({ To: b.identifier })).length, 1);
  });

  test('with the partner missing, messages and calls are recorded as failed', async () => {
    const alone = person();
    const { path, sid, members } = await h.session([{ Identifier: alone, ProxyIdentifier: P1 }]);
    const sent = await h.text(alone, P1, 'anyone there?');
    assert.equal(sent.session_sid, sid);
    assert.match(sent.interaction_sid, KI);
    const message = await h.interaction(path, sent.interaction_sid);
    assert.equal(message.inbound_participant_sid, members[alone]!.sid);
    assert.equal(message.outbound_participant_sid, null);
    assert.equal(message.outbound_resource_sid, null);
    assert.equal(message.outbound_resource_status, 'failed');
    const placed = await h.call(alone, P1);
    assert.equal(placed.status, 'failed');
    assert.equal(placed.bridged_to, null);
    assert.equal(placed.session_sid, sid);
    const call = await h.interaction(path, placed.interaction_sid);
    assert.equal(call.type, 'voice');
    assert.equal(call.outbound_participant_sid, null);
    assert.equal(call.outbound_resource_sid, null);
    assert.equal(call.outbound_resource_status, 'failed');
    assert.deepEqual(
      (await h.ofSession(sid)).map((m) => m.sid),
      [sent.sid],
      'only the inbound message is in the log',
    );

    // A partner who was removed is missing too.
    const pair = await h.pair();
    assert.equal((await h.t.api.delete(`${pair.path}/Participants/${pair.b.sid}`)).status, 204);
    const orphan = await h.text(pair.a.identifier, pair.a.proxy, 'Bob?');
    assert.equal(orphan.session_sid, pair.sid);
    const failed = await h.interaction(pair.path, orphan.interaction_sid);
    assert.equal(failed.outbound_participant_sid, null);
    assert.equal(failed.outbound_resource_status, 'failed');
    assert.deepEqual(await h.messages({ To: pair.b.identifier }), []);
  });

  test('opt-out keywords, in any case and trimmed, are recorded as canceled and never forwarded', async () => {
    const { path, a, b } = await h.pair();
    const keywords = ['STOP', 'stop', ' Unsubscribe ', 'end', 'Quit', 'cancel\n', 'StopAll', '\tSTOPALL'];
    for (const word of keywords) {
      const from = word === 'end' ? b : a;
      const sent = await h.text(from.identifier, from.proxy, word);
      assert.match(sent.interaction_sid, KI, JSON.stringify(word));
      const interaction = await h.interaction(path, sent.interaction_sid);
      assert.equal(interaction.outbound_resource_status, 'canceled', JSON.stringify(word));
      assert.equal(interaction.outbound_resource_sid, null, JSON.stringify(word));
      assert.equal(interaction.outbound_participant_sid, (from === a ? b : a).sid);
      assert.equal(interaction.data, JSON.stringify({ body: word }));
    }
    assert.deepEqual(await h.messages({ To: b.identifier }), []);
    assert.deepEqual(await h.messages({ To: a.identifier }), []);

    // Only the whole message is a keyword.
    const ordinary = ['Stop by at noon', 'please stop', 'STOP!', 'stopped', 'the end'];
    for (const text of ordinary) {
      const sent = await h.text(a.identifier, a.proxy, text);
      assert.equal((await h.interaction(path, sent.interaction_sid)).outbound_resource_status, 'delivered', text);
    }
    assert.deepEqual((await h.messages({ To: b.identifier })).map((m) => m.body).sort(), [...ordinary].sort());
    assert.equal((await h.interactions(path)).length, keywords.length + ordinary.length);
  });

  test('traffic outside any session is answered with nulls and recorded nowhere', async () => {
    const { path, a, b } = await h.pair();
    const stranger = person();
    const attempts: Array<[string, string, string]> = [
      [stranger, P1, 'a stranger on a pool number'],
      [a.identifier, P2, 'A on the number B holds'],
      [b.identifier, P1, 'B on the number A holds'],
      [a.identifier, P3, 'A on a pool number it does not hold'],
      [a.identifier, NOT_IN_POOL, 'a number in no pool'],
    ];
    for (const [from, to, why] of attempts) {
      const sent = await h.text(from, to, why);
      assert.match(sent.sid, SM);
      assert.deepEqual(
        {
          interaction_sid: sent.interaction_sid,
          session_sid: sent.session_sid,
          direction: sent.direction,
          status: sent.status,
          from: sent.from,
          to: sent.to,
        },
        { interaction_sid: null, session_sid: null, direction: 'inbound', status: 'received', from, to },
        why,
      );
      const placed = await h.call(from, to);
      assert.match(placed.sid, CA);
      assert.deepEqual(
        { status: placed.status, bridged_to: placed.bridged_to, interaction_sid: placed.interaction_sid, session_sid: placed.session_sid },
        { status: 'failed', bridged_to: null, interaction_sid: null, session_sid: null },
        why,
      );
      assert.deepEqual((await h.t.api.get(`/simulator/v1/Calls/${placed.sid}`)).body, placed);
    }
    assert.deepEqual(await h.interactions(path), []);
    assert.deepEqual(await h.messages({ To: a.identifier }), []);
    assert.deepEqual(await h.messages({ To: b.identifier }), []);
    assert.deepEqual(await h.messages({ To: stranger }), []);
    const session = await h.sessionOf(path);
    assert.equal(session.status, 'open');
    assert.equal(session.date_last_interaction, null);
    // The stranger's handset still logged what it sent.
    const log = await h.messages({ From: stranger });
    assert.deepEqual(
      log.map((m) => [m.body, m.interaction_sid]),
      [['a stranger on a pool number', null]],
    );

    // A session closed through the API routes nothing either.
    assert.equal((await h.t.api.post(path, { Status: 'closed' })).status, 200);
    const closed = await h.text(a.identifier, a.proxy, 'after the end');
    assert.equal(closed.interaction_sid, null);
    assert.equal(closed.session_sid, null);
    assert.deepEqual(await h.interactions(path), []);
    assert.deepEqual(await h.messages({ To: b.identifier }), []);

    // Re-opened, it routes again.
    assert.equal((await h.t.api.post(path, { Status: 'in-progress' })).status, 200);
    const reopened = await h.text(a.identifier, a.proxy, 'back again');
    assert.match(reopened.interaction_sid, KI);
    assert.deepEqual(
      (await h.messages({ To: b.identifier })).map((m) => [m.from, m.body]),
      [[P2, 'back again']],
    );
  });

  test('interactions: fetch, list paging, delete', async () => {
    const { path, a, b } = await h.pair();
    const sent: Json[] = [];
    for (let i = 0; i < 5; i++) {
      const from = i % 2 === 0 ? a : b;
      sent.push(await h.text(from.identifier, from.proxy, `message ${i}`));
      await h.advance(1);
    }
    const all = await h.interactions(path);
    assert.deepEqual(
      all.map((i) => i.sid),
      sent.map((m) => m.interaction_sid),
      'oldest first',
    );
    for (const interaction of all) assert.deepEqual(await h.interaction(path, interaction.sid), interaction);

    const listUrl = `${h.t.baseUrl}${path}/Interactions`;
    const first = (await h.t.api.get(`${path}/Interactions`, { PageSize: 2 })).body;
    assert.deepEqual(first.interactions, all.slice(0, 2));
    assert.equal(first.meta.key, 'interactions');
    assert.equal(first.meta.page, 0);
    assert.equal(first.meta.page_size, 2);
    assert.equal(first.meta.first_page_url, `${listUrl}?PageSize=2&Page=0`);
    assert.equal(first.meta.url, `${listUrl}?PageSize=2&Page=0`);
    assert.equal(first.meta.previous_page_url, null);
    assert.ok(first.meta.next_page_url);
    const second = (await h.t.api.get(pathOf(first.meta.next_page_url))).body;
    assert.deepEqual(second.interactions, all.slice(2, 4));
    assert.equal(second.meta.page, 1);
    const third = (await h.t.api.get(pathOf(second.meta.next_page_url))).body;
    assert.deepEqual(third.interactions, all.slice(4));
    assert.equal(third.meta.next_page_url, null);
    const back = (await h.t.api.get(pathOf(third.meta.previous_page_url))).body;
    assert.deepEqual(back.interactions, all.slice(2, 4));
    const byOffset = (await h.t.api.get(`${path}/Interactions`, { PageSize: 2, Page: 2 })).body;
    assert.deepEqual(byOffset.interactions, all.slice(4));

    // Delete removes the log entry only.
    const gone = all[1]!;
    const removed = await h.t.api.delete(`${path}/Interactions/${gone.sid}`);
    assert.equal(removed.status, 204);
    assert.equal(removed.text, '');
    expectError(await h.t.api.get(`${path}/Interactions/${gone.sid}`), 404, 20404);
    expectError(await h.t.api.delete(`${path}/Interactions/${gone.sid}`), 404, 20404);
    assert.deepEqual(
      (await h.interactions(path)).map((i) => i.sid),
      all.filter((i) => i !== gone).map((i) => i.sid),
    );
    assert.deepEqual(
      (await h.messages({ From: b.identifier })).map((m) => m.body),
      ['message 3', 'message 1'],
      'the messages stay',
    );
  });

  test('the handset log lists newest first and pages like the API', async () => {
    const { a, b } = await h.pair();
    for (let i = 0; i < 3; i++) {
      await h.text(a.identifier, a.proxy, `note ${i}`);
      await h.advance(1);
    }
    const inbox = await h.messages({ To: b.identifier });
    assert.deepEqual(
      inbox.map((m) => m.body),
      ['note 2', 'note 1', 'note 0'],
    );
    const page = (await h.t.api.get('/simulator/v1/Messages', { To: b.identifier, PageSize: 2 })).body;
    assert.deepEqual(page.messages, inbox.slice(0, 2));
    assert.equal(page.meta.key, 'messages');
    assert.equal(page.meta.page_size, 2);
    assert.ok(new URL(page.meta.next_page_url).searchParams.get('To') === b.identifier, page.meta.next_page_url);
    const next = (await h.t.api.get(pathOf(page.meta.next_page_url))).body;
    assert.deepEqual(next.messages, inbox.slice(2));
    assert.equal(next.meta.next_page_url, null);
    expectError(await h.t.anonymous.get('/simulator/v1/Messages'), 401, 20003);
    expectError(await h.t.anonymous.post('/simulator/v1/Messages', { From: a.identifier, To: P1, Body: 'x' }), 401, 20003);
    assert.match(expectError(await h.t.api.post('/simulator/v1/Messages', { From: 'nobody', To: P1, Body: 'x' }), 400, 80701), /From/);
  });

  test('unknown SIDs are 404', async () => {
    const { path, sid, a } = await h.pair();
    const sent = await h.text(a.identifier, a.proxy, 'hello');
    const ki = sent.interaction_sid as string;
    expectError(await h.t.api.get(`${path}/Interactions/${GHOST_KI}`), 404, 20404);
    expectError(await h.t.api.delete(`${path}/Interactions/${GHOST_KI}`), 404, 20404);
    expectError(await h.t.api.get(`${path}/Interactions/not-a-sid`), 404, 20404);
    expectError(await h.t.api.delete(`${path}/Interactions/not-a-sid`), 404, 20404);
    const ghostSession = `${h.service}/Sessions/KC${'0'.repeat(32)}`;
    expectError(await h.t.api.get(`${ghostSession}/Interactions`), 404, 20404);
    expectError(await h.t.api.get(`${ghostSession}/Interactions/${ki}`), 404, 20404);
    expectError(await h.t.api.delete(`${ghostSession}/Interactions/${ki}`), 404, 20404);
    expectError(await h.t.api.get(`/v1/Services/KS${'0'.repeat(32)}/Sessions/${sid}/Interactions`), 404, 20404);
    expectError(await h.t.api.get(`/v1/Services/KS${'0'.repeat(32)}/Sessions/${sid}/Interactions/${ki}`), 404, 20404);
    // Another session's interaction is not found through this one.
    const other = await h.session([{ Identifier: person() }]);
    assert.deepEqual(await h.interactions(other.path), []);
    expectError(await h.t.api.get(`${other.path}/Interactions/${ki}`), 404, 20404);
    expectError(await h.t.api.delete(`${other.path}/Interactions/${ki}`), 404, 20404);
    assert.equal((await h.interaction(path, ki)).sid, ki, 'still there');
    // Methods the resource does not have.
    expectError(await h.t.api.post(`${path}/Interactions`, {}), 405, 20004);
    expectError(await h.t.api.post(`${path}/Interactions/${ki}`, {}), 405, 20004);
    // A deleted session takes its interactions with it.
    assert.equal((await h.t.api.delete(path)).status, 204);
    expectError(await h.t.api.get(`${path}/Interactions`), 404, 20404);
    expectError(await h.t.api.get(`${path}/Interactions/${ki}`), 404, 20404);
    expectError(await h.t.api.delete(`${path}/Interactions/${ki}`), 404, 20404);
    // The simulator's calls.
    expectError(await h.t.api.get(`/simulator/v1/Calls/CA${'0'.repeat(32)}`), 404, 20404);
    expectError(await h.t.api.post(`/simulator/v1/Calls/CA${'0'.repeat(32)}`, { Status: 'completed' }), 404, 20404);
  });

  test('an identifier in two sessions is routed by the number it dials', async () => {
    const [alice, bob, carol] = [person(), person(), person()];
    const withBob = await h.session([
      { Identifier: alice, ProxyIdentifier: P1 },
      { Identifier: bob, ProxyIdentifier: P2 },
    ]);
    const withCarol = await h.session([
      { Identifier: alice, ProxyIdentifier: P3 },
      { Identifier: carol, ProxyIdentifier: P1 },
    ]);

    const toBob = await h.text(alice, P1, 'for Bob');
    assert.equal(toBob.session_sid, withBob.sid);
    const toCarol = await h.text(alice, P3, 'for Carol');
    assert.equal(toCarol.session_sid, withCarol.sid);
    assert.deepEqual(
      (await h.messages({ To: bob })).map((m) => [m.from, m.body]),
      [[P2, 'for Bob']],
    );
    assert.deepEqual(
      (await h.messages({ To: carol })).map((m) => [m.from, m.body]),
      [[P1, 'for Carol']],
    );

    // Replies reach Alice on the number of the session they belong to.
    const fromBob = await h.text(bob, P2, 'Bob here');
    assert.equal(fromBob.session_sid, withBob.sid);
    const fromCarol = await h.text(carol, P1, 'Carol here');
    assert.equal(fromCarol.session_sid, withCarol.sid);
    assert.deepEqual(
      (await h.messages({ To: alice, From: P1 })).map((m) => m.body),
      ['Bob here'],
    );
    assert.deepEqual(
      (await h.messages({ To: alice, From: P3 })).map((m) => m.body),
      ['Carol here'],
    );

    // Calls too.
    const callCarol = await h.call(alice, P3);
    assert.deepEqual(callCarol.bridged_to, { from: P1, to: carol });
    assert.equal(callCarol.session_sid, withCarol.sid);
    const callBob = await h.call(alice, P1);
    assert.deepEqual(callBob.bridged_to, { from: P2, to: bob });
    assert.equal(callBob.session_sid, withBob.sid);

    // Each session logged its own three, with the right participants (created within the same
    // second or so, so compared by SID rather than by list order).
    const legs = async (path: string) =>
      Object.fromEntries((await h.interactions(path)).map((i) => [i.sid, [i.inbound_participant_sid, i.outbound_participant_sid]]));
    const [inBob, inAlice1] = [withBob.members[bob]!.sid, withBob.members[alice]!.sid];
    assert.deepEqual(await legs(withBob.path), {
      [toBob.interaction_sid]: [inAlice1, inBob],
      [fromBob.interaction_sid]: [inBob, inAlice1],
      [callBob.interaction_sid]: [inAlice1, inBob],
    });
    const [inCarol, inAlice2] = [withCarol.members[carol]!.sid, withCarol.members[alice]!.sid];
    assert.deepEqual(await legs(withCarol.path), {
      [toCarol.interaction_sid]: [inAlice2, inCarol],
      [fromCarol.interaction_sid]: [inCarol, inAlice2],
      [callCarol.interaction_sid]: [inAlice2, inCarol],
    });
    await h.end(callCarol.sid, 'completed');
    await h.end(callBob.sid, 'completed');
  });
});

describe('Masking: calls', () => {
  const h = harness();

  test("a call is bridged with the partner's proxy number as caller id, then completed with its duration", async () => {
    const { path, sid, a, b } = await h.pair();
    const placed = await h.call(a.identifier, a.proxy);
    assert.match(placed.sid, CA);
    assert.match(placed.interaction_sid, KI);
    assert.match(placed.date_created, DATE);
    assert.deepEqual(placed, {
      sid: placed.sid,
      from: a.identifier,
      to: P1,
      status: 'in-progress',
      bridged_to: { from: P2, to: b.identifier },
      interaction_sid: placed.interaction_sid,
      session_sid: sid,
      date_created: placed.date_created,
      date_updated: placed.date_created,
    });
    assert.deepEqual((await h.t.api.get(`/simulator/v1/Calls/${placed.sid}`)).body, placed);

    const ringing = await h.interaction(path, placed.interaction_sid);
    assert.match(ringing.outbound_resource_sid, CA);
    assert.notEqual(ringing.outbound_resource_sid, placed.sid);
    assert.match(ringing.date_created, DATE);
    assert.deepEqual(ringing, {
      sid: placed.interaction_sid,
      session_sid: sid,
      service_sid: h.serviceSid,
      account_sid: TEST_ACCOUNT_SID,
      data: null,
      type: 'voice',
      inbound_participant_sid: a.sid,
      inbound_resource_sid: placed.sid,
      inbound_resource_status: 'in-progress',
      inbound_resource_type: 'Call',
      inbound_resource_url: null,
      outbound_participant_sid: b.sid,
      outbound_resource_sid: ringing.outbound_resource_sid,
      outbound_resource_status: 'in-progress',
      outbound_resource_type: 'Call',
      outbound_resource_url: null,
      date_created: ringing.date_created,
      date_updated: ringing.date_created,
      url: `${h.t.baseUrl}${path}/Interactions/${placed.interaction_sid}`,
    });
    const session = await h.sessionOf(path);
    assert.equal(session.status, 'in-progress');
    assert.equal(session.date_started, ringing.date_created);
    assert.equal(session.date_last_interaction, ringing.date_created);

    await h.advance(30);
    const ended = await h.end(placed.sid, 'completed');
    assert.equal(ended.status, 'completed');
    assert.equal(ended.sid, placed.sid);
    assert.ok(Date.parse(ended.date_updated) >= Date.parse(placed.date_created) + 29_000);
    assert.deepEqual((await h.t.api.get(`/simulator/v1/Calls/${placed.sid}`)).body, ended);
    const done = await h.interaction(path, placed.interaction_sid);
    assert.deepEqual(JSON.parse(done.data), { duration: '30' });
    assert.deepEqual(done, {
      ...ringing,
      data: done.data,
      inbound_resource_status: 'completed',
      outbound_resource_status: 'completed',
      date_updated: done.date_updated,
    });
    assert.ok(Date.parse(done.date_updated) >= Date.parse(ringing.date_created) + 29_000);
    assert.deepEqual(await h.interactions(path), [done]);
    // An ended call cannot end again.
    assert.match(expectError(await h.t.api.post(`/simulator/v1/Calls/${placed.sid}`, { Status: 'completed' }), 400, 80701), /Status/);

    // The other way round: B's call reaches A from A's proxy number.
    const back = await h.call(b.identifier, b.proxy);
    assert.equal(back.status, 'in-progress');
    assert.deepEqual(back.bridged_to, { from: P1, to: a.identifier });
    const backInteraction = await h.interaction(path, back.interaction_sid);
    assert.equal(backInteraction.inbound_participant_sid, b.sid);
    assert.equal(backInteraction.outbound_participant_sid, a.sid);
    await h.end(back.sid, 'completed');
  });

  test('busy, no-answer and failed endings are recorded on the outbound leg, without a duration', async () => {
    const { path, a } = await h.pair();
    for (const ending of ['busy', 'no-answer', 'failed']) {
      const placed = await h.call(a.identifier, a.proxy);
      assert.equal(placed.status, 'in-progress');
      await h.advance(5);
      const ended = await h.end(placed.sid, ending);
      assert.equal(ended.status, ending);
      assert.equal((await h.t.api.get(`/simulator/v1/Calls/${placed.sid}`)).body.status, ending);
      const interaction = await h.interaction(path, placed.interaction_sid);
      assert.equal(interaction.outbound_resource_status, ending, ending);
      assert.notEqual(interaction.inbound_resource_status, 'in-progress', `${ending}: the caller's leg ended too`);
      assert.equal(interaction.data, null, `${ending}: no duration`);
    }
    const placed = await h.call(a.identifier, a.proxy);
    assert.match(expectError(await h.t.api.post(`/simulator/v1/Calls/${placed.sid}`, { Status: 'ringing' }), 400, 80701), /Status/);
    expectError(await h.t.api.post(`/simulator/v1/Calls/${placed.sid}`, {}), 400, 20001);
    assert.equal((await h.t.api.get(`/simulator/v1/Calls/${placed.sid}`)).body.status, 'in-progress', 'refused endings change nothing');
    await h.end(placed.sid, 'completed');
  });
});
