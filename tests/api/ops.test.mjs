// Operations routes: /healthz, /readyz, /metrics (Prometheus text format, counters that move).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createPoll, openPoll, vote } from '../lib/harness.mjs';
import { api, pid, basicPoll, sleep } from './util.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); server?.cleanup(); });

const SAMPLE_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?[ \t]+([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|NaN|Inf))(?:[ \t]+-?\d+)?$/;

// Every copy of the service is scraped (Prometheus scrapes each one, not the load balancer);
// series are keyed by copy, so that a counter is compared with itself.
async function scrape() {
  const merged = { text: '', series: new Map(), types: new Map() };
  const targets = server.backends ?? [server.url];
  for (const [index, url] of targets.entries()) {
    const res = await fetch(`${url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/, 'Prometheus text format is text/plain');
    const text = await res.text();
    merged.text += text;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      if (line.startsWith('#')) {
        const m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
        if (m) merged.types.set(m[1], m[2]);
        else assert.match(line, /^# (HELP|TYPE) /, `bad comment line: ${line}`);
        continue;
      }
      const m = SAMPLE_RE.exec(line);
      assert.ok(m, `not a Prometheus sample line: ${JSON.stringify(line)}`);
      merged.series.set((targets.length > 1 ? `${index}#` : '') + m[1] + (m[2] ?? ''), Number(m[3]));
    }
  }
  return merged;
}

test('/healthz → 200', async () => {
  const res = await api(server, '/healthz');
  assert.equal(res.status, 200);
  await res.arrayBuffer();
});

test('/readyz → 200 when every store is reachable', async () => {
  const res = await api(server, '/readyz');
  assert.equal(res.status, 200, await res.text());
});

test('/metrics is Prometheus text with TYPE lines', async () => {
  const { series, types } = await scrape();
  assert.ok(series.size > 0, 'some samples');
  assert.ok(types.size > 0, 'some # TYPE lines');
  assert.ok([...types.values()].includes('counter'), 'at least one counter');
});

test('the counts that results and stats serve are never more than a second old', async () => {
  const { series } = await scrape();
  const ages = [...series.entries()].filter(([k]) => /(^|#)paredao_counts_age_seconds$/.test(k));
  assert.equal(ages.length, (server.backends ?? [server.url]).length, 'one age per copy');
  for (const [k, v] of ages) assert.ok(v >= 0 && v < 1, `${k} = ${v}`);
});

test('a vote moves a vote counter and the HTTP request counter', async () => {
  const poll = await createPoll(server, basicPoll({ id: pid('ops') }));
  await openPoll(server, poll.id);
  const before = await scrape();
  for (const c of ['a', 'b', 'c']) assert.equal((await vote(server, poll.id, c)).status, 202);
  await sleep(1100);
  const afterScrape = await scrape();
  const grew = (pred) => [...afterScrape.series.entries()]
    .filter(([k]) => pred(k))
    .filter(([k, v]) => v - (before.series.get(k) ?? 0) >= 1)
    .map(([k, v]) => `${k} ${before.series.get(k) ?? 0}→${v}`);
  const voteGrew = grew((k) => /vote/i.test(k.split('{')[0]) && !/_bucket$|_sum$/.test(k.split('{')[0]));
  assert.ok(voteGrew.length > 0, `no counter with "vote" in its name increased:\n${afterScrape.text}`);
  const httpGrew = grew((k) => /http|request/i.test(k.split('{')[0]) && !/_bucket$|_sum$/.test(k.split('{')[0]));
  assert.ok(httpGrew.length > 0, `no HTTP request counter increased:\n${afterScrape.text}`);
  // counters never go down
  for (const [k, v] of before.series) {
    const bare = k.split('{')[0].replace(/^\d+#/, '');
    const name = bare.replace(/_total$/, '');
    if (before.types.get(name) === 'counter' || before.types.get(bare) === 'counter') {
      if (afterScrape.series.has(k)) assert.ok(afterScrape.series.get(k) >= v, `counter ${k} went down`);
    }
  }
});

