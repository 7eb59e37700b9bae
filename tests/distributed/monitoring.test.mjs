// Monitoring with a real Prometheus: it scrapes every process of a distributed stack (the api
// copies' /metrics, the worker's and the reconciler's exporters, RabbitMQ's plugin) and its
// queries agree with what happened: every target up, the votes accepted by the api copies and
// counted by the worker equal the votes cast, the reconciler reports no drift. Then every panel
// of the Grafana dashboards (deploy/grafana/dashboards/*.json) returns data after that vote
// stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createPoll, fetchChallenge, openPoll, repoRoot, vote } from '../lib/harness.mjs';
import { eventually, stackJobs, startPrometheus } from '../lib/monitoring.mjs';
import { startStack } from '../lib/stack.mjs';

const VOTES = 12;
const HUMAN_PACE = 5;

/** Every panel query of the dashboards, with Grafana's variables as Grafana would fill them. */
function dashboardQueries() {
  const dir = join(repoRoot, 'deploy', 'grafana', 'dashboards');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).flatMap((file) => {
    const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    return json.panels.flatMap((panel) => panel.targets.map((t) => ({
      where: `${json.uid} / ${panel.title} / ${t.refId}`,
      expr: t.expr.replaceAll('$__rate_interval', '1m').replaceAll('$poll', '.+'),
    })));
  });
}

test('Prometheus scrapes every process, its numbers agree with the votes cast, and every dashboard query returns data', { timeout: 180000 }, async () => {
  // The edge on, with a low human pace, so that the edge's panels have a network past it.
  const stack = await startStack({ edge: true, args: ['--human-pace', String(HUMAN_PACE)] });
  let prometheus;
  try {
    const jobs = stackJobs(stack);
    assert.ok(jobs.worker.every((t) => !t.endsWith(':0')) && jobs.reconcile.every((t) => !t.endsWith(':0')),
      'the back-end processes serve /metrics');
    prometheus = await startPrometheus(jobs);

    const poll = await createPoll(stack, { title: 'Monitorado', candidates: [{ name: 'Ana' }, { name: 'Bia' }] });
    await openPoll(stack, poll.id);
    for (let i = 0; i < VOTES; i++) {
      assert.equal((await vote(stack, poll.id, poll.candidates[i % 2].id)).status, 202);
    }
    // A refused vote (a payload that is no solution) and challenges past the human pace.
    const refused = await fetch(`${stack.url}/api/v1/polls/${poll.id}/votes`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ candidate_id: poll.candidates[0].id, altcha: 'bm90IGEgc29sdXRpb24=' }),
    });
    assert.equal(refused.status, 422);
    for (let i = 0; i < HUMAN_PACE * 2; i++) await fetchChallenge(stack, poll.id);

    await eventually('every target up', async () => {
      const up = await prometheus.query('up');
      return (up.length === 5 && up.every((s) => s.value[1] === '1')) || JSON.stringify(up.map((s) => [s.metric.job, s.metric.instance, s.value[1]]));
    });
    await eventually('the votes accepted by the api copies', async () => {
      const r = await prometheus.query('sum(paredao_votes_accepted_total)');
      return r[0]?.value[1] === String(VOTES) || JSON.stringify(r);
    });
    await eventually('the votes counted by the worker', async () => {
      const r = await prometheus.query('sum(paredao_worker_votes_total)');
      return r[0]?.value[1] === String(VOTES) || JSON.stringify(r);
    });
    await eventually('the votes by participant, as the shared counts hold them', async () => {
      const r = await prometheus.query(`max by (candidate) (paredao_poll_votes{poll_id="${poll.id}"})`);
      const got = Object.fromEntries(r.map((s) => [s.metric.candidate, s.value[1]]));
      return (got.Ana === String(VOTES / 2) && got.Bia === String(VOTES / 2)) || JSON.stringify(got);
    });
    await eventually('no drift found by the reconciler', async () => {
      const r = await prometheus.query(`paredao_reconcile_drift_votes{poll_id="${poll.id}"}`);
      return r[0]?.value[1] === '0' || JSON.stringify(r);
    });
    const latency = await prometheus.query('sum(paredao_http_request_duration_seconds_count{job="api"})');
    assert.ok(Number(latency[0]?.value[1]) >= VOTES * 2, 'request latencies are recorded');

    const queries = dashboardQueries();
    assert.ok(queries.length >= 30, `${queries.length} dashboard queries`);
    await eventually('every dashboard query returns data', async () => {
      const empty = [];
      for (const { where, expr } of queries) {
        if ((await prometheus.query(expr)).length === 0) empty.push(where);
      }
      return empty.length === 0 || `no data: ${empty.join('; ')}`;
    });
  } finally {
    await prometheus?.stop();
    await stack.stop();
    stack.cleanup();
  }
});
