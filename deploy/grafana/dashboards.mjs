#!/usr/bin/env node
// The source of Paredão's Grafana dashboards: writes deploy/grafana/dashboards/*.json (what
// Grafana provisions, docs/dashboards.md). Panels are described here once, so that every panel
// takes its datasource from the dashboard's variable and the three dashboards look alike.
//   node deploy/grafana/dashboards.mjs           write the JSON files
//   node deploy/grafana/dashboards.mjs --check   exit 1 when a JSON file differs from this source
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const RATE = '$__rate_interval';

/** A layout cursor: panels fill rows of 24 columns, left to right. */
function grid() {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return (w, h) => {
    if (x + w > 24) { x = 0; y += rowHeight; rowHeight = 0; }
    const pos = { h, w, x, y };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return pos;
  };
}

function targets(queries) {
  return queries.map(([expr, legendFormat], i) => ({
    datasource: DATASOURCE, expr, legendFormat, refId: String.fromCharCode(65 + i),
  }));
}

function dashboard({ uid, title, description, tags, panels, variables = [] }) {
  const place = grid();
  return {
    annotations: { list: [] },
    description,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    links: [
      { asDropdown: false, icon: 'dashboard', includeVars: true, keepTime: true, tags: ['paredao'],
        targetBlank: false, title: 'Paredão', tooltip: '', type: 'dashboards', url: '' },
    ],
    panels: panels.map((p, i) => ({
      id: i + 1,
      type: p.type,
      title: p.title,
      description: p.description,
      datasource: DATASOURCE,
      gridPos: place(p.w ?? 12, p.h ?? 8),
      fieldConfig: {
        defaults: {
          unit: p.unit ?? 'short',
          ...(p.min !== undefined ? { min: p.min } : {}),
          ...(p.thresholds ? { thresholds: { mode: 'absolute', steps: p.thresholds } } : {}),
          ...(p.type === 'timeseries' ? { custom: { stacking: { group: 'A', mode: p.stack ? 'normal' : 'none' } } } : {}),
        },
        overrides: [],
      },
      options: p.type === 'stat'
        ? { colorMode: 'value', graphMode: 'area', justifyMode: 'auto', reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, textMode: 'auto' }
        : p.type === 'bargauge'
          ? { displayMode: 'gradient', orientation: 'horizontal', reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } }
          : { legend: { calcs: ['lastNotNull', 'max'], displayMode: 'table', placement: 'right', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
      targets: targets(p.queries).map((t) => (p.instant ? { ...t, instant: true, range: false } : t)),
    })),
    refresh: '5s',
    schemaVersion: 42, // what @grafana/schema's Dashboard defaults to (tests/ops/dashboards.test.mjs)
    tags: ['paredao', ...tags],
    templating: {
      list: [
        {
          hide: 0, includeAll: false, label: 'Prometheus', multi: false,
          name: 'datasource', options: [], query: 'prometheus', refresh: 1, regex: '', type: 'datasource',
        },
        ...variables,
      ],
    },
    time: { from: 'now-1h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    title,
    uid,
    version: 1,
  };
}

const pollVariable = {
  current: { text: ['All'], value: ['$__all'] }, datasource: DATASOURCE,
  hide: 0, includeAll: true, allValue: '.+', label: 'Paredão', multi: true, name: 'poll',
  options: [], query: { query: 'label_values(paredao_poll_open, poll_id)', refId: 'poll' },
  refresh: 2, regex: '', sort: 1, type: 'query',
};

const night = dashboard({
  uid: 'paredao-night',
  title: 'Paredão — the night',
  description: 'The vote as the audience lives it: votes per second by participant, what is accepted and refused, how fast, and how fresh the counts are.',
  tags: ['night'],
  variables: [pollVariable],
  panels: [
    { type: 'stat', title: 'Votes per second', w: 6, h: 5, unit: 'reqps',
      queries: [[`sum(rate(paredao_votes_accepted_total{job="api"}[${RATE}]))`, 'accepted']] },
    { type: 'stat', title: 'Votes counted', w: 6, h: 5,
      description: 'Every copy reads the same shared counts: the max over copies.',
      queries: [['sum(max by (poll_id, candidate_id) (paredao_poll_votes{poll_id=~"$poll"}))', 'counted']] },
    { type: 'stat', title: 'API copies ready', w: 6, h: 5, min: 0,
      thresholds: [{ color: 'red', value: null }, { color: 'green', value: 1 }],
      queries: [['sum(paredao_ready{job="api"})', 'ready']] },
    { type: 'stat', title: 'Counts age (oldest copy)', w: 6, h: 5, unit: 's',
      thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 1 }, { color: 'red', value: 2 }],
      queries: [['max(paredao_counts_age_seconds{job="api"})', 'age']] },
    { type: 'timeseries', title: 'Votes per second by participant', w: 24, h: 9, unit: 'reqps', stack: true,
      description: 'From the shared counts (the max over copies, so that no vote shows twice).',
      queries: [[`max by (poll_id, candidate) (rate(paredao_poll_votes{poll_id=~"$poll"}[${RATE}]))`, '{{candidate}} ({{poll_id}})']] },
    { type: 'timeseries', title: 'Accepted, held and refused votes', unit: 'reqps',
      queries: [
        [`sum(rate(paredao_votes_accepted_total{job="api"}[${RATE}]))`, 'accepted (202)'],
        [`sum by (reason) (rate(paredao_votes_held_total{job="api"}[${RATE}]))`, 'held: {{reason}}'],
        [`sum by (reason) (rate(paredao_votes_refused_total{job="api"}[${RATE}]))`, 'refused: {{reason}}'],
      ] },
    { type: 'timeseries', title: 'Answers to votes by status (202 vs 503)', unit: 'reqps',
      queries: [[`sum by (status) (rate(paredao_http_requests_total{job="api", route="votes"}[${RATE}]))`, '{{status}}']] },
    { type: 'timeseries', title: 'Vote latency', unit: 's',
      description: 'From a complete request to its answer, and the group commit inside it.',
      queries: [
        [`histogram_quantile(0.5, sum by (le) (rate(paredao_http_request_duration_seconds_bucket{job="api", route="votes"}[${RATE}])))`, 'vote p50'],
        [`histogram_quantile(0.99, sum by (le) (rate(paredao_http_request_duration_seconds_bucket{job="api", route="votes"}[${RATE}])))`, 'vote p99'],
        [`histogram_quantile(0.99, sum by (le) (rate(paredao_vote_commit_seconds_bucket{job="api"}[${RATE}])))`, 'commit p99'],
      ] },
    { type: 'timeseries', title: 'Counts age by copy', unit: 's',
      queries: [['paredao_counts_age_seconds{job="api"}', '{{instance}}']] },
  ],
});

