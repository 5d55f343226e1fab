// The masking engine end to end over HTTP, for calls: a handset calls its proxy number through the
// carrier simulator, Parley bridges it to the other participant with that participant's proxy
// number as caller id, records it as a voice Interaction, and records how it ended (completed with
// its duration; busy, no-answer and failed without one).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TEST_ACCOUNT_SID } from '../helpers/app.js';
import { expectError } from '../helpers/http-client.js';
import { P1, P2, CA, KI, DATE, harness } from '../helpers/masking.js';

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
