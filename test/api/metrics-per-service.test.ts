// PARLEY_METRICS_PER_SERVICE=true: sessions, the pool, refusals and routed traffic are split by a
// service_sid label (the only SID a label may hold; never a phone number, a session, participant
// or interaction SID). Without it, test/api/metrics-values.test.ts shows totals only.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import { handset, maskedPair, poolNumber, pooledService, sessionWith, text } from '../helpers/factories.js';
import { expectError } from '../helpers/http-client.js';
import { FRESH, leakedLabels, METRICS_ON, scrape } from '../helpers/metrics.js';

describe('metrics per service', () => {
  test('a service_sid label on sessions, pool, refusals and routing; no other SID', async () => {
    const t = await startTestApp({ ...METRICS_ON, PARLEY_METRICS_PER_SERVICE: 'true' }, FRESH);
    try {
      const busy = await maskedPair(t.api, { pool: [poolNumber(), poolNumber()] });
      await text(t.api, busy.a.identifier, busy.a.proxy, 'hello');
      const quiet = await pooledService(t.api, [poolNumber()]);
      const alone = await sessionWith(t.api, quiet, [busy.a.identifier]);
      assert.equal((await t.api.post(alone.session, { Status: 'closed' })).status, 200);
      const reserved = await pooledService(t.api, []);
      await t.api.post(`${reserved.service}/PhoneNumbers`, { PhoneNumber: poolNumber(), IsReserved: true });
      const waiting = await sessionWith(t.api, reserved, []);
      expectError(await t.api.post(`${waiting.session}/Participants`, { Identifier: handset() }), 400, 80207);

      const exposition = await scrape(t);
      const of = (sid: string, labels: Record<string, string> = {}) => ({ ...labels, service_sid: sid });
      assert.equal(exposition.value('parley_sessions', of(busy.serviceSid, { status: 'in-progress' })), 1);
      assert.equal(exposition.value('parley_sessions', of(quiet.serviceSid, { status: 'closed' })), 1);
      assert.equal(exposition.value('parley_sessions', of(reserved.serviceSid, { status: 'open' })), 1);
      assert.equal(exposition.value('parley_pool_numbers', of(busy.serviceSid)), 2);
      assert.equal(exposition.value('parley_pool_numbers_in_use', of(busy.serviceSid)), 2);
      assert.equal(exposition.value('parley_pool_numbers_in_use', of(quiet.serviceSid)), 0);
      assert.equal(exposition.value('parley_number_selection_refusals_total', of(reserved.serviceSid, { code: '80207' })), 1);
      const routed = of(busy.serviceSid, { type: 'message', outcome: 'forwarded' });
      assert.equal(exposition.value('parley_interactions_routed_total', routed), 1);
      assert.deepEqual(leakedLabels(exposition, /^KS[0-9a-f]{32}$/), []);
      const sids = new Set(exposition.samples.map((sample) => sample.labels.service_sid).filter((sid) => sid !== undefined));
      assert.deepEqual([...sids].sort(), [busy.serviceSid, quiet.serviceSid, reserved.serviceSid].sort());
    } finally {
      await t.close();
    }
  });
});
