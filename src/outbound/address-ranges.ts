// Which IP addresses an account-set URL may not reach: everything that is not the public internet
// (loopback, private and carrier-grade NAT networks, link-local, cloud metadata, multicast,
// reserved). An attacker picks the spelling, so every IPv6 form that carries an IPv4 address
// (mapped, compatible, translated, NAT64, 6to4) is judged by the IPv4 address inside it.
// Documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32) lead nowhere and
// are left alone.

import { isIPv4, isIPv6 } from 'node:net';

interface Range {
  base: bigint;
  bits: number;
  why: string;
  /** The IPv4 address inside sits at this bit offset from the left (IPv6 forms only). */
  embedsIpv4At?: number;
}

const IPV4: Range[] = [
  v4('169.254.169.254/32', 'cloud metadata'),
  v4('100.100.100.200/32', 'cloud metadata'),
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'carrier-grade NAT'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'benchmarking'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved or broadcast'),
];

// First match wins: the exact addresses come before the ranges that contain them.
const IPV6: Range[] = [
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('fd00:ec2::254/128', 'cloud metadata'),
  v6('::ffff:0:0/96', 'IPv4-mapped', 96),
  v6('::ffff:0:0:0/96', 'IPv4-translated', 96),
  v6('::/96', 'IPv4-compatible', 96),
  v6('64:ff9b::/96', 'NAT64', 96),
  v6('64:ff9b:1::/48', 'local NAT64'),
  v6('2002::/16', '6to4', 16),
  v6('2001::/32', 'Teredo'),
  v6('100::/64', 'discard-only'),
  v6('fc00::/7', 'unique-local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'site-local'),
  v6('ff00::/8', 'multicast'),
];

/** Why this IP address may not be reached, or null for a public one. Not an IP address: null. */
export function refusedAddress(address: string): string | null {
  const plain = address.replace(/%.*$/, ''); // a zone index (fe80::1%eth0) names no other address
  if (isIPv4(plain)) return match(IPV4, ipv4Value(plain), 32)?.why ?? null;
  if (!isIPv6(plain)) return null;
  const value = ipv6Value(plain);
  const range = match(IPV6, value, 128);
  if (range === undefined) return null;
  if (range.embedsIpv4At === undefined) return range.why;
  const inner = Number((value >> BigInt(128 - range.embedsIpv4At - 32)) & 0xffffffffn);
  const innerWhy = match(IPV4, BigInt(inner), 32)?.why;
  return innerWhy === undefined ? null : `${range.why} ${formatIpv4(inner)}: ${innerWhy}`;
}

function match(ranges: Range[], value: bigint, width: number): Range | undefined {
  return ranges.find((range) => value >> BigInt(width - range.bits) === range.base >> BigInt(width - range.bits));
}

function v4(cidr: string, why: string): Range {
  const [address, bits] = cidr.split('/');
  return { base: ipv4Value(address!), bits: Number(bits), why };
}

function v6(cidr: string, why: string, embedsIpv4At?: number): Range {
  const [address, bits] = cidr.split('/');
  return { base: ipv6Value(address!), bits: Number(bits), why, ...(embedsIpv4At === undefined ? {} : { embedsIpv4At }) };
}

/** A dotted quad (as net.isIPv4 accepts it) as a number. */
function ipv4Value(address: string): bigint {
  return address.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

/** An IPv6 address (as net.isIPv6 accepts it, a dotted IPv4 tail included) as a number. */
function ipv6Value(address: string): bigint {
  let text = address;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail !== null) {
    const quad = Number(ipv4Value(tail[1]!));
    text = text.slice(0, tail.index) + `${(quad >>> 16).toString(16)}:${(quad & 0xffff).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const words = (part: string) => (part === '' ? [] : part.split(':'));
  const left = words(head);
  const right = rest === undefined ? [] : words(rest);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((value, word) => (value << 16n) | BigInt(parseInt(word, 16)), 0n);
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}
