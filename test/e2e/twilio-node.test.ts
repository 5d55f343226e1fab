// The official twilio npm client, unmodified but for `client.proxy.baseUrl`, against a running server.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { startTestApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

describe('twilio-node against Parley', () => {
  let t: TestApp;
  let client: twilio.Twilio;
  before(async () => {
    t = await startTestApp();
    client = twilio(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN);
    client.proxy.baseUrl = t.baseUrl;
  });
  after(() => t.close());

  test('services: create, fetch by SID and name, update, list, remove', async () => {
    const service = await client.proxy.v1.services.create({
      uniqueName: 'node-svc',
      defaultTtl: 3600,
      callbackUrl: 'https://example.com/cb?x=1',
      geoMatchLevel: 'area-code',
      numberSelectionBehavior: 'avoid-sticky',
    });
    assert.match(service.sid, /^KS/);
    assert.equal(service.defaultTtl, 3600);
    assert.equal(service.geoMatchLevel, 'area-code');
    assert.ok(service.dateCreated instanceof Date && !Number.isNaN(service.dateCreated.getTime()));

    assert.equal((await client.proxy.v1.services(service.sid).fetch()).uniqueName, 'node-svc');
    assert.equal((await client.proxy.v1.services('node-svc').fetch()).sid, service.sid);

    const updated = await client.proxy.v1.services(service.sid).update({ uniqueName: 'node-svc-2', defaultTtl: 0 });
    assert.equal(updated.uniqueName, 'node-svc-2');
    assert.equal(updated.defaultTtl, 0);

    const listed = await client.proxy.v1.services.list();
    assert.ok(listed.some((s) => s.sid === service.sid));
    assert.equal(await client.proxy.v1.services(service.sid).remove(), true);
    await assert.rejects(client.proxy.v1.services(service.sid).fetch(), { status: 404, code: 20404 });
  });

  test('sessions: create, fetch, paged list with limit, each(), update, remove', async () => {
    const service = await client.proxy.v1.services.create({ uniqueName: 'node-sessions' });
    const sessions = client.proxy.v1.services(service.sid).sessions;

    const session = await sessions.create({ uniqueName: 'Order 1234', ttl: 3600, mode: 'message-only' });
    assert.match(session.sid, /^KC/);
    assert.equal(session.ttl, 3600);
    assert.equal(session.status, 'open');
    assert.equal(session.mode, 'message-only');
    assert.equal(session.dateStarted, null);
    assert.equal((await sessions(session.sid).fetch()).uniqueName, 'Order 1234');
    assert.equal((await sessions('Order 1234').fetch()).sid, session.sid);

    const all = [session.sid];
    for (let i = 0; i < 6; i++) all.push((await sessions.create({ uniqueName: `bulk-${i}` })).sid);

    const limited = await sessions.list({ pageSize: 2, limit: 5 });
    assert.equal(limited.length, 5);
    const everything = await sessions.list({ pageSize: 2 });
    assert.deepEqual([...everything.map((s) => s.sid)].sort(), [...all].sort());
    assert.equal(new Set(everything.map((s) => s.sid)).size, 7, 'no session twice across pages');

    const eached: string[] = [];
    await new Promise<void>((resolve, reject) => {
      sessions.each({ pageSize: 3, done: (err?: Error) => (err ? reject(err) : resolve()) }, (item) => {
        eached.push(item.sid);
      });
    });
    assert.deepEqual(
      eached,
      everything.map((s) => s.sid),
    );

    const page = await sessions.page({ pageSize: 3 });
    assert.equal(page.instances.length, 3);
    const next = await page.nextPage();
    assert.ok(next);
    assert.equal(next.instances.length, 3);
    const previous = await next.previousPage();
    assert.deepEqual(
      previous?.instances.map((s) => s.sid),
      page.instances.map((s) => s.sid),
    );

    const expiry = new Date(Date.now() + 86_400_000);
    expiry.setUTCMilliseconds(0);
    const closed = await sessions(session.sid).update({ status: 'closed' });
    assert.equal(closed.status, 'closed');
    assert.equal(closed.closedReason, 'api');
    assert.ok(closed.dateEnded instanceof Date);
    const reopened = await sessions(session.sid).update({ status: 'in-progress', dateExpiry: expiry });
    assert.equal(reopened.status, 'in-progress');
    assert.equal(reopened.dateExpiry?.getTime(), expiry.getTime());
    assert.equal(reopened.closedReason, null);

    assert.equal(await sessions(session.sid).remove(), true);
  });

  test('phone numbers and participants: inline create, list, fetch, remove', async () => {
    const service = await client.proxy.v1.services.create({ uniqueName: 'node-participants' });
    const pool = client.proxy.v1.services(service.sid).phoneNumbers;
    const number = await pool.create({ phoneNumber: '+14155550150' });
    assert.equal(number.isoCountry, 'US');
    assert.deepEqual(number.capabilities, { fax: false, mms: false, sms: true, voice: true });
    const reserved = await pool.create({ phoneNumber: '+14155550151', isReserved: true });
    assert.equal(reserved.isReserved, true);
    assert.equal((await pool(reserved.sid).update({ isReserved: false })).isReserved, false);
    assert.equal((await pool('+14155550150').fetch()).sid, number.sid);
    assert.equal((await pool.list()).length, 2);

    const session = await client.proxy.v1.services(service.sid).sessions.create({
      uniqueName: 'with-participants',
      participants: [
        { identifier: '+12125550150', friendlyName: 'Alice' },
        { Identifier: '+12125550151', ProxyIdentifier: '+14155550151', FriendlyName: 'Bob & Co, "Ltd" ü' },
      ],
    });
    const participants = client.proxy.v1.services(service.sid).sessions(session.sid).participants;
    const listed = await participants.list();
    assert.equal(listed.length, 2);
    const bob = listed.find((p) => p.identifier === '+12125550151')!;
    assert.equal(bob.friendlyName, 'Bob & Co, "Ltd" ü');
    assert.equal(bob.proxyIdentifier, '+14155550151');
    assert.equal((await participants(bob.sid).fetch()).proxyIdentifierSid, reserved.sid);
    const holding = (sid: string) => listed.filter((p) => p.proxyIdentifierSid === sid).length;
    assert.equal((await pool(reserved.sid).fetch()).inUse, holding(reserved.sid));
    assert.equal((await pool(number.sid).fetch()).inUse, holding(number.sid));

    const carol = await participants.create({ identifier: '+12125550152' }).catch((err: unknown) => err);
    assert.ok(carol instanceof twilio.RestException && carol.code === 80609);
    assert.equal(await participants(bob.sid).remove(), true);
    assert.ok((await participants(bob.sid).fetch()).dateDeleted instanceof Date);
    assert.equal((await pool(reserved.sid).fetch()).inUse, holding(reserved.sid) - 1);
    const dave = await participants.create({ identifier: '+12125550153', friendlyName: 'Dave' });
    assert.match(dave.proxyIdentifier, /^\+1415555015[01]$/);
    assert.equal(await client.proxy.v1.services(service.sid).remove(), true);
  });

  test('errors arrive as RestException with Twilio codes', async () => {
    const service = await client.proxy.v1.services.create({ uniqueName: 'node-errors' });
    const sessions = client.proxy.v1.services(service.sid).sessions;
    await sessions.create({ uniqueName: 'taken' });
    await assert.rejects(sessions.create({ uniqueName: 'taken' }), (err: unknown) => {
      assert.ok(err instanceof twilio.RestException);
      assert.equal(err.status, 400);
      assert.equal(err.code, 80603);
      assert.equal(err.message, 'Session UniqueName must be unique.');
      assert.equal(err.moreInfo, 'https://www.twilio.com/docs/errors/80603');
      return true;
    });
    await assert.rejects(sessions('KC00000000000000000000000000000000').fetch(), { status: 404, code: 20404 });
    await assert.rejects(sessions.create({ ttl: -1 }), { status: 400, code: 80701 });
    const stranger = twilio(TEST_ACCOUNT_SID, 'wrong-token');
    stranger.proxy.baseUrl = t.baseUrl;
    await assert.rejects(stranger.proxy.v1.services.list(), (err: unknown) => {
      assert.ok(err instanceof twilio.RestException);
      assert.equal(err.status, 401);
      assert.equal(err.code, 20003);
      return true;
    });
  });
});
