// The operator's documents stay true to the code: the environment file in docs/deploying.md is a
// configuration Parley accepts, every variable the guides name is in the README's Configuration
// table, and every metric an alert rule, the deployment guide or the Grafana dashboard queries is
// one a real /metrics scrape declares (a renamed metric would otherwise leave an alert silent).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { METRICS_ON, scrape } from '../helpers/metrics.js';

const deploying = readFileSync('docs/deploying.md', 'utf8');
const metricsDoc = readFileSync('docs/metrics.md', 'utf8');
const dashboard = readFileSync('docs/grafana/parley-dashboard.json', 'utf8');
const readme = readFileSync('README.md', 'utf8');

let app: TestApp;
before(async () => {
  app = await startTestApp(METRICS_ON);
});
after(() => app.close());

/** The `KEY=value` lines of the guide's /etc/parley/parley.env block, placeholders made concrete. */
function environmentFile(): Record<string, string> {
  const block = /`\/etc\/parley\/parley\.env`[^\n]*\n\n```sh\n([\s\S]*?)```/.exec(deploying);
  assert.ok(block, 'docs/deploying.md shows /etc/parley/parley.env');
  const env: Record<string, string> = {};
  for (const line of block[1]!.split('\n')) {
    const assignment = /^([A-Z_]+)=(\S*)/.exec(line);
    if (assignment === null) continue;
    const [, name, value] = assignment as unknown as [string, string, string];
    // `AC…` and `…` stand for the reader's own SIDs and secrets.
    env[name] = value.startsWith('AC…') ? `AC${'f'.repeat(32)}` : value === '…' ? 'a-secret-of-twenty-four-chars' : value;
  }
  return env;
}

test("the deployment guide's environment file is a configuration Parley starts with", () => {
  const env = environmentFile();
  assert.ok(Object.keys(env).length >= 10, 'the block was read');
  const config = loadConfig(env);
  assert.equal(config.carrier, 'twilio');
  assert.equal(config.publicUrl, 'https://proxy.example.com');
  assert.equal(config.host, '127.0.0.1');
  assert.notEqual(config.metricsToken, null);
  assert.equal(config.shutdownDrainMs, 5000);
});

test('every variable the operator guides name is in the README Configuration table', () => {
  const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('### Health checks and shutdown'));
  for (const [doc, text] of [
    ['docs/deploying.md', deploying],
    ['docs/metrics.md', metricsDoc],
  ] as const) {
    for (const [name] of text.matchAll(/\b(?:PARLEY|DATABASE)_[A-Z_]+[A-Z]\b/g)) {
      assert.ok(table.includes(`\`${name}\``), `${doc} names ${name}, which the README's table does not list`);
    }
  }
});

test('every metric the alerts, the guide and the dashboard query is one /metrics declares', async () => {
  const declared = (await scrape(app)).types;
  const families = (text: string) =>
    new Set([...text.matchAll(/\b(?:parley|http_server)_[a-z_]+[a-z]\b/g)].map(([name]) => name.replace(/_(bucket|count|sum)$/, '')));
  for (const [doc, text] of [
    ['docs/deploying.md', deploying],
    ['docs/metrics.md', metricsDoc],
    ['docs/grafana/parley-dashboard.json', dashboard],
  ] as const) {
    const named = families(text);
    assert.ok(named.size > 0, `${doc} names metrics`);
    for (const family of named) {
      assert.ok(declared.has(family), `${doc} queries ${family}, which /metrics does not declare`);
    }
  }
});
