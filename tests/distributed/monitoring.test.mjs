// Monitoring with a real Prometheus: it scrapes every process of a distributed stack (the api
// copies' /metrics, the worker's and the reconciler's exporters) and its queries agree with what
// happened: every target up, the votes accepted by the api copies and counted by the worker equal
// the votes cast, and the reconciler reports no drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPoll, openPoll, vote } from '../lib/harness.mjs';
import { startStack } from '../lib/stack.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const VOTES = 12;

async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

async function query(base, promql) {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = await res.json();
  assert.equal(body.status, 'success', JSON.stringify(body));
  return body.data.result;
}

async function eventually(what, check, timeoutMs = 30000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const last = await check();
    if (last === true) return;
    if (Date.now() > until) assert.fail(`${what}: ${last}`);
    await sleep(500);
  }
}

test('Prometheus scrapes every process and its numbers agree with the votes cast', { timeout: 120000 }, async () => {
  const stack = await startStack();
  const dir = mkdtempSync(join(tmpdir(), 'paredao-prometheus-'));
  let prometheus;
  try {
    const workerPort = stack.workers[0].ready.metrics_port;
    const reconcilerPort = stack.reconcilers[0].ready.metrics_port;
    assert.ok(workerPort > 0 && reconcilerPort > 0, 'the back-end processes serve /metrics');
    const targets = (list) => list.map((t) => `'${t}'`).join(', ');
    writeFileSync(join(dir, 'prometheus.yml'), [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      `  - job_name: api\n    static_configs: [{ targets: [${targets(stack.backends.map((b) => b.replace('http://', '')))}] }]`,
      `  - job_name: worker\n    static_configs: [{ targets: ['127.0.0.1:${workerPort}'] }]`,
      `  - job_name: reconcile\n    static_configs: [{ targets: ['127.0.0.1:${reconcilerPort}'] }]`,
      '',
    ].join('\n'));
    const port = await freePort();
    prometheus = spawn('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    prometheus.stderr.on('data', (d) => { stderr += d; });
    const base = `http://127.0.0.1:${port}`;
    await eventually('Prometheus ready', async () => {
      try { return (await fetch(`${base}/-/ready`)).status === 200 || 'not ready'; } catch (e) { return `${e} ${stderr}`; }
    });

    const poll = await createPoll(stack, { title: 'Monitorado', candidates: [{ name: 'Ana' }, { name: 'Bia' }] });
    await openPoll(stack, poll.id);
    for (let i = 0; i < VOTES; i++) {
      assert.equal((await vote(stack, poll.id, poll.candidates[i % 2].id)).status, 202);
    }

    await eventually('every target up', async () => {
      const up = await query(base, 'up');
      return (up.length === 4 && up.every((s) => s.value[1] === '1')) || JSON.stringify(up.map((s) => [s.metric.job, s.metric.instance, s.value[1]]));
    });
    await eventually('the votes accepted by the api copies', async () => {
      const r = await query(base, 'sum(paredao_votes_accepted_total)');
      return r[0]?.value[1] === String(VOTES) || JSON.stringify(r);
    });
    await eventually('the votes counted by the worker', async () => {
      const r = await query(base, 'sum(paredao_worker_votes_total)');
      return r[0]?.value[1] === String(VOTES) || JSON.stringify(r);
    });
    await eventually('no drift found by the reconciler', async () => {
      const r = await query(base, `paredao_reconcile_drift_votes{poll_id="${poll.id}"}`);
      return r[0]?.value[1] === '0' || JSON.stringify(r);
    });
    const latency = await query(base, 'sum(paredao_http_request_duration_seconds_count{job="api"})');
    assert.ok(Number(latency[0]?.value[1]) >= VOTES * 2, 'request latencies are recorded');
  } finally {
    prometheus?.kill('SIGTERM');
    await stack.stop();
    stack.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
