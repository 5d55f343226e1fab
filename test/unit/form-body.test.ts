import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../src/errors/api-error.js';
import { parseForm, parseFormBuffer } from '../../src/http/form-body.js';

test("decodes both clients' encodings and keeps repeated keys as lists", () => {
  const node = parseForm('Body=hello%20%E2%9C%93%20%26%20%3D&MediaUrl=a&MediaUrl=b');
  const python = parseForm('Body=hello+%E2%9C%93+%26+%3D&MediaUrl=a&MediaUrl=b');
  assert.deepEqual({ ...node }, { Body: 'hello ✓ & =', MediaUrl: ['a', 'b'] });
  assert.deepEqual({ ...python }, { ...node });
});

test('treats keys without values as empty and prototype names as plain keys', () => {
  const fields = parseForm('Ttl=&Flag&__proto__=x&constructor=y');
  assert.equal(fields.Ttl, '');
  assert.equal(fields.Flag, '');
  assert.equal(fields['__proto__'], 'x');
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('rejects malformed percent-encoding and invalid UTF-8 with 70002', () => {
  assert.throws(
    () => parseForm('A=%zz'),
    (err: unknown) => err instanceof ApiError && err.code === 70002,
  );
  assert.throws(
    () => parseForm('A=%E2%9C'),
    (err: unknown) => err instanceof ApiError && err.code === 70002,
  );
  assert.throws(
    () => parseFormBuffer(Buffer.from([0x41, 0x3d, 0xff, 0xfe])),
    (err: unknown) => err instanceof ApiError && err.status === 400,
  );
});
