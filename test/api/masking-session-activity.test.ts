// What traffic does to a session: the first interaction starts it (in-progress, date_started),
// every message or call moves date_last_interaction and restarts its Ttl window (its own or the
// service's default_ttl, on the simulator's clock); a DateExpiry does not move; once expired the
// session is closed and nothing is routed.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KI, harness } from '../helpers/masking.js';

describe('Masking: session activity and expiry', () => {
  const h = harness();

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
});
