// Who may read GET /metrics: nobody unless PARLEY_METRICS_TOKEN is set (the path is then unknown,
// a 404 like any other); with it, only a request showing that token as a bearer token (401,
// Twilio-style, otherwise; an account's credentials do not count). A scrape is not rate-limited,
// writes no request-log line, parses as Prometheus' text format, and carries the process metrics.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http-client.js';
import { logCollector } from '../helpers/log-collector.js';
import { METRICS_ON, METRICS_TOKEN, parseExposition, scrape } from '../helpers/metrics.js';

async function withApp(env: Record<string, string>, run: (t: TestApp) => Promise<void>, options = {}): Promise<void> {
  const t = await startTestApp(env, options);
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

describe('GET /metrics', () => {
  test('off by default: an unknown path, even with credentials', () =>
    withApp({}, async (t) => {
      expectError(await t.anonymous.get('/metrics'), 404, 20404);
      expectError(await t.api.get('/metrics', undefined, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }), 404, 20404);
    }));

  test('with PARLEY_METRICS_TOKEN: 401 without the token, with another one, or with account credentials', () =>
    withApp(METRICS_ON, async (t) => {
      const refused = [
        await t.anonymous.get('/metrics'),
        await t.anonymous.get('/metrics', undefined, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } }),
        await t.anonymous.get('/metrics', undefined, { headers: { authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}` } }),
        await t.anonymous.get('/metrics', undefined, { headers: { authorization: `Basic ${METRICS_TOKEN}` } }),
        await t.api.get('/metrics'),
      ];
      for (const response of refused) {
        expectError(response, 401, 20003);
        assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="Parley metrics"');
      }
      expectError(await t.anonymous.post('/metrics', {}, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }), 405, 20004);
    }));

  test('a scrape parses, holds the process metrics, is not rate-limited and writes no request-log line', async () => {
    const log = logCollector();
    await withApp(
      { ...METRICS_ON, PARLEY_LOG_LEVEL: 'info', PARLEY_RATE_LIMIT: '1', PARLEY_RATE_BURST: '1' },
      async (t) => {
        for (let i = 0; i < 5; i++) {
          const exposition = await scrape(t);
          assert.equal(exposition.types.get('process_cpu_user_seconds_total'), 'counter');
          assert.equal(exposition.types.get('nodejs_heap_size_used_bytes'), 'gauge');
          assert.equal(exposition.types.get('http_server_request_duration_seconds'), 'histogram');
          // The scrape's own reads may hold connections: only the bounds are known.
          const [inUse, size] = [exposition.value('parley_db_pool_connections_in_use')!, exposition.value('parley_db_pool_connections')!];
          assert.ok(inUse >= 0 && inUse <= size && size >= 1, `${inUse} of ${size}`);
        }
        assert.equal((await t.api.get('/v1/Services')).status, 200);
        const routes = log
          .entries()
          .filter((entry) => entry.msg === 'request')
          .map((entry) => entry.route);
        assert.deepEqual(routes, ['/v1/Services']);
      },
      { logStream: log.stream },
    );
  });

  test('two apps in one process keep registries of their own', () =>
    withApp(METRICS_ON, (first) =>
      withApp(METRICS_ON, async (second) => {
        assert.equal((await first.api.get('/v1/Services')).status, 200);
        const count = (e: ReturnType<typeof parseExposition>) =>
          e.sum('http_server_request_duration_seconds_count', { route: '/v1/Services', method: 'GET' });
        assert.equal(count(await scrape(first)), 1);
        assert.equal(count(await scrape(second)), 0);
      }),
    ));

  test('PARLEY_METRICS_TOKEN must be 16 to 256 characters without spaces; PARLEY_METRICS_PER_SERVICE a boolean', () => {
    assert.equal(loadConfig({}).metricsToken, null);
    assert.equal(loadConfig({}).metricsPerService, false);
    assert.equal(loadConfig({ PARLEY_METRICS_TOKEN: METRICS_TOKEN }).metricsToken, METRICS_TOKEN);
    for (const bad of ['short', 'has a space in it, sixteen+', 'x'.repeat(257)]) {
      assert.throws(
        () => loadConfig({ PARLEY_METRICS_TOKEN: bad }),
        (err: Error) => err instanceof ConfigError && err.variable === 'PARLEY_METRICS_TOKEN' && !err.message.includes(bad),
      );
    }
    assert.throws(
      () => loadConfig({ PARLEY_METRICS_PER_SERVICE: 'maybe' }),
      (err: Error) => err instanceof ConfigError && err.variable === 'PARLEY_METRICS_PER_SERVICE',
    );
    assert.equal(loadConfig({ PARLEY_METRICS_PER_SERVICE: 'true' }).metricsPerService, true);
  });
});
