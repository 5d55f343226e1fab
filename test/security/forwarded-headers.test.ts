// Item 4 of the security review: X-Forwarded-Proto/-Host (and the client address) count only from
// the peers PARLEY_TRUST_PROXY names; otherwise anyone could point `url`, `links`, `meta` (and so
// the next page a client follows) at a host of their choosing.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const FORWARDED = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'proxy.example.com' };

async function serviceUrlSeenWith(env: Record<string, string>, headers: Record<string, string>): Promise<{ url: string; base: string }> {
  const t = await startTestApp(env);
  try {
    const created = await t.api.post('/v1/Services', { UniqueName: 'forwarded' });
    const fetched = await t.api.get(`/v1/Services/${created.body.sid}`, undefined, { headers });
    const list = await t.api.get('/v1/Services', undefined, { headers });
    assert.equal(list.body.meta.url.split('/v1/')[0], fetched.body.url.split('/v1/')[0], 'meta follows the same rule');
    return { url: fetched.body.url.split('/v1/')[0], base: t.baseUrl };
  } finally {
    await t.close();
  }
}

describe('forwarded headers', () => {
  test('are ignored without PARLEY_TRUST_PROXY: the Host header names the server', async () => {
    const seen = await serviceUrlSeenWith({}, FORWARDED);
    assert.equal(seen.url, seen.base);
  });

  test('count with PARLEY_TRUST_PROXY=true', async () => {
    const seen = await serviceUrlSeenWith({ PARLEY_TRUST_PROXY: 'true' }, FORWARDED);
    assert.equal(seen.url, 'https://proxy.example.com');
  });

  test('count from a trusted address or CIDR, and not from any other peer', async () => {
    assert.equal((await serviceUrlSeenWith({ PARLEY_TRUST_PROXY: '127.0.0.1' }, FORWARDED)).url, 'https://proxy.example.com');
    assert.equal((await serviceUrlSeenWith({ PARLEY_TRUST_PROXY: '10.0.0.0/8, 127.0.0.0/8' }, FORWARDED)).url, 'https://proxy.example.com');
    const untrusted = await serviceUrlSeenWith({ PARLEY_TRUST_PROXY: '10.0.0.0/8,fd00::/8' }, FORWARDED);
    assert.equal(untrusted.url, untrusted.base);
  });

  test('count with a hop count', async () => {
    assert.equal((await serviceUrlSeenWith({ PARLEY_TRUST_PROXY: '1' }, FORWARDED)).url, 'https://proxy.example.com');
  });

  test('never replace PARLEY_PUBLIC_URL', async () => {
    const seen = await serviceUrlSeenWith({ PARLEY_TRUST_PROXY: 'true', PARLEY_PUBLIC_URL: 'https://api.example.org' }, FORWARDED);
    assert.equal(seen.url, 'https://api.example.org');
  });

  test('a hostile forwarded host never ends up in a URL', async () => {
    const seen = await serviceUrlSeenWith({ PARLEY_TRUST_PROXY: 'true' }, { 'x-forwarded-host': 'evil.com/"><script>' });
    assert.ok(!seen.url.includes('<') && !seen.url.includes('evil.com/'), seen.url);
  });
});

describe('configuration', () => {
  test('PARLEY_TRUST_PROXY takes true, false, a hop count, or addresses and CIDRs, and names itself otherwise', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ PARLEY_TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(loadConfig({ PARLEY_TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ PARLEY_TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ PARLEY_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1' }).trustProxy, ['10.0.0.1', '192.168.0.0/16', '::1']);
    for (const bad of ['yes please', '10.0.0.0/33', '300.1.1.1', 'proxy.internal', '::1/129']) {
      assert.throws(
        () => loadConfig({ PARLEY_TRUST_PROXY: bad }),
        (err: unknown) => err instanceof ConfigError && err.variable === 'PARLEY_TRUST_PROXY',
        bad,
      );
    }
  });

  test('a real carrier needs PARLEY_PUBLIC_URL: the start stops with one line naming it', () => {
    const twilio = { PARLEY_CARRIER: 'twilio', PARLEY_TWILIO_ACCOUNT_SID: 'AC' + 'f'.repeat(32), PARLEY_TWILIO_AUTH_TOKEN: 'twilio-token' };
    assert.throws(
      () => loadConfig(twilio),
      (err: unknown) => err instanceof ConfigError && err.variable === 'PARLEY_PUBLIC_URL' && !err.message.includes('\n'),
    );
    assert.equal(loadConfig({ ...twilio, PARLEY_PUBLIC_URL: 'https://parley.example.com' }).publicUrl, 'https://parley.example.com');
  });
});
