// The alerts, live: a distributed stack scraped by a real Prometheus with the repository's rules
// (deploy/prometheus/paredao.rules.yml, as operators deploy them: the same `for` durations and
// windows), delivering to a real Alertmanager, delivering to a webhook receiver here. Each
// failure an operator fears on the night reaches the receiver within a stated time, and its
// resolution follows the recovery:
//   every worker killed        → ParedaoNoWorker        within 40 s; resolved within 30 s
//   a flood past the limits    → ParedaoRateLimited     within 60 s; resolved within 90 s
//   Redis stopped              → ParedaoCountsStale     within 40 s; resolved within 40 s
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createPoll, openPoll, repoRoot, vote } from '../lib/harness.mjs';
import { eventually, stackJobs, startAlertmanager, startPrometheus } from '../lib/monitoring.mjs';
import { startStack } from '../lib/stack.mjs';

const servers = (...args) => promisify(execFile)(join(repoRoot, 'deploy', 'local', 'servers.sh'), args);
const LIMIT = 30;

test('failures reach Alertmanager within a stated time and resolve after recovery', { timeout: 600000 }, async (t) => {
  // The edge on, with low limits so that a short flood passes them.
  const stack = await startStack({
    edge: true, args: ['--challenge-limit', String(LIMIT), '--vote-limit', String(LIMIT)],
  });
  const alertmanager = await startAlertmanager();
  const prometheus = await startPrometheus(stackJobs(stack), { alertmanager: alertmanager.address });
  try {
    const poll = await createPoll(stack, { title: 'Alertas', candidates: [{ name: 'Ana' }, { name: 'Bia' }] });
    await openPoll(stack, poll.id);
    assert.equal((await vote(stack, poll.id, poll.candidates[0].id)).status, 202);
    await eventually('every target scraped', async () => {
      const up = await prometheus.query('up == 1');
      return up.length === 5 || JSON.stringify(up.map((s) => s.metric.job));
    });
    // Nothing of ours pending or firing while all is well (once an evaluation has seen every
    // target: one that ran before the first scrapes may have left a pending ParedaoNoWorker).
    const ours = ['ParedaoNoWorker', 'ParedaoRateLimited', 'ParedaoCountsStale', 'ParedaoNoApiReady'];
    await eventually('no alert of ours before any failure', async () => {
      const active = (await prometheus.alerts()).filter((a) => ours.includes(a.labels.alertname));
      return active.length === 0 || JSON.stringify(active.map((a) => [a.labels.alertname, a.state]));
    }, 10000);

    await t.test('every worker killed', async () => {
      const killedAt = Date.now();
      await stack.workers[0].kill();
      const fired = await alertmanager.waitFor('ParedaoNoWorker', 'firing', { since: killedAt, timeoutMs: 40000 });
      assert.equal(fired.alert.labels.severity, 'critical');
      assert.match(fired.alert.annotations.runbook, /operations\.md#paredaonoworker$/);
      const restartedAt = Date.now();
      await stack.restartWorker(0);
      await alertmanager.waitFor('ParedaoNoWorker', 'resolved', { since: restartedAt, timeoutMs: 30000 });
      console.log(`ParedaoNoWorker: fired ${(fired.at - killedAt) / 1000} s after the kill`);
    });

    await t.test('a flood past the limits', async () => {
      const floodAt = Date.now();
      const statuses = [];
      for (let i = 0; i < 6 * LIMIT; i++) {
        statuses.push((await fetch(`${stack.url}/api/v1/polls/${poll.id}/challenge`)).status);
      }
      assert.ok(statuses.filter((s) => s === 429).length >= 4 * LIMIT, `429s: ${statuses.join(' ')}`);
      const fired = await alertmanager.waitFor('ParedaoRateLimited', 'firing', { since: floodAt, timeoutMs: 60000 });
      assert.equal(fired.alert.labels.severity, 'warning');
      assert.match(fired.alert.annotations.summary, /% of challenges and votes answered 429$/);
      // Resolved once the flood has left the one-minute window.
      await alertmanager.waitFor('ParedaoRateLimited', 'resolved', { since: fired.at, timeoutMs: 90000 });
      console.log(`ParedaoRateLimited: fired ${(fired.at - floodAt) / 1000} s after the flood began`);
    });

    await t.test('Redis stopped', async () => {
      const stoppedAt = Date.now();
      await servers('stop-one', 'redis');
      let fired;
      try {
        fired = await alertmanager.waitFor('ParedaoCountsStale', 'firing', { since: stoppedAt, timeoutMs: 40000 });
        // Every copy's counts froze: one alert per copy.
        await alertmanager.waitFor('ParedaoCountsStale', 'firing', {
          since: stoppedAt, labels: { instance: stack.backends[1].replace('http://', '') }, timeoutMs: 10000,
        });
      } finally {
        await servers('start-one', 'redis');
      }
      const restartedAt = Date.now();
      await alertmanager.waitFor('ParedaoCountsStale', 'resolved', { since: restartedAt, timeoutMs: 40000 });
      console.log(`ParedaoCountsStale: fired ${(fired.at - stoppedAt) / 1000} s after Redis stopped`);
    });
  } finally {
    await prometheus.stop();
    await alertmanager.stop();
    await servers('start-one', 'redis').catch(() => {});
    await stack.stop();
    stack.cleanup();
  }
});
