// Which addresses account-set URLs may not reach, in every spelling an attacker can choose: the
// classifier (refusedAddress), the URL check made when a URL is set (aimsInside), and the lookup
// guard that judges what a host name resolves to at delivery.

import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, test } from 'node:test';
import { aimsInside, guardedLookup } from '../../src/outbound/address-policy.js';
import { refusedAddress } from '../../src/outbound/address-ranges.js';

const REFUSED: Record<string, string> = {
  '127.0.0.1': 'loopback',
  '127.255.255.254': 'loopback',
  '10.0.0.1': 'private',
  '172.16.0.1': 'private',
  '172.31.255.255': 'private',
  '192.168.1.1': 'private',
  '100.64.0.1': 'carrier-grade NAT',
  '100.127.255.255': 'carrier-grade NAT',
  '169.254.0.1': 'link-local',
  '169.254.169.254': 'cloud metadata',
  '100.100.100.200': 'cloud metadata',
  '0.0.0.0': 'unspecified',
  '0.1.2.3': 'unspecified',
  '198.18.0.1': 'benchmarking',
  '198.19.255.255': 'benchmarking',
  '192.0.0.8': 'reserved',
  '224.0.0.1': 'multicast',
  '239.255.255.250': 'multicast',
  '240.0.0.1': 'reserved or broadcast',
  '255.255.255.255': 'reserved or broadcast',
  '::': 'unspecified',
  '::1': 'loopback',
  'fe80::1': 'link-local',
  'fe80::1%eth0': 'link-local',
  'febf::1': 'link-local',
  'fc00::1': 'unique-local',
  'fd12:3456::1': 'unique-local',
  'fd00:ec2::254': 'cloud metadata',
  'ff02::1': 'multicast',
  'fec0::1': 'site-local',
  '100::1': 'discard-only',
  '::ffff:127.0.0.1': 'IPv4-mapped 127.0.0.1: loopback',
  '::ffff:7f00:1': 'IPv4-mapped 127.0.0.1: loopback',
  '::ffff:a9fe:a9fe': 'IPv4-mapped 169.254.169.254: cloud metadata',
  '::ffff:0:10.0.0.1': 'IPv4-translated 10.0.0.1: private',
  '::127.0.0.1': 'IPv4-compatible 127.0.0.1: loopback',
  '::a00:1': 'IPv4-compatible 10.0.0.1: private',
  '64:ff9b::7f00:1': 'NAT64 127.0.0.1: loopback',
  '64:ff9b::192.168.0.1': 'NAT64 192.168.0.1: private',
  '64:ff9b:1::1': 'local NAT64',
  '2002:7f00:1::1': '6to4 127.0.0.1: loopback',
  '2002:a9fe:a9fe::': '6to4 169.254.169.254: cloud metadata',
  '2001:0:4136:e378:8000:63bf:3fff:fdd2': 'Teredo',
};

const ALLOWED = [
  '8.8.8.8',
  '1.1.1.1',
  '203.0.113.10',
  '198.51.100.7',
  '192.0.2.1',
  '172.15.255.255',
  '172.32.0.1',
  '100.63.255.255',
  '100.128.0.1',
  '169.253.255.255',
  '198.20.0.1',
  '223.255.255.255',
  '11.0.0.1',
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  '2001:db8::1',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
];

describe('refusedAddress', () => {
  test('names why each inside address is refused', () => {
    for (const [address, why] of Object.entries(REFUSED)) assert.equal(refusedAddress(address), why, address);
  });

  test('leaves public addresses (and documentation ranges, which lead nowhere) alone', () => {
    for (const address of ALLOWED) assert.equal(refusedAddress(address), null, address);
  });

  test('is not fooled by a host name', () => {
    assert.equal(refusedAddress('localhost'), null, 'a name is judged by what it resolves to, at delivery');
  });
});

describe('aimsInside (when a URL is set)', () => {
  test('sees through every spelling of an inside address', () => {
    const urls = [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0x7f000001/',
      'http://017700000001/',
      'http://127.1/',
      'http://127.0.0.1.:8080/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:7f00:1]/',
      'http://[0:0:0:0:0:ffff:127.0.0.1]/',
      'http://[::127.0.0.1]/',
      'http://[64:ff9b::127.0.0.1]/',
      'http://[2002:7f00:1::]/',
      'http://[fe80::1]/',
      'http://[fc00::1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/',
      'http://100.100.100.200/',
      'https://10.1.2.3/cb',
      'https://user:secret@192.168.0.10:8443/cb?x=1',
      'http://172.16.0.1/',
      'http://0.0.0.0/',
      'http://0/',
    ];
    for (const url of urls) assert.equal(aimsInside(url), true, url);
  });

  test('accepts public addresses and host names (names are checked at delivery)', () => {
    for (const url of [
      'http://203.0.113.10/cb',
      'https://[2606:4700:4700::1111]/',
      'https://example.com/cb',
      'http://localhost/',
      'not a url',
    ]) {
      assert.equal(aimsInside(url), false, url);
    }
  });
});

describe('guardedLookup (at delivery)', () => {
  const answering =
    (...addresses: string[]): LookupFunction =>
    (_hostname, options, callback) => {
      const all: LookupAddress[] = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      if (options.all) callback(null, all);
      else callback(null, all[0]!.address, all[0]!.family);
    };
  const resolve = (lookup: LookupFunction, all: boolean) =>
    new Promise<unknown>((done, fail) =>
      guardedLookup(lookup)('receiver.example', { all }, (err, address) => (err ? fail(err) : done(address))),
    );

  test('passes a public answer through, in both forms', async () => {
    assert.equal(await resolve(answering('203.0.113.10'), false), '203.0.113.10');
    assert.deepEqual(await resolve(answering('203.0.113.10', '2606:4700::1'), true), [
      { address: '203.0.113.10', family: 4 },
      { address: '2606:4700::1', family: 6 },
    ]);
  });

  test('fails when any answer is an inside address', async () => {
    await assert.rejects(resolve(answering('10.0.0.1'), false), /receiver\.example resolves to 10\.0\.0\.1, private/);
    await assert.rejects(resolve(answering('203.0.113.10', '127.0.0.1'), true), /resolves to 127\.0\.0\.1, loopback/);
    await assert.rejects(resolve(answering('::ffff:169.254.169.254'), true), /cloud metadata/);
  });

  test('passes a failed lookup on as it is', async () => {
    const failing: LookupFunction = (_hostname, _options, callback) =>
      callback(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), '');
    await assert.rejects(resolve(failing, false), { code: 'ENOTFOUND' });
  });
});
