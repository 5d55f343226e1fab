// The JavaScript client openapi-generator makes from Twilio's OpenAPI description
// (test/generated-client/twilio_proxy, scripts/generate-openapi-client.sh), against a running
// Parley, through a recorder that keeps each request's wire form: the client joins list
// parameters with commas (Participants={…},{…}, MediaUrl=https://…,https://…), which Parley
// splits (src/http/joined-lists.ts). How to point it at Parley: docs/generated-clients.md.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
// @ts-expect-error generated JavaScript, no types
import TwilioProxy from '../generated-client/twilio_proxy/src/index.js';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { handset, handsetLog, poolNumber } from '../helpers/factories.js';

type Json = Record<string, any>;

interface Recorded {
  method: string;
  path: string;
  body: string;
}

/** An HTTP forwarder to Parley that records every request as it arrived. */
async function recorder(target: string): Promise<{ url: string; requests: Recorded[]; server: Server }> {
  const requests: Recorded[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    requests.push({ method: req.method!, path: req.url!, body });
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)));
    const answer = await fetch(target + req.url, {
      method: req.method,
      headers: headers as Record<string, string>,
      body: body || undefined,
    });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

/**
 * A client aimed at `baseUrl`. Every operation carries Twilio's host as its own base path
 * (`basePaths = ['https://proxy.twilio.com']`, handed to `buildUrl`, which then ignores
 * `basePath`), so `basePath` alone is not enough: `buildUrl` is told to drop the operation's.
 */
function clientFor(baseUrl: string): any {
  const client = new TwilioProxy.ApiClient();
  client.basePath = baseUrl;
  const buildUrl = client.buildUrl;
  client.buildUrl = function (path: string, pathParams: object) {
    return buildUrl.call(this, path, pathParams, null);
  };
  client.authentications.accountSid_authToken.username = TEST_ACCOUNT_SID;
  client.authentications.accountSid_authToken.password = TEST_AUTH_TOKEN;
  return client;
}

/** The callback API as a promise: (error, data, response). */
function call(operation: (...args: any[]) => unknown, ...args: unknown[]): Promise<{ data: any; response: any }> {
  return new Promise((resolve, reject) => {
    operation(...args, (error: any, data: any, response: any) => (error ? reject(error) : resolve({ data, response })));
  });
}

