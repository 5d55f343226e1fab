// The masking engine end to end over HTTP, for texts: a handset texts its proxy number through the
// carrier simulator, Parley delivers it to the session's other participant from that participant's
// own proxy number and records it as an Interaction; neither side ever sees the other's number.
// Media and any text survive the trip; an identifier in two sessions is routed by the number it
// dials; opt-out keywords are recorded and never forwarded.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TEST_ACCOUNT_SID } from '../helpers/app.js';
import { handset } from '../helpers/factories.js';
import type { Member } from '../helpers/factories.js';
import { expectError } from '../helpers/http-client.js';
import type { Form } from '../helpers/http-client.js';
import { P1, P2, P3, SM, KI, DATE, harness } from '../helpers/masking.js';
import type { Json } from '../helpers/masking.js';

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
      error_code: null,
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
      error_code: null,
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
      error_code: null,
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

  test('an identifier in two sessions is routed by the number it dials', async () => {
    const [alice, bob, carol] = [handset(), handset(), handset()];
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
});
