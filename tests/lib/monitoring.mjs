// The monitoring of a test stack, on the real tools: Debian's Prometheus scraping every process
// with the repository's rules (deploy/prometheus/paredao.rules.yml), Debian's Alertmanager
// delivering to a webhook receiver in the test. Everything listens on 127.0.0.1, in a temporary
// directory that stop() removes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './harness.mjs';
import { serverUrls } from './stack.mjs';

export const RULES_FILE = join(repoRoot, 'deploy', 'prometheus', 'paredao.rules.yml');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

/** Polls `check` every half second until it returns true; fails with its last answer. */
export async function eventually(what, check, timeoutMs = 30000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const last = await check();
    if (last === true) return;
    if (Date.now() > until) assert.fail(`${what}: ${last}`);
    await sleep(500);
  }
}

/** The jobs of deploy/prometheus/prometheus.yml for a startStack() deployment and the broker. */
export function stackJobs(stack) {
  return {
    api: stack.backends.map((b) => b.replace('http://', '')),
    worker: stack.workers.map((w) => `127.0.0.1:${w.ready.metrics_port}`),
    reconcile: stack.reconcilers.map((r) => `127.0.0.1:${r.ready.metrics_port}`),
    rabbitmq: [serverUrls().rabbitmqMetrics],
  };
}

function spawnLogged(command, args) {
  const proc = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const exited = new Promise((res) => proc.once('exit', res));
  return { proc, exited, stderr: () => stderr };
}

async function awaitReady(name, url, server) {
  await eventually(`${name} ready`, async () => {
    if (server.proc.exitCode !== null) return `${name} exited: ${server.stderr()}`;
    try { return (await fetch(url)).status === 200 || 'not ready'; } catch (e) { return `${e.message} ${server.stderr()}`; }
  });
}

/**
 * Prometheus scraping `jobs` ({name: [host:port, …]}) every second, evaluating the rules every
 * second; with `alertmanager` (host:port), sending it the alerts.
 */
export async function startPrometheus(jobs, { rules = [RULES_FILE], alertmanager } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'paredao-prometheus-'));
  const list = (targets) => `[${targets.map((t) => `'${t}'`).join(', ')}]`;
  const lines = [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    `rule_files: ${list(rules)}`,
  ];
  if (alertmanager) lines.push(`alerting: { alertmanagers: [{ static_configs: [{ targets: ['${alertmanager}'] }] }] }`);
  lines.push('scrape_configs:');
  for (const [job, targets] of Object.entries(jobs)) {
    lines.push(`  - job_name: ${job}`);
    // RabbitMQ per queue, as deploy/prometheus/prometheus.yml scrapes it.
    if (job === 'rabbitmq') {
      lines.push('    metrics_path: /metrics/detailed',
        "    params: { vhost: ['/'], family: [queue_coarse_metrics, queue_consumer_count] }");
    }
    lines.push(`    static_configs: [{ targets: ${list(targets)} }]`);
  }
  writeFileSync(join(dir, 'prometheus.yml'), `${lines.join('\n')}\n`);
  const port = await freePort();
  const server = spawnLogged('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ]);
  const base = `http://127.0.0.1:${port}`;
  await awaitReady('Prometheus', `${base}/-/ready`, server);
  return {
    base,
    /** An instant query's result vector (status success asserted). */
    async query(promql) {
      const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = await res.json();
      assert.equal(body.status, 'success', `${promql}: ${JSON.stringify(body)}`);
      return body.data.result;
    },
    /** The alerts Prometheus holds now (pending and firing). */
    async alerts() {
      const body = await (await fetch(`${base}/api/v1/alerts`)).json();
      return body.data.alerts;
    },
    async stop() {
      server.proc.kill('SIGTERM');
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A webhook receiver (what an incident tool would be) and Alertmanager delivering to it at once:
 * every notification, firing or resolved, lands in `notifications`.
 */
export async function startAlertmanager() {
  const notifications = [];
  const receiver = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      try { notifications.push({ at: Date.now(), ...JSON.parse(body) }); } catch { /* not JSON: ignored */ }
      res.end();
    });
  });
  await new Promise((res) => receiver.listen(0, '127.0.0.1', res));
  const dir = mkdtempSync(join(tmpdir(), 'paredao-alertmanager-'));
  writeFileSync(join(dir, 'alertmanager.yml'), [
    'route:',
    '  receiver: test',
    '  group_by: [alertname]',
    '  group_wait: 0s',
    '  group_interval: 1s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: test',
    '    webhook_configs:',
    `      - url: http://127.0.0.1:${receiver.address().port}/alerts`,
    '        send_resolved: true',
    '',
  ].join('\n'));
  const port = await freePort();
  const server = spawnLogged('prometheus-alertmanager', [
    `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn',
  ]);
  await awaitReady('Alertmanager', `http://127.0.0.1:${port}/-/ready`, server);
  return {
    address: `127.0.0.1:${port}`,
    notifications,
    /**
     * Waits for a notification of `alertname` with `status` (firing, resolved) whose labels
     * include `labels`, received after `since` (ms); returns the alert and when it arrived.
     */
    async waitFor(alertname, status, { since = 0, labels = {}, timeoutMs = 60000 } = {}) {
      let found;
      await eventually(`${alertname} ${status} delivered by Alertmanager`, () => {
        for (const n of notifications) {
          if (n.at < since) continue;
          const alert = n.alerts.find((a) => a.status === status && a.labels.alertname === alertname &&
            Object.entries(labels).every(([k, v]) => a.labels[k] === v));
          if (alert) { found = { alert, at: n.at }; return true; }
        }
        return `received: ${JSON.stringify(notifications.filter((n) => n.at >= since)
          .flatMap((n) => n.alerts.map((a) => `${a.labels.alertname} ${a.status}`)))}`;
      }, timeoutMs);
      return found;
    },
    async stop() {
      server.proc.kill('SIGTERM');
      await server.exited;
      await new Promise((res) => receiver.close(res));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