describe('a client generated from the OpenAPI spec (openapi-generator -g javascript) against Parley', () => {
  let t: TestApp;
  let wire: Awaited<ReturnType<typeof recorder>>;
  let client: any;
  before(async () => {
    t = await startTestApp();
    wire = await recorder(t.baseUrl);
    client = clientFor(wire.url);
  });
  after(async () => {
    await new Promise((resolve) => wire.server.close(resolve));
    await t.close();
  });
  const lastRequest = () => wire.requests.at(-1)!;

  test('out of the box it aims at Twilio, whatever basePath says', async () => {
    const plain = new TwilioProxy.ApiClient();
    plain.basePath = wire.url;
    // Record the URL the operation builds, and send it to Parley instead of to Twilio.
    const built: string[] = [];
    const buildUrl = plain.buildUrl;
    plain.buildUrl = function (...args: unknown[]) {
      built.push(buildUrl.apply(this, args));
      return `${wire.url}/v1/Services`;
    };
    await call((callback) => new TwilioProxy.ProxyV1ServiceApi(plain).listService({}, callback)).catch(() => undefined);
    assert.deepEqual(built, ['https://proxy.twilio.com/v1/Services']);
  });

  test('service, pool number, session with Participants and MediaUrl joined by commas, list, fetch, delete', async () => {
    const services = new TwilioProxy.ProxyV1ServiceApi(client);
    const numbers = new TwilioProxy.ProxyV1PhoneNumberApi(client);
    const sessions = new TwilioProxy.ProxyV1SessionApi(client);
    const participants = new TwilioProxy.ProxyV1ParticipantApi(client);
    const messages = new TwilioProxy.ProxyV1MessageInteractionApi(client);

    const { data: service } = await call(services.createService.bind(services), 'generated-client', { defaultTtl: 3600 });
    assert.match(service.sid, /^KS[0-9a-f]{32}$/);
    assert.equal(service.default_ttl, 3600);
    assert.ok(service.date_created instanceof Date);
    assert.equal(lastRequest().body, 'UniqueName=generated-client&DefaultTtl=3600');

    const pool = poolNumber();
    const { data: number } = await call(numbers.createPhoneNumber.bind(numbers), service.sid, { phoneNumber: pool, isReserved: false });
    assert.equal(number.phone_number, pool);
    assert.equal(number.iso_country, 'US');

    const [alice, bob] = [handset(), handset()];
    const { data: session } = await call(sessions.createSession.bind(sessions), service.sid, {
      uniqueName: 'Order 1234',
      mode: 'message-only',
      participants: [{ Identifier: alice, FriendlyName: 'Alice' }, { Identifier: bob }],
    });
    assert.match(session.sid, /^KC[0-9a-f]{32}$/);
    assert.equal(session.mode, 'message-only');
    // One field, the objects joined by a comma (collectionFormat csv).
    const sent = new URLSearchParams(lastRequest().body);
    assert.deepEqual(sent.getAll('Participants'), [`{"Identifier":"${alice}","FriendlyName":"Alice"},{"Identifier":"${bob}"}`]);

    // Operations without optional parameters still take `opts` before the callback.
    const { data: people } = await call(participants.listParticipant.bind(participants), service.sid, session.sid, {});
    const byIdentifier = Object.fromEntries((people.participants as Json[]).map((p) => [p.identifier, p]));
    assert.deepEqual(Object.keys(byIdentifier).sort(), [alice, bob].sort());
    assert.equal(byIdentifier[alice]!.friendly_name, 'Alice');
    assert.equal(byIdentifier[alice]!.proxy_identifier, pool);

    const media = ['https://example.com/a.png', 'https://example.com/b.png?size=1,2'];
    const { data: message } = await call(
      messages.createMessageInteraction.bind(messages),
      service.sid,
      session.sid,
      byIdentifier[bob]!.sid,
      {
        body: 'Your driver is here',
        mediaUrl: media,
      },
    );
    assert.equal(message.type, 'message');
    assert.equal(new URLSearchParams(lastRequest().body).get('MediaUrl'), media.join(','));
    const delivered = (await handsetLog(t.api, { To: bob })).find((m) => m.sid === message.outbound_resource_sid);
    assert.equal(delivered?.from, pool);
    assert.deepEqual(delivered?.media_urls, media);

    const { data: page } = await call(sessions.listSession.bind(sessions), service.sid, { pageSize: 20 });
    assert.deepEqual(
      page.sessions.map((s: Json) => s.sid),
      [session.sid],
    );
    assert.equal(page.meta.page_size, 20);
    assert.equal(lastRequest().path, `/v1/Services/${service.sid}/Sessions?PageSize=20`);

    const { data: fetched } = await call(sessions.fetchSession.bind(sessions), service.sid, session.sid, {});
    assert.equal(fetched.unique_name, 'Order 1234');
    assert.equal(fetched.status, 'in-progress');

    const { response: deleted } = await call(sessions.deleteSession.bind(sessions), service.sid, session.sid, {});
    assert.equal(deleted.status, 204);
    await assert.rejects(call(sessions.fetchSession.bind(sessions), service.sid, session.sid, {}), (err: any) => {
      assert.equal(err.status, 404);
      assert.equal(err.response.body.code, 20404);
      return true;
    });
    await call(services.deleteService.bind(services), service.sid, {});
  });

  test("Twilio's errors come back on the callback's error, with the response body", async () => {
    const services = new TwilioProxy.ProxyV1ServiceApi(client);
    const sessions = new TwilioProxy.ProxyV1SessionApi(client);
    const { data: service } = await call(services.createService.bind(services), 'generated-client-errors', {});
    await assert.rejects(
      call(sessions.createSession.bind(sessions), service.sid, {
        participants: [{ Identifier: handset() }, { Identifier: 'not a number' }],
      }),
      (err: any) => {
        assert.equal(err.status, 400);
        assert.equal(err.response.body.code, 80404);
        assert.match(err.response.body.message, /^Participants\[1\]: /);
        return true;
      },
    );
    await call(services.deleteService.bind(services), service.sid, {});
  });
});
