import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

/** The least a real carrier needs. */
const twilio = {
  PARLEY_CARRIER: 'twilio',
  PARLEY_TWILIO_ACCOUNT_SID: `AC${'f'.repeat(32)}`,
  PARLEY_TWILIO_AUTH_TOKEN: 'twilio-token',
  PARLEY_PUBLIC_URL: 'https://parley.example.com',
};

test('defaults match the README', () => {
  const config = loadConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.databaseUrl, 'sqlite:./data/parley.db');
  assert.equal(config.accountSid, null);
  assert.equal(config.publicUrl, null);
  assert.equal(config.carrier, 'simulator');
  assert.equal(config.bodyLimit, 65536);
  assert.equal(config.adminToken, null);
  assert.equal(config.numberCheck, 'possible');
  assert.equal(config.shutdownDrainMs, 0);
  assert.equal(config.shutdownTimeoutMs, 10_000);
  assert.ok(Object.isFrozen(config));
});

test('PARLEY_NUMBER_CHECK: possible with the simulator, valid with a real carrier, either when set', () => {
  assert.equal(loadConfig(twilio).numberCheck, 'valid');
  assert.equal(loadConfig({ ...twilio, PARLEY_NUMBER_CHECK: 'possible' }).numberCheck, 'possible');
  assert.equal(loadConfig({ PARLEY_NUMBER_CHECK: 'valid' }).numberCheck, 'valid');
});

test('PARLEY_SHUTDOWN_DRAIN_MS: 5 s with a real carrier (behind a balancer), none with the simulator', () => {
  assert.equal(loadConfig(twilio).shutdownDrainMs, 5000);
  assert.equal(loadConfig({}).shutdownDrainMs, 0);
  assert.equal(loadConfig({ PARLEY_SHUTDOWN_DRAIN_MS: '2000' }).shutdownDrainMs, 2000);
});

test('each invalid variable is named in the error', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ PORT: 'http' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ PARLEY_ACCOUNT_SID: 'AC123', PARLEY_AUTH_TOKEN: 'abcdefgh' }, 'PARLEY_ACCOUNT_SID'],
    [{ PARLEY_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef' }, 'PARLEY_AUTH_TOKEN'],
    [{ PARLEY_PUBLIC_URL: 'not a url' }, 'PARLEY_PUBLIC_URL'],
    [{ PARLEY_PUBLIC_URL: 'ftp://x' }, 'PARLEY_PUBLIC_URL'],
    [{ PARLEY_CARRIER: 'pigeon' }, 'PARLEY_CARRIER'],
    [{ PARLEY_ADMIN_TOKEN: 'too-short' }, 'PARLEY_ADMIN_TOKEN'],
    [
      {
        PARLEY_ADMIN_TOKEN: 'an-admin-token-long-enough',
        PARLEY_CARRIER: 'twilio',
        PARLEY_PUBLIC_URL: 'https://proxy.example.com',
        PARLEY_TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
        PARLEY_TWILIO_AUTH_TOKEN: 'twilio-token',
      },
      'PARLEY_ADMIN_TOKEN',
    ],
    [{ PARLEY_NUMBER_CHECK: 'strict' }, 'PARLEY_NUMBER_CHECK'],
    [{ PARLEY_SHUTDOWN_DRAIN_MS: '-1' }, 'PARLEY_SHUTDOWN_DRAIN_MS'],
    [{ PARLEY_SHUTDOWN_DRAIN_MS: '5s' }, 'PARLEY_SHUTDOWN_DRAIN_MS'],
    [{ PARLEY_SHUTDOWN_TIMEOUT_MS: '600001' }, 'PARLEY_SHUTDOWN_TIMEOUT_MS'],
  ];
  for (const [env, variable] of cases) {
    assert.throws(
      () => loadConfig(env),
      (err: unknown) => err instanceof ConfigError && err.variable === variable && err.message.startsWith(variable),
      JSON.stringify(env),
    );
  }
});

test('PARLEY_SHUTDOWN_DRAIN_MS and PARLEY_SHUTDOWN_TIMEOUT_MS may be 0 (close at once, cut at once)', () => {
  const config = loadConfig({ PARLEY_SHUTDOWN_DRAIN_MS: '0', PARLEY_SHUTDOWN_TIMEOUT_MS: '0' });
  assert.deepEqual([config.shutdownDrainMs, config.shutdownTimeoutMs], [0, 0]);
});

