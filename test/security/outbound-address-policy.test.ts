// Account-set URLs cannot be aimed inside. With PARLEY_CALLBACK_ALLOW_PRIVATE=false (a real
// carrier's default) a URL naming a private, loopback, link-local or metadata address, in any
// spelling, is refused when it is set; a host name is judged at delivery by the address actually
// connected to, so a name that resolves inside, now or on the next lookup (DNS rebinding), reaches
// nothing. DNS here is the test's (AppOptions.lookup); nothing ever connects beyond loopback.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http-client.js';
import { eventually } from '../helpers/eventually.js';
import { logCollector } from '../helpers/log-collector.js';
import { fakeDns, outboundPair, watchSockets } from '../helpers/outbound.js';
import type { SocketWatch } from '../helpers/outbound.js';
import { attempted } from '../helpers/outbox.js';
import { CallbackReceiver } from '../helpers/receiver.js';

const PARAMETERS = ['CallbackUrl', 'InterceptCallbackUrl', 'OutOfSessionCallbackUrl'];
const INSIDE = [
  'http://127.0.0.1:8080/cb',
  'http://2130706433/',
  'http://0x7f.1/',
  'http://127.1/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::1]/',
  'http://[fe80::1]/',
  'http://[fc00::1]/',
  'http://169.254.169.254/latest/meta-data/',
  'http://[fd00:ec2::254]/',
  'http://10.0.0.1/',
  'http://192.168.1.1/',
  'http://172.16.0.1/',
  'http://0.0.0.0/',
  'https://user:secret@100.64.0.1/cb',
];
const refusal = (parameter: string) =>
  `'${parameter}' is invalid. ${parameter} must not point at a private, loopback, link-local or metadata address`;

