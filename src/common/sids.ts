import { randomBytes } from 'node:crypto';

// Drawing 16 random bytes at a time costs a call into OpenSSL per SID; draw 4 KiB at once.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/** Twilio-style SID: a two-letter prefix and 32 lowercase hex digits (128 random bits). */
export function newSid(prefix: string): string {
  if (offset + 16 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + 16);
  offset += 16;
  return prefix + hex;
}

export function isSid(prefix: string, value: string): boolean {
  return value.length === 34 && value.startsWith(prefix) && /^[0-9a-fA-F]{32}$/.test(value.slice(2));
}
