import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDate, parseDateTime } from '../../src/common/dates.js';

test('formatDate drops milliseconds and always ends in Z', () => {
  assert.equal(formatDate(Date.UTC(2030, 0, 2, 3, 4, 5, 678)), '2030-01-02T03:04:05Z');
  assert.equal(formatDate(null), null);
});

test('formatDate gives what toISOString gives, without the milliseconds', () => {
  const reference = (ms: number) => new Date(ms).toISOString().slice(0, 19) + 'Z';
  const edges = [
    0,
    999,
    1000,
    86_399_999,
    86_400_000,
    Date.UTC(2000, 1, 29, 23, 59, 59),
    Date.UTC(2100, 2, 1),
    Date.UTC(9999, 11, 31, 23, 59, 59, 999),
  ];
  const outside = [-1, -86_400_001, Date.UTC(10_000, 0, 1), Date.UTC(-1, 0, 1)];
  for (const ms of [...edges, ...outside]) assert.equal(formatDate(ms), reference(ms), String(ms));
  // Every day of four centuries (leap years and the century rules), at a random time of day.
  for (let day = 0; day < 146_097; day++) {
    const ms = Date.UTC(1970, 0, 1) + day * 86_400_000 + Math.floor(Math.random() * 86_400_000);
    assert.equal(formatDate(ms), reference(ms), String(ms));
  }
});

test('parseDateTime accepts what the official clients send', () => {
  const instant = Date.UTC(2030, 0, 2, 3, 4, 5);
  assert.equal(parseDateTime('2030-01-02T03:04:05Z'), instant); // twilio-node, twilio-python
  assert.equal(parseDateTime('2030-01-02T05:04:05+02:00'), instant); // a string passed through
  assert.equal(parseDateTime('2030-01-02T05:04:05+0200'), instant);
  assert.equal(parseDateTime('2030-01-02T03:04:05.678Z'), instant + 678);
  assert.equal(parseDateTime('2030-01-02T03:04:05'), instant); // no offset: UTC
  assert.equal(parseDateTime('2030-01-02'), Date.UTC(2030, 0, 2)); // python date
});

test('parseDateTime rejects what is not a real instant', () => {
  for (const text of ['', 'tomorrow', '2030-02-31T00:00:00Z', '2030-13-01T00:00:00Z', '2030-01-02T24:00:00Z', '1700000000', '2030-1-2']) {
    assert.equal(parseDateTime(text), null, text);
  }
});
