// The Interactions resource and the simulator's handset log over HTTP: fetch, list (oldest first,
// paged like the API), delete (the log entry only); the handset log newest first and paged like
// the API, behind the account's credentials; 404 for unknown SIDs, another session's interactions
// and a deleted session's, and 405 for methods the resource does not have.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { handset, pathOf } from '../helpers/factories.js';
import { expectError } from '../helpers/http-client.js';
import { GHOST_KI, harness, P1 } from '../helpers/masking.js';
import type { Json } from '../helpers/masking.js';

describe('Interactions and the handset log', () => {
  const h = harness();

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
    const other = await h.session([{ Identifier: handset() }]);
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
});
