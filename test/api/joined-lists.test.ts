// List parameters given as one comma-joined field, as clients generated from Twilio's OpenAPI
// description send them (docs/generated-clients.md): Participants={…},{…} and
// MediaUrl=https://…,https://…. Repeated fields keep working (session-participants.test.ts,
// message-interactions.test.ts); bad input is a 400 naming the parameter.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { joinedJson, joinedUrls } from '../../src/http/joined-lists.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { handset, handsetLog, maskedPair, poolNumber, servicePerTest } from '../helpers/factories.js';
import { expectError } from '../helpers/http-client.js';

describe('the splitters', () => {
  test('URLs split only where a comma starts another http(s) URL', () => {
    assert.deepEqual(joinedUrls('https://a.example/1.png,https://b.example/2.png,HTTP://c.example/3'), [
      'https://a.example/1.png',
      'https://b.example/2.png',
      'HTTP://c.example/3',
    ]);
    assert.deepEqual(joinedUrls('https://a.example/x,y.png?q=1,2'), ['https://a.example/x,y.png?q=1,2']);
    assert.deepEqual(joinedUrls(''), ['']);
  });

  test('JSON objects joined by commas become one JSON text each; anything else stays whole', () => {
    assert.deepEqual(joinedJson('{"Identifier":"+1"},{"Identifier":"+2","FriendlyName":"B, and C"}'), [
      '{"Identifier":"+1"}',
      '{"Identifier":"+2","FriendlyName":"B, and C"}',
    ]);
    assert.deepEqual(joinedJson('{"Identifier":"+1, 2"}'), ['{"Identifier":"+1, 2"}']);
    assert.deepEqual(joinedJson('{"Identifier":"+1"},{broken'), ['{"Identifier":"+1"},{broken']);
    assert.deepEqual(joinedJson('{"a":1}],[{"b":2}'), ['{"a":1}],[{"b":2}']);
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)},{}`;
    assert.deepEqual(joinedJson(deep), [deep]);
  });
});

describe('comma-joined list parameters', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());
  const current = servicePerTest(() => t.api, [poolNumber(), poolNumber()]);

  test('Participants as one field of comma-separated JSON objects creates both', async () => {
    const [alice, bob] = [handset(), handset()];
    const created = await t.api.post(`${current.service}/Sessions`, {
      Participants: `{"Identifier":"${alice}","FriendlyName":"Alice, A."},{"Identifier":"${bob}"}`,
    });
    assert.equal(created.status, 201, created.text);
    const listed = await t.api.get(`${current.service}/Sessions/${created.body.sid}/Participants`);
    const people = (listed.body.participants as Array<Record<string, unknown>>).map((p) => [p.identifier, p.friendly_name]);
    assert.deepEqual(people.sort(), [
      [alice, 'Alice, A.'],
      [bob, null],
    ]);
  });

  test('a bad joined Participants field is a 400 naming the parameter and creates nothing', async () => {
    const alice = handset();
    const cases: Array<[string, number, RegExp]> = [
      [`{"Identifier":"${alice}"},{"Identifier":`, 80701, /Participants\[0\] is not valid JSON/],
      [`{"Identifier":"${alice}"},42`, 80701, /Participants\[1\] must be a JSON object/],
      [`{"Identifier":"${alice}"},{"Nickname":"x"}`, 80701, /Participants\[1\] has an unknown key "Nickname"/],
      [`{"Identifier":"${alice}"},{"Identifier":"+1555"}`, 80404, /^Participants\[1\]: /],
      [`{"Identifier":"${alice}"},{"Identifier":"${handset()}"},{"Identifier":"${handset()}"}`, 80609, /./],
    ];
    for (const [value, code, message] of cases) {
      assert.match(expectError(await t.api.post(`${current.service}/Sessions`, { Participants: value }), 400, code), message, value);
    }
    assert.deepEqual((await t.api.get(`${current.service}/Sessions`)).body.sessions, []);
  });

  test('MediaUrl as one field of comma-joined URLs delivers each URL', async () => {
    const pair = await maskedPair(t.api, { in: current });
    const messages = `${pair.a.path}/MessageInteractions`;
    const joined = 'https://example.com/a.png,https://example.com/b,c.png?x=1,2,http://example.org/c.jpg';
    const sent = await t.api.post(messages, { Body: 'pictures', MediaUrl: joined });
    assert.equal(sent.status, 201, sent.text);
    const [delivered] = (await handsetLog(t.api, { To: pair.a.identifier })).filter((m) => m.sid === sent.body.outbound_resource_sid);
    assert.deepEqual(delivered!.media_urls, ['https://example.com/a.png', 'https://example.com/b,c.png?x=1,2', 'http://example.org/c.jpg']);
    for (const bad of ['https://example.com/a.png,https://', 'https://example.com/a.png,https://exa mple.com/b', 'example.com/a.png']) {
      assert.match(expectError(await t.api.post(messages, { Body: 'x', MediaUrl: bad }), 400, 80701), /MediaUrl/, bad);
    }
  });
});
