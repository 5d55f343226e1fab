// Telnyx's ids are not Twilio SIDs: a message's is a UUID, a TeXML call's a `v3:…` call control id.
// The Interaction's inbound_resource_sid and outbound_resource_sid are SIDs on the wire (Twilio's
// spec: two letters and 32 hex digits), which clients generated from it may check. So the SID is
// made from the id: SM or CA and the UUID's own 32 hex digits (the Telnyx id can be read back from
// it), or, for an id that is no UUID, the first 32 hex digits of its SHA-256 (stable, and as
// unlikely to collide as a random SID). Either way the same id always gives the same SID, so a
// later report finds its leg; the leg's *_resource_url names the Telnyx resource by its own id.

import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function telnyxSid(prefix: 'SM' | 'CA', id: string): string {
  const hex = UUID.test(id) ? id.replace(/-/g, '').toLowerCase() : createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 32);
  return prefix + hex;
}
