// Tenant isolation in the console: account B, signed in with its token or an API key of its own,
// gets a 404 page (never data, never a 403) for account A's service, pool, sessions and session,
// for a session action, a callback redelivery and a call's end on A's SIDs, alone or under B's own
// service; B's lists and phone pages show nothing of A's; and nothing of A's changed.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { addAccount, addApiKey } from '../helpers/accounts.js';
import { appAndReceiver, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { assertErrorPage, ConsoleClient } from '../helpers/console.js';
import { call, fetchOk, maskedPair, text } from '../helpers/factories.js';
import type { MaskedPair } from '../helpers/factories.js';
import { eventually } from '../helpers/eventually.js';
import type { Form } from '../helpers/http-client.js';
import type { CallbackReceiver } from '../helpers/receiver.js';

type Json = Record<string, any>;

const A_BODY = 'the secret of account A';
const A_SERVICE = 'a-console-service';
const A_SESSION = 'a-console-session';

describe('Console tenant isolation', () => {
  const fixture = appAndReceiver();
  let t: TestApp;
  let receiver: CallbackReceiver;
  let a: MaskedPair;
  let aCall: string;
  let aCallback: Json;
  let bService: string;
  let owner: ConsoleClient;
  let intruders: Array<[string, ConsoleClient]>;

  before(async () => {
    ({ t, receiver } = fixture);
    a = await maskedPair(t.api, {
      service: { UniqueName: A_SERVICE, CallbackUrl: receiver.url('/a-status') },
      session: { UniqueName: A_SESSION, Ttl: 3600 },
    });
    const sent = await text(t.api, a.a.identifier, a.a.proxy, A_BODY);
    aCall = (await call(t.api, a.a.identifier, a.a.proxy)).sid;
    aCallback = await eventually(async () => {
      const records = (await fetchOk(t.api, '/parley/v1/Callbacks', { PageSize: 1000 })).callbacks as Json[];
      const record = records.find((r) => r.kind === 'status_callback' && r.payload.interactionSid === sent.interaction_sid);
      assert.equal(record?.status, 'delivered', JSON.stringify(record));
      return record!;
    });
    const b = await addAccount(t, { friendlyName: 'console intruder' });
    const bKey = await addApiKey(t, b.sid);
    const bPair = await maskedPair(b.api, { service: { UniqueName: 'b-console-service' } });
    bService = bPair.serviceSid;
    owner = await ConsoleClient.signIn(t.baseUrl, { username: TEST_ACCOUNT_SID, password: TEST_AUTH_TOKEN });
    intruders = [
      ['B with its token', await ConsoleClient.signIn(t.baseUrl, b.auth)],
      ['B with its API key', await ConsoleClient.signIn(t.baseUrl, bKey.auth)],
    ];
  });

  /** Everything of A's the console could change, as A's API sees it. */
  async function stateOfA(): Promise<Json> {
    await t.app.parley.components.outbox.drain();
    return {
      session: await fetchOk(t.api, a.session),
      call: await fetchOk(t.api, `/simulator/v1/Calls/${aCall}`),
      callback: await fetchOk(t.api, `/parley/v1/Callbacks/${aCallback.sid}`),
      deliveries: receiver.requests.filter((r) => r.url === '/a-status').length,
    };
  }

  const service = () => `/console/services/${a.serviceSid}`;
  const pages = () => [
    service(),
    `${service()}/numbers`,
    `${service()}/sessions`,
    `${service()}/sessions?status=in-progress`,
    `${service()}/sessions/${a.sessionSid}`,
    `/console/services/${bService}/sessions/${a.sessionSid}`,
  ];
  const forms = (): Array<[string, Form]> => [
    [`${service()}/sessions/${a.sessionSid}`, { action: 'close' }],
    [`${service()}/sessions/${a.sessionSid}`, { action: 'ttl', ttl: 1 }],
    [`/console/services/${bService}/sessions/${a.sessionSid}`, { action: 'close' }],
    [`/console/callbacks/${aCallback.sid}/redeliver`, { back: '/console/callbacks' }],
    [`/console/phone/calls/${aCall}`, { status: 'completed' }],
  ];

  test('A reaches every page of its own (so the 404s below are about who asks)', async () => {
    for (const path of pages().slice(0, 5)) assert.equal((await owner.get(path)).status, 200, path);
  });

  test('B gets a 404 page for each of A’s pages and forms, and nothing of A’s changes', async () => {
    const before = await stateOfA();
    assert.equal(before.session.status, 'in-progress');
    assert.equal(before.call.status, 'in-progress');
    const secrets = [A_SERVICE, A_SESSION, A_BODY, a.a.identifier, a.b.identifier, TEST_ACCOUNT_SID];
    for (const [who, intruder] of intruders) {
      for (const path of pages()) {
        const page = await intruder.get(path);
        assert.match(assertErrorPage(page, 404), /was not found/, `${who}: GET ${path}`);
        for (const secret of secrets) assert.ok(!page.text.includes(secret), `${who}: GET ${path} shows ${secret}`);
      }
      for (const [path, form] of forms()) {
        const page = await intruder.post(path, form);
        assert.match(assertErrorPage(page, 404), /was not found/, `${who}: POST ${path}`);
        for (const secret of secrets) assert.ok(!page.text.includes(secret), `${who}: POST ${path} shows ${secret}`);
      }
    }
    assert.deepEqual(await stateOfA(), before);
  });

  test('B’s lists and phone pages show nothing of A’s', async () => {
    const phone = encodeURIComponent(a.a.identifier);
    for (const [who, intruder] of intruders) {
      const services = await intruder.get('/console/services');
      assert.equal(services.status, 200);
      assert.ok(services.text.includes(bService), `${who}: B’s own service is listed`);
      const callbacks = await intruder.get('/console/callbacks');
      const phonePage = await intruder.get(`/console/phone?number=${phone}`);
      const live = await intruder.get(`/console/phone/live?number=${phone}`);
      for (const page of [services, callbacks, phonePage, live]) {
        assert.equal(page.status, 200);
        for (const secret of [a.serviceSid, A_SERVICE, A_SESSION, A_BODY, aCall, aCallback.sid, a.a.proxy]) {
          assert.ok(!page.text.includes(secret), `${who}: a page shows ${secret}`);
        }
      }
    }
    // The same phone, as A sees it, has A's text and call.
    const mine = await owner.get(`/console/phone/live?number=${phone}`);
    assert.ok(mine.text.includes(A_BODY) && mine.text.includes(aCall), mine.text);
  });
});