describe('with PARLEY_CALLBACK_ALLOW_PRIVATE=false', () => {
  let t: TestApp;
  let receiver: CallbackReceiver;
  let watch: SocketWatch;
  const log = logCollector();
  /** rebind.customer.example answers publicly once, then loopback; everything else resolves inside. */
  const dns = fakeDns((hostname) => {
    if (hostname === 'rebind.customer.example')
      return dns.asked.filter((name) => name === hostname).length === 0 ? '203.0.113.10' : '127.0.0.1';
    if (hostname === 'mixed.customer.example') return ['203.0.113.10', '127.0.0.1'];
    return '10.0.0.1';
  });
  before(async () => {
    watch = watchSockets();
    t = await startTestApp(
      { PARLEY_CALLBACK_ALLOW_PRIVATE: 'false', PARLEY_LOG_LEVEL: 'info' },
      { lookup: dns.lookup, logStream: log.stream },
    );
    receiver = await CallbackReceiver.start();
  });
  after(async () => {
    watch.close();
    await receiver.close();
    await t.close();
  });
  const toReceiver = () => watch.attempted.filter((attempt) => attempt.port === receiver.port);

  test('a URL naming an inside address, in any spelling, is refused on service create, naming the parameter', async () => {
    for (const parameter of PARAMETERS) {
      for (const url of INSIDE) {
        const created = await t.api.post('/v1/Services', { UniqueName: `inside-${Math.random()}`, [parameter]: url });
        assert.equal(expectError(created, 400, 80701), refusal(parameter), `${parameter}=${url}`);
      }
    }
    assert.equal((await t.api.get('/v1/Services')).body.services.length, 0, 'nothing was written');
  });

  test('and on service update, leaving the service as it was', async () => {
    const created = await t.api.post('/v1/Services', { UniqueName: 'to-update', CallbackUrl: 'https://hooks.customer.example/cb' });
    assert.equal(created.status, 201, created.text);
    const service = `/v1/Services/${created.body.sid}`;
    for (const parameter of PARAMETERS) {
      for (const url of INSIDE) {
        assert.equal(expectError(await t.api.post(service, { [parameter]: url }), 400, 80701), refusal(parameter), `${parameter}=${url}`);
      }
    }
    assert.equal((await t.api.get(service)).body.callback_url, 'https://hooks.customer.example/cb');
    assert.equal((await t.api.delete(service)).status, 204);
  });

  test('a public address is accepted when set (and nothing is called)', async () => {
    const urls = {
      CallbackUrl: 'http://203.0.113.10/cb',
      InterceptCallbackUrl: 'https://203.0.113.10:8443/i',
      OutOfSessionCallbackUrl: 'http://[2606:4700:4700::1111]/o',
    };
    const created = await t.api.post('/v1/Services', { UniqueName: 'public', ...urls });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.intercept_callback_url, urls.InterceptCallbackUrl);
    const updated = await t.api.post(`/v1/Services/${created.body.sid}`, { CallbackUrl: 'https://203.0.113.11/cb' });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.callback_url, 'https://203.0.113.11/cb');
    assert.equal((await t.api.delete(`/v1/Services/${created.body.sid}`)).status, 204);
  });

  test('a host name resolving to a private address is refused at delivery, without connecting anywhere', async () => {
    const pair = await outboundPair(t.api, { CallbackUrl: `http://hooks.customer.example:${receiver.port}/cb` });
    assert.equal((await pair.text('to a private address')).status, 201);
    const [job] = await attempted(t, 1);
    assert.ok(dns.asked.includes('hooks.customer.example'), 'the name was looked up at delivery');
    assert.match(
      job!.last_error ?? '',
      /^80908 Error on Callback for http:\/\/hooks\.customer\.example:\d+\/cb: hooks\.customer\.example resolves to 10\.0\.0\.1, private/,
    );
    assert.equal(job!.status, 'pending', 'a failed delivery, retried as usual');
    assert.deepEqual(
      watch.attempted.filter((attempt) => attempt.address === '10.0.0.1'),
      [],
      'no connection was even tried',
    );
    assert.deepEqual(watch.stopped, [], 'refused by Parley, not by the test');
    await t.api.delete(pair.service);
    await t.app.parley.database.db.deleteFrom('outbox').execute();
  });

  test('a host name that resolves publicly first and to loopback later (DNS rebinding) reaches nothing', async () => {
    const pair = await outboundPair(t.api, { InterceptCallbackUrl: `http://rebind.customer.example:${receiver.port}/intercept` });
    // The first lookup's public answer is allowed, and stopped by the test before it connects;
    // the next lookup answers loopback, which Parley refuses before connecting.
    assert.equal((await pair.text('first')).status, 201);
    assert.deepEqual(watch.stopped, ['203.0.113.10']);
    assert.equal((await pair.text('second')).status, 201);
    assert.equal(dns.asked.filter((name) => name === 'rebind.customer.example').length, 2, 'looked up at each delivery');
    assert.ok(log.text().includes('rebind.customer.example resolves to 127.0.0.1, loopback'), 'refused at delivery');
    assert.ok(await pair.reachedB('second'), 'an intercept that got no answer lets the message through');
    assert.equal(receiver.requests.length, 0);
    assert.deepEqual(toReceiver(), [], 'nothing connected to the loopback receiver');
    await t.api.delete(pair.service);
  });

  test('an answer mixing a public and a loopback address is refused as a whole', async () => {
    const pair = await outboundPair(t.api, { InterceptCallbackUrl: `http://mixed.customer.example:${receiver.port}/intercept` });
    assert.equal((await pair.text('mixed')).status, 201);
    assert.ok(log.text().includes('mixed.customer.example resolves to 127.0.0.1, loopback'));
    assert.equal(receiver.requests.length, 0);
    assert.deepEqual(toReceiver(), []);
    await t.api.delete(pair.service);
  });

  test('a literal inside address stored earlier (under another setting) is refused at delivery', async () => {
    const pair = await outboundPair(t.api, { CallbackUrl: 'https://hooks.customer.example/cb' });
    await t.app.parley.database.db
      .updateTable('services')
      .set({ callback_url: receiver.url('/stored') })
      .where('sid', '=', pair.serviceSid)
      .execute();
    assert.equal((await pair.text('stored earlier')).status, 201);
    const [job] = await attempted(t, 1);
    assert.match(job!.last_error ?? '', /: 127\.0\.0\.1, loopback: account-set URLs may not reach it/);
    assert.equal(receiver.requests.length, 0);
    assert.deepEqual(toReceiver(), [], 'Node connects to a literal without a lookup: it was checked before');
    await t.api.delete(pair.service);
    await t.app.parley.database.db.deleteFrom('outbox').execute();
  });
});

describe('with the default (simulator: private addresses allowed)', () => {
  let t: TestApp;
  let receiver: CallbackReceiver;
  const dns = fakeDns(() => '127.0.0.1');
  before(async () => {
    t = await startTestApp({}, { lookup: dns.lookup });
    receiver = await CallbackReceiver.start();
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  test('a host name resolved (by the injected DNS) to loopback is delivered to', async () => {
    const pair = await outboundPair(t.api, {
      CallbackUrl: `http://hooks.local.test:${receiver.port}/cb`,
      InterceptCallbackUrl: `http://hooks.local.test:${receiver.port}/intercept`,
    });
    assert.equal((await pair.text('hello')).status, 201);
    const requests = await eventually(() => {
      assert.ok(receiver.requests.length >= 2, 'intercept and callback delivered');
      return receiver.requests;
    });
    assert.deepEqual(
      requests.slice(0, 2).map((request) => request.url),
      ['/intercept', '/cb'],
    );
    assert.equal(requests[0]!.headers.host, `hooks.local.test:${receiver.port}`);
    assert.ok(dns.asked.includes('hooks.local.test'));
  });
});
