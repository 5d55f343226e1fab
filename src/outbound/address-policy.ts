// Keeps account-set URLs (callback, intercept, out-of-session) from aiming inside: at the server
// itself, its network, or the cloud's metadata service (unless PARLEY_CALLBACK_ALLOW_PRIVATE).
// A literal address is judged when the URL is set and again before each request (Node connects
// to a literal without a lookup). A host name is judged at delivery, on the addresses its lookup
// returned, inside the lookup Node connects with: what was checked is what gets connected to, so a
// name that answers differently the next time (DNS rebinding) gains nothing.

import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import { refusedAddress } from './address-ranges.js';

export const REFUSED_URL_HINT = 'must not point at a private, loopback, link-local or metadata address';

/** The URL's host when it is an IP address (brackets stripped), or null for a name. */
export function literalAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) === 0 ? null : host;
}

/**
 * Whether a URL names a literal address that may not be reached (a host name is judged later, at
 * delivery). new URL() has already turned IPv4 shorthands (2130706433, 0x7f.1, 127.1) into dotted quads.
 */
export function aimsInside(url: string): boolean {
  if (!URL.canParse(url)) return false; // the parameter's format check answers for it
  const address = literalAddress(new URL(url));
  return address !== null && refusedAddress(address) !== null;
}

/** Before a request: Node connects to a literal address without any lookup to guard. */
export function checkLiteral(url: URL): void {
  const address = literalAddress(url);
  const why = address === null ? null : refusedAddress(address);
  if (why !== null) throw new RefusedAddress(address!, why);
}

/** A refusal inside a lookup: Node then fails the connection before it is made. */
export class RefusedAddress extends Error {
  readonly code = 'PARLEY_REFUSED_ADDRESS';

  constructor(address: string, why: string, host = address) {
    const named = host === address ? address : `${host} resolves to ${address}`;
    super(`${named}, ${why}: account-set URLs may not reach it (PARLEY_CALLBACK_ALLOW_PRIVATE)`);
    this.name = 'RefusedAddress';
  }
}

/** `lookup`, failing instead when any address it answers may not be reached. */
export function guardedLookup(lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (err, address, family) => {
      if (err !== null) return callback(err, address, family);
      // With `all` (Node's default happy-eyeballs connect) every answer may be tried: all must pass.
      const answers = typeof address === 'string' ? [address] : address.map((entry) => entry.address);
      for (const answer of answers) {
        const why = refusedAddress(answer);
        if (why !== null) return callback(new RefusedAddress(answer, why, hostname), address, family);
      }
      callback(null, address, family);
    });
  };
}
