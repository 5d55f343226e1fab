// What the masking engine does not deliver, and how it records it: a message in a voice-only
// session or a call in a message-only one (a failed interaction), a partner who is missing or was
// removed (failed), and traffic outside any active session (answered with nulls, recorded nowhere,
// until a closed session is re-opened).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { handset } from '../helpers/factories.js';
import { expectError } from '../helpers/http-client.js';
import { P1, P2, P3, NOT_IN_POOL, SM, CA, KI, harness } from '../helpers/masking.js';

describe('Masking: refusals', () => {
  const h = harness();

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
    const alone = handset();
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

  test('traffic outside any session is answered with nulls and recorded nowhere', async () => {
    const { path, a, b } = await h.pair();
    const stranger = handset();
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
});
