// MessageInteractions: a message from the API to one participant, sent from that participant's
// proxy number; it lands on the participant's simulated handset and is recorded as an interaction.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { frozenClock, startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { advanceClock, fetchOk, handset, handsetLog, pathOf, servicePerTest, sessionWith } from '../helpers/factories.js';
import type { Member as Participant } from '../helpers/factories.js';
import { expectError } from '../helpers/http-client.js';
import type { Form, HttpClient } from '../helpers/http-client.js';

const P1 = '+14155550100';
const P2 = '+14155550101';

const SM = /^SM[0-9a-f]{32}$/;
const KI = /^KI[0-9a-f]{32}$/;
const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const GHOST_KP = `KP${'0'.repeat(32)}`;
const GHOST_KI = `KI${'0'.repeat(32)}`;
const GHOST_KC = `KC${'0'.repeat(32)}`;

type Json = Record<string, any>;

interface Member extends Participant {
  /** …/Participants/KP…/MessageInteractions */
  messages: string;
}

describe('MessageInteractions', () => {
  let t: TestApp;
  let api: HttpClient;
  before(async () => {
    // Server time moves only with `advance`: a Ttl window is exact.
    t = await startTestApp({}, { clock: frozenClock() });
    api = t.api;
  });
  after(() => t.close());
  const current = servicePerTest(() => api, [P1, P2]);
  const advance = (seconds: number) => advanceClock(api, seconds);

  /** A on P1 and B on P2 (B left out with `alone`), fresh handsets. */
  const pair = async (form: Form = {}, alone = false) => {
    const identifiers = alone ? [handset()] : [handset(), handset()];
    const participants = identifiers.map((identifier, i) => ({ Identifier: identifier, ProxyIdentifier: [P1, P2][i]! }));
    const created = await sessionWith(api, current, participants, form);
    const member = (identifier: string): Member => {
      const p = created.members[identifier] ?? assert.fail(`no participant ${identifier}`);
      return { ...p, messages: `${p.path}/MessageInteractions` };
    };
    return { path: created.session, sid: created.sessionSid, a: member(identifiers[0]!), b: alone ? undefined : member(identifiers[1]!) };
  };

  const send = async (to: Member, form: Form) => {
    const response = await api.post(to.messages, form);
    assert.equal(response.status, 201, response.text);
    return response.body as Json;
  };
  const inbox = (identifier: string) => handsetLog(api, { To: identifier });
  const sessionOf = (path: string) => fetchOk(api, path);

  test('create answers 201 with every field, and the message reaches the participant from its proxy number', async () => {
    const { path, sid, a, b } = await pair();
    const created = await send(a, { Body: 'Your driver is here' });
    assert.match(created.sid, KI);
    assert.match(created.outbound_resource_sid, SM);
    assert.match(created.date_created, DATE);
    assert.deepEqual(created, {
      sid: created.sid,
      session_sid: sid,
      service_sid: current.serviceSid,
      account_sid: TEST_ACCOUNT_SID,
      data: JSON.stringify({ body: 'Your driver is here' }),
      type: 'message',
      participant_sid: a.sid,
      inbound_participant_sid: null,
      inbound_resource_sid: null,
      inbound_resource_status: null,
      inbound_resource_type: null,
      inbound_resource_url: null,
      outbound_participant_sid: a.sid,
      outbound_resource_sid: created.outbound_resource_sid,
      outbound_resource_status: 'delivered',
      outbound_resource_type: 'Message',
      outbound_resource_url: null,
      date_created: created.date_created,
      date_updated: created.date_created,
      url: `${t.baseUrl}${a.messages}/${created.sid}`,
    });

    // Delivered to A's handset from A's proxy number; B gets nothing.
    assert.deepEqual(await inbox(a.identifier), [
      {
        sid: created.outbound_resource_sid,
        from: P1,
        to: a.identifier,
        body: 'Your driver is here',
        media_urls: [],
        direction: 'outbound',
        status: 'delivered',
        interaction_sid: created.sid,
        session_sid: sid,
        error_code: null,
        date_created: created.date_created,
      },
    ]);
    assert.deepEqual(await inbox(b!.identifier), []);

    // Fetched as created; listed among the session's interactions too.
    assert.deepEqual((await api.get(`${a.messages}/${created.sid}`)).body, created);
    const asInteraction: Json = { ...created };
    delete asInteraction.participant_sid;
    assert.deepEqual((await api.get(`${path}/Interactions`)).body.interactions, [
      { ...asInteraction, url: `${t.baseUrl}${path}/Interactions/${created.sid}` },
    ]);
    assert.deepEqual((await api.get(`${path}/Interactions/${created.sid}`)).body, {
      ...asInteraction,
      url: `${t.baseUrl}${path}/Interactions/${created.sid}`,
    });

    // The session is under way.
    const session = await sessionOf(path);
    assert.equal(session.status, 'in-progress');
    assert.equal(session.date_started, created.date_created);
    assert.equal(session.date_last_interaction, created.date_created);
  });

  test('media URLs are delivered, with or without a body', async () => {
    const { a, b } = await pair();
    const media = ['https://example.com/receipt.pdf', 'https://example.com/map.png?z=12&q=a'];
    const withBody = await send(b!, { Body: 'Your receipt', MediaUrl: media });
    assert.equal(withBody.data, JSON.stringify({ body: 'Your receipt' }));
    const [delivered] = await inbox(b!.identifier);
    assert.equal(delivered!.sid, withBody.outbound_resource_sid);
    assert.equal(delivered!.from, P2);
    assert.deepEqual(delivered!.media_urls, media);

    const pictureOnly = await send(a, { MediaUrl: 'https://example.com/only.jpg' });
    assert.equal(pictureOnly.outbound_resource_status, 'delivered');
    const [picture] = await inbox(a.identifier);
    assert.equal(picture!.body, '');
    assert.deepEqual(picture!.media_urls, ['https://example.com/only.jpg']);

    assert.match(expectError(await api.post(a.messages, { Body: 'x', MediaUrl: 'not a url' }), 400, 80701), /MediaUrl/);
  });

  test("list: only this participant's MessageInteractions, oldest first, paged", async () => {
    const { path, a, b } = await pair();
    const created: Json[] = [];
    for (let i = 0; i < 3; i++) {
      created.push(await send(a, { Body: `update ${i}` }));
      await advance(1);
    }
    await send(b!, { Body: 'for B' });
    // A routed message to A is an interaction of the session, not a MessageInteraction.
    const routed = await api.post('/simulator/v1/Messages', { From: b!.identifier, To: b!.proxy, Body: 'hi A' });
    assert.match(routed.body.interaction_sid, KI);
    assert.equal((await api.get(`${path}/Interactions`)).body.interactions.length, 5);

    const listed = (await api.get(a.messages)).body;
    assert.deepEqual(listed.interactions, created);
    assert.equal(listed.meta.key, 'interactions');
    assert.deepEqual(
      (await api.get(b!.messages)).body.interactions.map((i: Json) => i.data),
      [JSON.stringify({ body: 'for B' })],
    );

    const first = (await api.get(a.messages, { PageSize: 2 })).body;
    assert.deepEqual(first.interactions, created.slice(0, 2));
    assert.equal(first.meta.page_size, 2);
    assert.equal(first.meta.first_page_url, `${t.baseUrl}${a.messages}?PageSize=2&Page=0`);
    assert.equal(first.meta.previous_page_url, null);
    const second = (await api.get(pathOf(first.meta.next_page_url))).body;
    assert.deepEqual(second.interactions, created.slice(2));
    assert.equal(second.meta.next_page_url, null);
    assert.deepEqual((await api.get(pathOf(second.meta.previous_page_url))).body.interactions, created.slice(0, 2));

    // Each fetches under its own participant only.
    for (const one of created) assert.deepEqual((await api.get(`${a.messages}/${one.sid}`)).body, one);
    expectError(await api.get(`${b!.messages}/${created[0]!.sid}`), 404, 20404);
    expectError(await api.get(`${a.messages}/${routed.body.interaction_sid}`), 404, 20404);
  });

  test('errors: empty body, closed session, voice-only session; nothing is sent', async () => {
    const { a } = await pair();
    assert.match(expectError(await api.post(a.messages, {}), 400, 20001), /Body/);
    expectError(await api.post(a.messages, { Body: '' }), 400, 20001);
    expectError(await api.post(a.messages, { Body: 'x'.repeat(1601) }), 400, 80701);

    const voice = await pair({ Mode: 'voice-only' });
    expectError(await api.post(voice.a.messages, { Body: 'hello' }), 400, 80910);
    assert.deepEqual((await api.get(voice.a.messages)).body.interactions, []);

    const closed = await pair();
    assert.equal((await api.post(closed.path, { Status: 'closed' })).status, 200);
    expectError(await api.post(closed.a.messages, { Body: 'hello' }), 400, 80607);
    assert.deepEqual((await api.get(`${closed.path}/Interactions`)).body.interactions, []);

    for (const who of [a, voice.a, closed.a]) assert.deepEqual(await inbox(who.identifier), [], who.identifier);
    assert.deepEqual((await api.get(`${voice.path}/Interactions`)).body.interactions, []);

    // A message-only session, and one with a single participant, take them.
    const messageOnly = await pair({ Mode: 'message-only' });
    assert.equal((await send(messageOnly.a, { Body: 'ok' })).outbound_resource_status, 'delivered');
    const single = await pair({}, true);
    assert.equal((await send(single.a, { Body: 'ok' })).outbound_resource_status, 'delivered');
  });

  test('errors: unknown or removed participants, sessions and interactions are 404', async () => {
    const { path, a, b } = await pair();
    const sent = await send(a, { Body: 'hello' });
    const ghost = `${path}/Participants/${GHOST_KP}/MessageInteractions`;
    expectError(await api.post(ghost, { Body: 'hello' }), 404, 20404);
    expectError(await api.get(ghost), 404, 20404);
    expectError(await api.post(`${path}/Participants/not-a-sid/MessageInteractions`, { Body: 'hello' }), 404, 20404);
    expectError(await api.get(`${a.messages}/${GHOST_KI}`), 404, 20404);
    expectError(await api.get(`${a.messages}/not-a-sid`), 404, 20404);
    expectError(
      await api.post(`${current.service}/Sessions/${GHOST_KC}/Participants/${a.sid}/MessageInteractions`, { Body: 'hello' }),
      404,
      20404,
    );
    expectError(await api.get(`${current.service}/Sessions/${GHOST_KC}/Participants/${a.sid}/MessageInteractions/${sent.sid}`), 404, 20404);
    expectError(
      await api.post(`/v1/Services/KS${'0'.repeat(32)}/Sessions/${path.split('/')[5]}/Participants/${a.sid}/MessageInteractions`, {
        Body: 'x',
      }),
      404,
      20404,
    );

    // A participant of another session is not found through this one.
    const other = await pair();
    expectError(await api.post(`${other.path}/Participants/${a.sid}/MessageInteractions`, { Body: 'hello' }), 404, 20404);
    expectError(await api.get(`${other.path}/Participants/${a.sid}/MessageInteractions/${sent.sid}`), 404, 20404);

    // Removed: no more messages to them.
    assert.equal((await api.delete(`${path}/Participants/${b!.sid}`)).status, 204);
    expectError(await api.post(b!.messages, { Body: 'hello' }), 404, 20404);
    assert.deepEqual(await inbox(b!.identifier), []);

    expectError(await api.request('PUT', a.messages), 405, 20004);
    expectError(await api.post(`${a.messages}/${sent.sid}`, { Body: 'x' }), 405, 20004);
    expectError(await api.delete(`${a.messages}/${sent.sid}`), 405, 20004);
  });

  test("the list of a participant under another session's path is 404, as when it has no MessageInteractions", async () => {
    const first = await pair();
    const other = await pair();
    // Without MessageInteractions, the wrong session path is a 404...
    expectError(await api.get(`${other.path}/Participants/${first.a.sid}/MessageInteractions`), 404, 20404);
    // ...and it must stay one once the participant has some.
    await send(first.a, { Body: 'hello' });
    expectError(await api.get(`${other.path}/Participants/${first.a.sid}/MessageInteractions`), 404, 20404);
  });

  test('a MessageInteraction restarts the Ttl window; once expired, the session takes none', async () => {
    const { path, a } = await pair({ Ttl: 60 });
    await advance(50);
    const sent = await send(a, { Body: 'still on the way' });
    await advance(59);
    const alive = await sessionOf(path);
    assert.equal(alive.status, 'in-progress', 'without the message it would have expired at +60 s');
    assert.equal(alive.date_last_interaction, sent.date_created);
    assert.equal(alive.date_started, sent.date_created);
    await advance(2);
    const expired = await sessionOf(path);
    assert.equal(expired.status, 'closed');
    assert.equal(expired.closed_reason, 'ttl');
    assert.equal(expired.date_ended, new Date(Date.parse(sent.date_created) + 60_000).toISOString().slice(0, 19) + 'Z');
    expectError(await api.post(a.messages, { Body: 'too late' }), 400, 80607);
    assert.deepEqual(
      (await inbox(a.identifier)).map((m) => m.body),
      ['still on the way'],
    );
  });
});
