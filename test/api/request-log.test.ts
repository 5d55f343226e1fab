// The request log (PARLEY_LOG_REQUESTS): one `info` line per request with the method, the route's
// pattern, the status, the duration, the account and the request id; never the path as sent (its
// SIDs and numbers), a query value or a body. Off, no request writes a line of its own.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startTestApp, TEST_ACCOUNT_SID } from '../helpers/app.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../helpers/eventually.js';
import { handset, poolNumber } from '../helpers/factories.js';
import { logCollector } from '../helpers/log-collector.js';
import type { LogCollector } from '../helpers/log-collector.js';

const requestLines = (log: LogCollector) => log.entries().filter((entry) => entry.msg === 'request');
const BODY = 'see you at the north entrance';

describe('the request log', () => {
  test('one line per request: method, route pattern, status, duration, account, request id; nothing the request carried', async () => {
    const log = logCollector();
    const t = await startTestApp({ PARLEY_LOG_LEVEL: 'info' }, { logStream: log.stream });
    try {
      const [pool, alice, bob] = [poolNumber(), handset(), handset()];
      const service = await t.api.post('/v1/Services', { UniqueName: 'request-log' });
      const servicePath = `/v1/Services/${service.body.sid}`;
      assert.equal((await t.api.post(`${servicePath}/PhoneNumbers`, { PhoneNumber: pool })).status, 201);
      const session = await t.api.post(`${servicePath}/Sessions`, {
        Participants: [JSON.stringify({ Identifier: alice }), JSON.stringify({ Identifier: bob })],
      });
      assert.equal(session.status, 201, session.text);
      assert.equal((await t.api.get(`${servicePath}/PhoneNumbers/${encodeURIComponent(pool)}`)).status, 200);
      assert.equal((await t.api.get('/v1/Services', { PageSize: 3 })).status, 200);
      assert.equal((await t.api.post('/simulator/v1/Messages', { From: alice, To: pool, Body: BODY })).status, 201);
      assert.equal((await t.api.get('/simulator/v1/Messages', { To: bob })).status, 200);
      assert.equal((await t.anonymous.get('/v1/Services')).status, 401);
      assert.equal((await t.api.get(`/v1/Nowhere/${encodeURIComponent(alice)}`, { To: alice })).status, 404);

      const expected: Array<[string, string | null, number, string | null]> = [
        ['POST', '/v1/Services', 201, TEST_ACCOUNT_SID],
        ['POST', '/v1/Services/:ServiceSid/PhoneNumbers', 201, TEST_ACCOUNT_SID],
        ['POST', '/v1/Services/:ServiceSid/Sessions', 201, TEST_ACCOUNT_SID],
        ['GET', '/v1/Services/:ServiceSid/PhoneNumbers/:Sid', 200, TEST_ACCOUNT_SID],
        ['GET', '/v1/Services', 200, TEST_ACCOUNT_SID],
        ['POST', '/simulator/v1/Messages', 201, TEST_ACCOUNT_SID],
        ['GET', '/simulator/v1/Messages', 200, TEST_ACCOUNT_SID],
        ['GET', '/v1/Services', 401, null],
        // No route matched: the path is not logged at all.
        ['GET', null, 404, null],
      ];
      const lines = await eventually(() => {
        const lines = requestLines(log);
        assert.equal(lines.length, expected.length, JSON.stringify(lines, null, 1));
        return lines;
      });
      assert.deepEqual(
        lines.map((line) => [line.method, line.route, line.status, line.accountSid]),
        expected,
      );
      for (const line of lines) {
        assert.equal(line.level, 30, 'info');
        assert.deepEqual(Object.keys(line).sort(), [
          'accountSid',
          'durationMs',
          'hostname',
          'level',
          'method',
          'msg',
          'pid',
          'reqId',
          'route',
          'status',
          'time',
        ]);
        assert.equal(typeof line.durationMs, 'number');
        assert.ok(line.durationMs >= 0);
        assert.match(line.reqId, /\S/);
      }
      assert.equal(new Set(lines.map((line) => line.reqId)).size, lines.length, 'one line per request');

      const written = lines.map((line) => JSON.stringify(line)).join('\n');
      for (const leak of [service.body.sid, session.body.sid, 'PageSize', '?', 'Nowhere', BODY]) {
        assert.ok(!written.includes(leak), `a request line holds "${leak}":\n${written}`);
      }
      for (const number of [pool, alice, bob]) {
        for (const form of [number, encodeURIComponent(number), number.slice(1)]) {
          assert.ok(!log.text().includes(form), `the log holds "${form}":\n${log.text()}`);
        }
      }
    } finally {
      await t.close();
    }
  });

  test('PARLEY_LOG_REQUESTS=false: requests write no line', async () => {
    const log = logCollector();
    const t = await startTestApp({ PARLEY_LOG_LEVEL: 'info', PARLEY_LOG_REQUESTS: 'false' }, { logStream: log.stream });
    try {
      assert.equal((await t.api.get('/v1/Services')).status, 200);
      assert.equal((await t.anonymous.get('/v1/Services')).status, 401);
      assert.equal((await t.api.get('/v1/Nowhere')).status, 404);
      // The line would be written once the answer is sent; a slow machine can only make this pass wrongly.
      await sleep(200);
      assert.deepEqual(requestLines(log), []);
    } finally {
      await t.close();
    }
  });
});
