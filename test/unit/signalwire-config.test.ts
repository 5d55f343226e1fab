// PARLEY_CARRIER=signalwire: the variables it needs, each named when missing or wrong.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const SIGNALWIRE = {
  PARLEY_CARRIER: 'signalwire',
  PARLEY_PUBLIC_URL: 'https://parley.example.com',
  PARLEY_SIGNALWIRE_PROJECT_ID: '5f0c4b1e-9a3d-4c2b-8e7f-1a2b3c4d5e6f',
  PARLEY_SIGNALWIRE_API_TOKEN: 'PT0123456789abcdef',
  PARLEY_SIGNALWIRE_SIGNING_KEY: 'PSK_0123456789abcdef',
  PARLEY_SIGNALWIRE_SPACE_URL: 'example.signalwire.com',
};

test('PARLEY_CARRIER=signalwire: the project, its API at the Space, and a real carrier’s defaults', () => {
  const config = loadConfig(SIGNALWIRE);
  assert.equal(config.carrier, 'signalwire');
  assert.equal(config.twilio, null);
  assert.deepEqual(config.signalwire, {
    projectId: SIGNALWIRE.PARLEY_SIGNALWIRE_PROJECT_ID,
    apiToken: SIGNALWIRE.PARLEY_SIGNALWIRE_API_TOKEN,
    signingKey: SIGNALWIRE.PARLEY_SIGNALWIRE_SIGNING_KEY,
    spaceUrl: 'example.signalwire.com',
    apiUrl: 'https://example.signalwire.com',
  });
  assert.equal(config.numberCheck, 'valid');
  assert.equal(config.console, false);
  // The Space given as a URL is its host; PARLEY_SIGNALWIRE_API_URL points the REST calls elsewhere.
  const given = loadConfig({
    ...SIGNALWIRE,
    PARLEY_SIGNALWIRE_SPACE_URL: 'https://example.signalwire.com/',
    PARLEY_SIGNALWIRE_API_URL: 'http://127.0.0.1:9999/',
  });
  assert.equal(given.signalwire!.spaceUrl, 'example.signalwire.com');
  assert.equal(given.signalwire!.apiUrl, 'http://127.0.0.1:9999');
  // Ignored with another carrier.
  assert.equal(loadConfig({ ...SIGNALWIRE, PARLEY_CARRIER: 'simulator' }).signalwire, null);
});

test('each missing or invalid PARLEY_SIGNALWIRE_* variable is named', () => {
  const without = (name: keyof typeof SIGNALWIRE) => Object.fromEntries(Object.entries(SIGNALWIRE).filter(([key]) => key !== name));
  const cases: Array<[Record<string, string>, string]> = [
    [without('PARLEY_PUBLIC_URL'), 'PARLEY_PUBLIC_URL'],
    [without('PARLEY_SIGNALWIRE_PROJECT_ID'), 'PARLEY_SIGNALWIRE_PROJECT_ID'],
    [{ ...SIGNALWIRE, PARLEY_SIGNALWIRE_PROJECT_ID: 'AC0123456789abcdef0123456789abcdef' }, 'PARLEY_SIGNALWIRE_PROJECT_ID'],
    [without('PARLEY_SIGNALWIRE_API_TOKEN'), 'PARLEY_SIGNALWIRE_API_TOKEN'],
    [without('PARLEY_SIGNALWIRE_SIGNING_KEY'), 'PARLEY_SIGNALWIRE_SIGNING_KEY'],
    [without('PARLEY_SIGNALWIRE_SPACE_URL'), 'PARLEY_SIGNALWIRE_SPACE_URL'],
    [{ ...SIGNALWIRE, PARLEY_SIGNALWIRE_SPACE_URL: 'example signalwire' }, 'PARLEY_SIGNALWIRE_SPACE_URL'],
    [{ ...SIGNALWIRE, PARLEY_SIGNALWIRE_API_URL: 'ftp://example.com' }, 'PARLEY_SIGNALWIRE_API_URL'],
    [{ ...SIGNALWIRE, PARLEY_ADMIN_TOKEN: 'an-admin-token-long-enough' }, 'PARLEY_ADMIN_TOKEN'],
  ];
  for (const [env, variable] of cases) {
    assert.throws(
      () => loadConfig(env),
      (err: unknown) => err instanceof ConfigError && err.variable === variable && err.message.startsWith(variable),
      JSON.stringify(env),
    );
  }
});
