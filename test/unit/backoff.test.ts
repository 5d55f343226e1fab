// The background jobs' backoff during a storage fault, driven by a fake clock: which ticks run,
// how long the pauses are, and which lines it logs.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { Backoff } from '../../src/jobs/backoff.js';

interface Line {
  level: 'info' | 'warn';
  fields: Record<string, unknown>;
  msg: string;
}

function setUp() {
  const lines: Line[] = [];
  const record = (level: Line['level']) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, fields, msg });
  const log = { info: record('info'), warn: record('warn') } as unknown as FastifyBaseLogger;
  const clock = { now: 0 };
  const backoff = new Backoff({ job: 'test job', log, now: () => clock.now });
  return { lines, clock, backoff, messages: () => lines.map((line) => line.msg) };
}

/** Ticks every `everyMs` until `untilMs`; a tick that runs fails. Returns the times that ran. */
function tickFailing(s: ReturnType<typeof setUp>, everyMs: number, untilMs: number): number[] {
  const ran: number[] = [];
  for (; s.clock.now <= untilMs; s.clock.now += everyMs) {
    if (!s.backoff.ready()) continue;
    ran.push(s.clock.now);
    s.backoff.failed(new Error('disk full'));
  }
  return ran;
}

describe('Backoff', () => {
  test('healthy: every tick runs and nothing is logged', () => {
    const s = setUp();
    for (let i = 0; i < 100; i++) {
      assert.equal(s.backoff.ready(), true);
      s.backoff.succeeded();
      s.clock.now += 50;
    }
    assert.deepEqual(s.lines, []);
  });

  test('failing: pauses of 1 s, 2 s, 4 s … capped at 60 s, one line each', () => {
    const s = setUp();
    const ran = tickFailing(s, 50, 200_000);
    assert.deepEqual(ran, [0, 1000, 3000, 7000, 15_000, 31_000, 63_000, 123_000, 183_000]);
    assert.equal(s.lines.length, ran.length, 'one line per pause, not one per tick');
    assert.equal(s.lines[0]!.msg, 'test job failed');
    assert.equal((s.lines[0]!.fields.err as Error).message, 'disk full', 'the first line carries the original error');
    assert.ok(s.lines.slice(1).every((line) => line.msg === 'test job still failing' && line.fields.error === 'disk full'));
    assert.deepEqual(
      s.lines.map((line) => line.fields.pauseMs),
      [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000],
    );
    assert.ok(s.lines.every((line) => line.level === 'warn'));
  });

  test('failures inside a pause (explicit passes) log nothing more and do not lengthen it', () => {
    const s = setUp();
    s.backoff.failed(new Error('read-only'));
    for (s.clock.now = 0; s.clock.now < 1000; s.clock.now += 10) s.backoff.failed(new Error('read-only'));
    assert.deepEqual(s.messages(), ['test job failed']);
    assert.equal(s.backoff.ready(), true, 'the pause still ends after 1 s');
  });

  test('a success logs "recovered" once and resets the pauses', () => {
    const s = setUp();
    tickFailing(s, 100, 3000);
    s.backoff.succeeded();
    s.backoff.succeeded();
    assert.deepEqual(s.messages(), ['test job failed', 'test job still failing', 'test job still failing', 'test job recovered']);
    const recovered = s.lines.at(-1)!;
    assert.equal(recovered.level, 'info');
    assert.equal(recovered.fields.failures, 3);
    assert.equal(recovered.fields.failingForMs, 3100);
    assert.equal(s.backoff.ready(), true);

    // A new fault starts again from a 1 s pause, with a first line of its own.
    s.lines.length = 0;
    const ran = tickFailing(s, 100, s.clock.now + 1000);
    assert.deepEqual(
      ran.map((at) => at - ran[0]!),
      [0, 1000],
    );
    assert.deepEqual(s.messages(), ['test job failed', 'test job still failing']);
  });
});
