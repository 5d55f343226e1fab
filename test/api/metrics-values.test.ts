// What GET /metrics reports after a real scenario, value by value: sessions by status (after a
// close and an expiry), the pool's numbers in use, the number-selection refusals caused (80206,
// 80207, 80208, by both ways a participant is added), messages and calls routed by outcome,
// callbacks delivered, the outbox backlog, the HTTP histogram by route pattern; and that no label
// value anywhere is a phone number or a SID (totals only without PARLEY_METRICS_PER_SERVICE).

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appAndReceiver } from '../helpers/app.js';
import { advanceClock, call, handset, poolNumber, pooledService, sessionWith, text } from '../helpers/factories.js';
import type { ServiceFixture } from '../helpers/factories.js';
import { expectError } from '../helpers/http-client.js';
import { FRESH, leakedLabels, METRICS_ON, scrape } from '../helpers/metrics.js';

describe('metrics after a scenario', () => {
  const fixture = appAndReceiver(METRICS_ON, FRESH);
  let main: ServiceFixture;
  const [alice, bob, stranger] = [handset(), handset(), handset()];
  let proxyOfAlice = '';

  before(async () => {
    const { t, receiver } = fixture;
    const api = t.api;
    main = await pooledService(api, [poolNumber(), poolNumber()], { CallbackUrl: receiver.url('/callbacks') });
    const conversation = await sessionWith(api, main, [alice, bob]);
    proxyOfAlice = conversation.members[alice]!.proxy;
    await text(api, alice, proxyOfAlice, 'on my way'); // forwarded
    await text(api, alice, proxyOfAlice, 'STOP'); // opt-out: recorded, not forwarded
    await call(api, bob, conversation.members[bob]!.proxy); // a call, forwarded
    await text(api, stranger, proxyOfAlice, 'who is this?'); // no session: out of session
    await receiver.waitFor(3);
    await t.app.parley.components.outbox.drain();
    // Alice now holds both numbers: a second session takes the other one, a third finds none (80208).
    await sessionWith(api, main, [alice]);
    expectError(await api.post(`${main.service}/Sessions`, { Participants: [JSON.stringify({ Identifier: alice })] }), 400, 80208);
    assert.equal((await api.post(conversation.session, { Status: 'closed' })).status, 200);

    // Only a reserved number: 80207 (Participant create); a session with a TTL that expires.
    const reserved = await pooledService(api, []);
    assert.equal((await api.post(`${reserved.service}/PhoneNumbers`, { PhoneNumber: poolNumber(), IsReserved: true })).status, 201);
    const waiting = await sessionWith(api, reserved, []);
    expectError(await api.post(`${waiting.session}/Participants`, { Identifier: handset() }), 400, 80207);
    await sessionWith(api, reserved, [], { Ttl: 60 });
    await advanceClock(api, 61);

    // Area code only, and none in the participant's (212): 80206.
    const local = await pooledService(api, [poolNumber()], { GeoMatchLevel: 'area-code' });
    const localSession = await sessionWith(api, local, []);
    expectError(await api.post(`${localSession.session}/Participants`, { Identifier: handset() }), 400, 80206);
    expectError(await api.get('/v1/Nowhere'), 404, 20404);
  });

  test('sessions by status, and the pool', async () => {
    const exposition = await scrape(fixture.t);
    // open: the second session of the main service, the reserved one's first, the local one;
    // closed: the conversation (by the API) and the one whose TTL ran out.
    assert.equal(exposition.value('parley_sessions', { status: 'open' }), 3);
    assert.equal(exposition.value('parley_sessions', { status: 'closed' }), 2);
    assert.equal(exposition.value('parley_sessions', { status: 'in-progress' }), undefined);
    assert.equal(exposition.value('parley_pool_numbers'), 4);
    // The conversation's two numbers were given back when it closed; Alice holds one in the second session.
    assert.equal(exposition.value('parley_pool_numbers_in_use'), 1);
  });

  test('number-selection refusals by code', async () => {
    const exposition = await scrape(fixture.t);
    for (const code of ['80206', '80207', '80208']) {
      assert.equal(exposition.value('parley_number_selection_refusals_total', { code }), 1, code);
    }
    assert.equal(exposition.types.get('parley_number_selection_refusals_total'), 'counter');
  });

  test('routed traffic by type and outcome, callbacks delivered, nothing pending', async () => {
    const exposition = await scrape(fixture.t);
    const routed = (type: string, outcome: string) => exposition.value('parley_interactions_routed_total', { type, outcome });
    assert.equal(routed('message', 'forwarded'), 1);
    assert.equal(routed('message', 'opt_out'), 1);
    assert.equal(routed('message', 'out_of_session'), 1);
    assert.equal(routed('voice', 'forwarded'), 1);
    assert.equal(exposition.sum('parley_interactions_routed_total'), 4);
    assert.equal(fixture.receiver.requests.length, 3);
    assert.equal(exposition.value('parley_outbox_deliveries_total', { kind: 'callback', outcome: 'delivered' }), 3);
    assert.equal(exposition.sum('parley_outbox_deliveries_total'), 3);
    assert.equal(exposition.value('parley_outbox_jobs_pending'), 0);
    assert.equal(exposition.value('parley_outbox_oldest_pending_age_seconds'), 0);
  });

  test('the HTTP histogram: route patterns and status classes, unknown paths as one value', async () => {
    const exposition = await scrape(fixture.t);
    const count = (labels: Record<string, string>) => exposition.sum('http_server_request_duration_seconds_count', labels);
    assert.equal(count({ method: 'POST', route: '/v1/Services/:ServiceSid/Sessions', status_class: '4xx' }), 1);
    assert.equal(count({ method: 'POST', route: '/v1/Services/:ServiceSid/Sessions/:SessionSid/Participants', status_class: '4xx' }), 2);
    assert.equal(count({ method: 'POST', route: '/simulator/v1/Messages', status_class: '2xx' }), 3);
    assert.equal(count({ route: 'unmatched', status_class: '4xx' }), 1);
    const routes = new Set(exposition.samples.map((sample) => sample.labels.route).filter((route) => route !== undefined));
    for (const route of routes) assert.ok(route === 'unmatched' || route.startsWith('/'), route);
  });

  test('no label value is a phone number or a SID, and no service_sid label without PARLEY_METRICS_PER_SERVICE', async () => {
    const exposition = await scrape(fixture.t);
    assert.deepEqual(leakedLabels(exposition), []);
    assert.ok(exposition.samples.every((sample) => !('service_sid' in sample.labels)));
    for (const number of [alice, bob, stranger, proxyOfAlice]) assert.ok(!exposition.text.includes(number.slice(1)), number);
  });
});
