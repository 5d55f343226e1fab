// docs/grafana/parley-dashboard.json imports into Grafana 10 as shipped: valid JSON, a
// ${DS_PROMETHEUS} data-source input every panel and query uses, panels on the grid, and only
// metrics docs/metrics.md documents (so a renamed metric cannot leave a panel empty).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const dashboard = JSON.parse(readFileSync('docs/grafana/parley-dashboard.json', 'utf8'));
const documented = readFileSync('docs/metrics.md', 'utf8');

test('the Grafana dashboard: one Prometheus input, used everywhere, documented metrics only', () => {
  assert.deepEqual(
    dashboard.__inputs.map((input: { name: string; pluginId: string }) => [input.name, input.pluginId]),
    [['DS_PROMETHEUS', 'prometheus']],
  );
  assert.ok(dashboard.schemaVersion >= 36, 'a Grafana 9/10 schema');
  const panels = dashboard.panels.filter((panel: { type: string }) => panel.type !== 'row');
  assert.ok(panels.length >= 12);
  const ids = new Set(dashboard.panels.map((panel: { id: number }) => panel.id));
  assert.equal(ids.size, dashboard.panels.length, 'panel ids are unique');
  for (const panel of panels) {
    assert.equal(panel.datasource.uid, '${DS_PROMETHEUS}', panel.title);
    assert.ok(panel.gridPos.x + panel.gridPos.w <= 24, panel.title);
    assert.ok(panel.targets.length > 0, panel.title);
    for (const target of panel.targets) {
      assert.equal(target.datasource.uid, '${DS_PROMETHEUS}', panel.title);
      for (const [name] of target.expr.matchAll(/\b(?:parley|http_server)_[a-z_]+/g)) {
        const family = name.replace(/_(bucket|count|sum)$/, '');
        assert.ok(documented.includes(`\`${family}\``), `${panel.title}: ${family} is in docs/metrics.md`);
      }
    }
  }
});