test('PARLEY_PUBLIC_URL loses its trailing slash', () => {
  assert.equal(loadConfig({ PARLEY_PUBLIC_URL: 'https://proxy.example.com/base/' }).publicUrl, 'https://proxy.example.com/base');
});

test('PARLEY_CARRIER=telnyx: the API key, the account public key and the public URL are required; the rest has defaults', () => {
  const publicKey = Buffer.alloc(32, 7).toString('base64');
  const telnyx = {
    PARLEY_CARRIER: 'telnyx',
    PARLEY_TELNYX_API_KEY: 'KEY-for-the-tests',
    PARLEY_TELNYX_PUBLIC_KEY: publicKey,
    PARLEY_PUBLIC_URL: 'https://parley.example.com',
  };
  const config = loadConfig(telnyx);
  assert.equal(config.carrier, 'telnyx');
  assert.deepEqual(config.telnyx, { apiKey: 'KEY-for-the-tests', publicKey, messagingProfileId: null, apiUrl: 'https://api.telnyx.com' });
  assert.equal(config.twilio, null);
  assert.equal(config.numberCheck, 'valid', 'a real carrier');
  assert.equal(config.console, false, 'a real carrier');
  const custom = loadConfig({ ...telnyx, PARLEY_TELNYX_MESSAGING_PROFILE_ID: 'profile-1', PARLEY_TELNYX_API_URL: 'http://127.0.0.1:9/' });
  assert.equal(custom.telnyx?.messagingProfileId, 'profile-1');
  assert.equal(custom.telnyx?.apiUrl, 'http://127.0.0.1:9');
  // Ignored with another carrier.
  assert.equal(loadConfig({ PARLEY_TELNYX_API_KEY: 'KEY' }).telnyx, null);

  const refused: Array<[Record<string, string | undefined>, string]> = [
    [{ PARLEY_TELNYX_API_KEY: undefined }, 'PARLEY_TELNYX_API_KEY'],
    [{ PARLEY_TELNYX_PUBLIC_KEY: undefined }, 'PARLEY_TELNYX_PUBLIC_KEY'],
    [{ PARLEY_TELNYX_PUBLIC_KEY: Buffer.alloc(31).toString('base64') }, 'PARLEY_TELNYX_PUBLIC_KEY'],
    [{ PARLEY_TELNYX_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----' }, 'PARLEY_TELNYX_PUBLIC_KEY'],
    [{ PARLEY_TELNYX_API_URL: 'api.telnyx.com' }, 'PARLEY_TELNYX_API_URL'],
    [{ PARLEY_PUBLIC_URL: undefined }, 'PARLEY_PUBLIC_URL'],
  ];
  for (const [change, variable] of refused) {
    assert.throws(
      () => loadConfig({ ...telnyx, ...change }),
      (err: unknown) => err instanceof ConfigError && err.variable === variable,
      JSON.stringify(change),
    );
  }
});

test('PARLEY_REDIS_URL: unset is no Redis; redis:// or rediss:// with a host, never echoed in the error', () => {
  assert.equal(loadConfig({}).redis, null);
  const redis = loadConfig({ PARLEY_REDIS_URL: 'rediss://default:s3cret@cache.internal:6380/2' }).redis;
  assert.deepEqual(redis, { url: 'rediss://default:s3cret@cache.internal:6380/2', keyPrefix: 'parley:rate:', timeoutMs: 200 });
  const tuned = loadConfig({ PARLEY_REDIS_URL: 'redis://127.0.0.1', PARLEY_REDIS_KEY_PREFIX: 'eu:rate:', PARLEY_REDIS_TIMEOUT_MS: '50' });
  assert.deepEqual(tuned.redis, { url: 'redis://127.0.0.1', keyPrefix: 'eu:rate:', timeoutMs: 50 });
  for (const url of ['http://cache:6379', 'redis://', 'redis://:s3cret@', 'cache.internal:6379']) {
    assert.throws(
      () => loadConfig({ PARLEY_REDIS_URL: url }),
      (err: unknown) => err instanceof ConfigError && err.variable === 'PARLEY_REDIS_URL' && !err.message.includes('s3cret'),
      url,
    );
  }
  for (const timeout of ['0', '5', 'fast', '60000']) {
    assert.throws(
      () => loadConfig({ PARLEY_REDIS_URL: 'redis://127.0.0.1', PARLEY_REDIS_TIMEOUT_MS: timeout }),
      (err: unknown) => err instanceof ConfigError && err.variable === 'PARLEY_REDIS_TIMEOUT_MS',
    );
  }
});