const pipeline = dashboard({
  uid: 'paredao-pipeline',
  title: 'Paredão — the pipeline',
  description: 'From the api copies through RabbitMQ to the workers, PostgreSQL and Redis, and the sync service that keeps them equal.',
  tags: ['pipeline'],
  panels: [
    { type: 'timeseries', title: 'Group commits per second (api)', unit: 'ops',
      queries: [
        [`sum(rate(paredao_vote_batch_size_count{job="api"}[${RATE}]))`, 'batches'],
        [`sum(rate(paredao_vote_batches_failed_total{job="api"}[${RATE}]))`, 'failed (votes answered 503)'],
      ] },
    { type: 'timeseries', title: 'Votes per batch (api)',
      queries: [
        [`histogram_quantile(0.5, sum by (le) (rate(paredao_vote_batch_size_bucket{job="api"}[${RATE}])))`, 'p50'],
        [`histogram_quantile(0.99, sum by (le) (rate(paredao_vote_batch_size_bucket{job="api"}[${RATE}])))`, 'p99'],
      ] },
    { type: 'timeseries', title: 'Queue depth', min: 0,
      description: 'RabbitMQ (rabbitmq_prometheus): votes waiting and being handled, and those set aside.',
      queries: [
        ['rabbitmq_detailed_queue_messages_ready{job="rabbitmq", queue=~".+\\\\.votes"}', '{{queue}} ready'],
        ['rabbitmq_detailed_queue_messages_unacked{job="rabbitmq", queue=~".+\\\\.votes"}', '{{queue}} in hand'],
        ['rabbitmq_detailed_queue_messages{job="rabbitmq", queue=~".+\\\\.votes\\\\.dead"}', '{{queue}}'],
      ] },
    { type: 'timeseries', title: 'Consumers per queue', min: 0,
      queries: [['rabbitmq_detailed_queue_consumers{job="rabbitmq", queue=~".+\\\\.votes"}', '{{queue}}']] },
    { type: 'timeseries', title: 'Worker outcomes', unit: 'ops', stack: true,
      queries: [[`sum by (outcome) (rate(paredao_worker_batches_total{job="worker"}[${RATE}]))`, '{{outcome}}']] },
    { type: 'timeseries', title: 'Votes written by the workers', unit: 'reqps',
      queries: [[`sum(rate(paredao_worker_votes_total{job="worker"}[${RATE}]))`, 'votes']] },
    { type: 'timeseries', title: 'PostgreSQL and Redis timings (worker, p99)', unit: 's',
      queries: [
        [`histogram_quantile(0.99, sum by (step, le) (rate(paredao_worker_step_seconds_bucket{job="worker"}[${RATE}])))`, '{{step}}'],
        [`histogram_quantile(0.99, sum by (le) (rate(paredao_worker_batch_seconds_bucket{job="worker"}[${RATE}])))`, 'whole batch'],
      ] },
    { type: 'timeseries', title: 'Vote commit p99 (api: Redis burn, publish, confirm)', unit: 's',
      queries: [[`histogram_quantile(0.99, sum by (le) (rate(paredao_vote_commit_seconds_bucket{job="api"}[${RATE}])))`, 'p99']] },
    { type: 'timeseries', title: 'Drift between Redis and PostgreSQL', min: 0,
      description: 'Must be 0; above 0 for more than a round, the sync service repairs Redis.',
      queries: [
        ['max by (poll_id) (paredao_reconcile_drift_votes{job="reconcile"})', 'drift {{poll_id}}'],
        [`sum(increase(paredao_reconcile_repairs_total{job="reconcile"}[${RATE}]))`, 'repairs'],
        ['sum by (poll_id) (paredao_challenges_used_twice_total{job="reconcile"})', 'challenges used twice {{poll_id}}'],
      ] },
    { type: 'timeseries', title: 'Dependencies up (workers, sync service)', min: 0,
      queries: [['min by (job, dependency) (paredao_dependency_up{job=~"worker|reconcile"})', '{{job}} → {{dependency}}']] },
  ],
});

