// The alerting rules' own tests cover every alert: for each alert of
// deploy/prometheus/paredao.rules.yml, the promtool tests (deploy/prometheus/tests/, run by
// `make rules-test`) hold a case where it fires and one where it does not, and each alert names
// a runbook section that docs/operations.md has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../lib/harness.mjs';

const prometheusDir = join(repoRoot, 'deploy', 'prometheus');
const rules = parse(readFileSync(join(prometheusDir, 'paredao.rules.yml'), 'utf8'));
const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert);
const cases = readdirSync(join(prometheusDir, 'tests')).filter((f) => f.endsWith('.test.yml'))
  .flatMap((f) => parse(readFileSync(join(prometheusDir, 'tests', f), 'utf8')).tests)
  .flatMap((t) => t.alert_rule_test ?? []);

test('every alert has a promtool case where it fires and one where it does not', () => {
  assert.ok(alerts.length >= 20, `${alerts.length} alerts`);
  for (const { alert } of alerts) {
    const mine = cases.filter((c) => c.alertname === alert);
    assert.ok(mine.some((c) => (c.exp_alerts ?? []).length > 0), `${alert}: no case where it fires`);
    assert.ok(mine.some((c) => (c.exp_alerts ?? []).length === 0), `${alert}: no case where it does not fire`);
  }
});

test('every alert has a severity and a runbook section in docs/operations.md', () => {
  const operations = readFileSync(join(repoRoot, 'docs', 'operations.md'), 'utf8');
  // GitHub's anchors: the heading lower-cased.
  const anchors = new Set([...operations.matchAll(/^#+ (.+)$/gm)].map((m) => m[1].trim().toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, '').replace(/ /g, '-')));
  for (const { alert, labels, annotations } of alerts) {
    assert.match(labels?.severity ?? '', /^(critical|warning)$/, alert);
    const anchor = annotations?.runbook?.split('#')[1];
    assert.equal(anchor, alert.toLowerCase(), `${alert}: runbook ${annotations?.runbook}`);
    assert.ok(anchors.has(anchor), `${alert}: docs/operations.md has no heading "${alert}"`);
  }
});
