// GET /metrics as Prometheus reads it: scrape with the bearer token, parse the text exposition
// format (0.0.4) strictly (every sample belongs to a family declared by # HELP and # TYPE, label
// values are quoted and escaped, values are numbers), and look samples up by name and labels.

import assert from 'node:assert/strict';
import type { TestApp } from './app.js';

export const METRICS_TOKEN = 'test-metrics-token-0123456789';
/** startTestApp's env for metrics on; options.metricsCacheMs 0 makes every scrape read the database afresh. */
export const METRICS_ON = { PARLEY_METRICS_TOKEN: METRICS_TOKEN };
export const FRESH = { metricsCacheMs: 0 };

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** The exposition as served. */
  text: string;
  samples: Sample[];
  /** Metric family name → its TYPE. */
  types: Map<string, string>;
  /** The value of the one sample with this name and exactly these labels; undefined when there is none. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** The sum of every sample of this name whose labels include these. */
  sum(name: string, labels?: Record<string, string>): number;
}

export async function scrape(t: TestApp, token = METRICS_TOKEN): Promise<Exposition> {
  const response = await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  assert.match(String(response.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
  return parseExposition(text);
}

/** Label values that are (or hold) a phone number or a SID of any kind, but those `allowed` matches whole. */
export function leakedLabels(exposition: Exposition, allowed: RegExp | null = null): string[] {
  return exposition.samples
    .flatMap((sample) => Object.values(sample.labels))
    .filter((value) => !(allowed?.test(value) ?? false) && (/\d{7,}/.test(value) || /[A-Z]{2}[0-9a-f]{32}/.test(value)));
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
// Values as Go's ParseFloat (Prometheus' parser) reads them: NaN and Inf in any case (prom-client writes `Nan`).
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? ([-+]?(?:[0-9.]+(?:e[-+]?[0-9]+)?|inf|nan))$`, 'i');
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\["\\n])*)"(,|$)/y;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

export function parseExposition(text: string): Exposition {
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const helped = new Set<string>();
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta !== null) {
      if (meta[1] === 'HELP') helped.add(meta[2]!);
      else {
        assert.match(meta[3]!, /^(counter|gauge|histogram|summary|untyped)$/, line);
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const match = SAMPLE.exec(line);
    assert.ok(match !== null, `not a sample line: ${line}`);
    const [, name, rawLabels = '', value] = match;
    const family = familyOf(name!, types);
    assert.ok(family !== undefined && helped.has(family), `${name} has no # HELP and # TYPE`);
    samples.push({ name: name!, labels: parseLabels(rawLabels, line), value: numberOf(value!) });
  }
  const matches = (s: Sample, labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => s.labels[k] === v);
  return {
    text,
    samples,
    types,
    value(name, labels = {}) {
      const found = samples.filter(
        (s) => s.name === name && matches(s, labels) && Object.keys(s.labels).length === Object.keys(labels).length,
      );
      assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} is given ${found.length} times`);
      return found[0]?.value;
    },
    sum: (name, labels = {}) => samples.filter((s) => s.name === name && matches(s, labels)).reduce((total, s) => total + s.value, 0),
  };
}

function numberOf(text: string): number {
  if (/^nan$/i.test(text)) return NaN;
  return /inf$/i.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  const suffix = SUFFIXES.find((s) => name.endsWith(s) && types.has(name.slice(0, -s.length)));
  return suffix === undefined ? undefined : name.slice(0, -suffix.length);
}

function parseLabels(raw: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < raw.length) {
    const match = LABEL.exec(raw);
    assert.ok(match !== null, `bad labels in: ${line}`);
    labels[match[1]!] = match[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}