const edge = dashboard({
  uid: 'paredao-edge',
  title: 'Paredão — the edge',
  description: 'Who is voting how fast: the work asked of each network, the limits, the quarantine and the busiest networks past the human pace.',
  tags: ['edge'],
  panels: [
    { type: 'timeseries', title: 'Challenges issued by work level', unit: 'reqps', stack: true,
      description: 'The work doubles past the human pace: higher levels rising means machines asking.',
      queries: [[`sum by (work) (rate(paredao_challenges_issued_total{job="api"}[${RATE}]))`, 'work {{work}}']] },
    { type: 'timeseries', title: 'Answered 429 (limits)', unit: 'reqps',
      queries: [[`sum by (kind) (rate(paredao_rate_limited_total{job="api"}[${RATE}]))`, '{{kind}}']] },
    { type: 'timeseries', title: 'Held votes and production decisions', unit: 'reqps',
      queries: [
        [`sum by (reason) (rate(paredao_votes_held_total{job="api"}[${RATE}]))`, 'held: {{reason}}'],
        [`sum by (action) (rate(paredao_votes_reviewed_total{job="api"}[${RATE}]))`, 'reviewed: {{action}}'],
      ] },
    { type: 'timeseries', title: 'Networks past the human pace', min: 0,
      queries: [
        ['max(paredao_networks_over_human_pace{job="api"})', 'in the last minute'],
        [`sum(increase(paredao_networks_over_human_pace_total{job="api"}[${RATE}]))`, 'crossings'],
      ] },
    { type: 'bargauge', title: 'Busiest networks past the human pace', instant: true,
      description: 'Challenges since each network was last quiet for a minute, summed over the api copies.',
      queries: [['topk(10, sum by (network) (paredao_network_challenges_over_pace{job="api"}))', '{{network}}']] },
    { type: 'timeseries', title: 'Connections', min: 0,
      queries: [
        ['sum(paredao_http_open_connections{job="api"})', 'open'],
        [`sum by (reason) (rate(paredao_http_connections_refused_total{job="api"}[${RATE}]))`, 'refused/s: {{reason}}'],
      ] },
  ],
});

export const DASHBOARDS = { 'paredao-night.json': night, 'paredao-pipeline.json': pipeline, 'paredao-edge.json': edge };

const dir = join(dirname(fileURLToPath(import.meta.url)), 'dashboards');
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, json] of Object.entries(DASHBOARDS)) {
    const text = `${JSON.stringify(json, null, 2)}\n`;
    if (!check) { writeFileSync(join(dir, file), text); continue; }
    let current = '';
    try { current = readFileSync(join(dir, file), 'utf8'); } catch { /* missing */ }
    if (current !== text) { console.error(`${file} differs from deploy/grafana/dashboards.mjs`); stale++; }
  }
  process.exit(stale ? 1 : 0);
}
