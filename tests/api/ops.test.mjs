// Operations routes: /healthz, /readyz, /metrics (Prometheus text format, counters that move).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createPoll, openPoll, vote } from '../lib/harness.mjs';
import { api, pid, basicPoll, sleep } from './util.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); server?.cleanup(); });

const SAMPLE_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?[ \t]+([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|NaN|Inf))(?:[ \t]+-?\d+)?$/;

async function scrape() {
  const res = await api(server, '/metrics');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/, 'Prometheus text format is text/plain');
  const text = await res.text();
  const series = new Map();
  const types = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (m) types.set(m[1], m[2]);
      else assert.match(line, /^# (HELP|TYPE) /, `bad comment line: ${line}`);
      continue;
    }
    const m = SAMPLE_RE.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${JSON.stringify(line)}`);
    series.set(m[1] + (m[2] ?? ''), Number(m[3]));
  }
  return { text, series, types };
}

test('/healthz → 200', async () => {
  const res = await api(server, '/healthz');
  assert.equal(res.status, 200);
  await res.arrayBuffer();
});

test('/readyz → 200 when the embedded store is reachable', async () => {
  const res = await api(server, '/readyz');
  assert.equal(res.status, 200, await res.text());
});

test('/metrics is Prometheus text with TYPE lines', async () => {
  const { series, types } = await scrape();
  assert.ok(series.size > 0, 'some samples');
  assert.ok(types.size > 0, 'some # TYPE lines');
  assert.ok([...types.values()].includes('counter'), 'at least one counter');
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
    const name = k.split('{')[0].replace(/_total$/, '');
    if (before.types.get(name) === 'counter' || before.types.get(k.split('{')[0]) === 'counter') {
      if (afterScrape.series.has(k)) assert.ok(afterScrape.series.get(k) >= v, `counter ${k} went down`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Configuration ("Running it"): flags and environment variables.
import { rmSync } from 'node:fs';
import { makeDataDir, fetchChallenge } from '../lib/harness.mjs';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { startRaw } from './util.mjs';

test('every setting as an environment variable (PAREDAO_LISTEN, _DATA_DIR, _ADMIN_TOKEN, _POW_DIFFICULTY, _NO_DEMO)', async () => {
  const dir = makeDataDir();
  const s = await startRaw({ env: {
    PAREDAO_LISTEN: '127.0.0.1:0', PAREDAO_DATA_DIR: dir, PAREDAO_ADMIN_TOKEN: 'env-token-abcdef0123456789',
    PAREDAO_POW_DIFFICULTY: '40', PAREDAO_NO_DEMO: '1',
  } });
  try {
    const auth = { authorization: 'Bearer env-token-abcdef0123456789' };
    const list = await (await fetch(`${s.url}/api/v1/polls`, { headers: auth })).json();
    assert.deepEqual(list.polls, [], 'PAREDAO_NO_DEMO=1: no demo poll');
    const res = await fetch(`${s.url}/api/v1/polls`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(basicPoll({ id: 'envpoll' })) });
    assert.equal(res.status, 201, await res.text());
    assert.equal((await fetch(`${s.url}/api/v1/polls/envpoll/open`, { method: 'POST', headers: auth })).status, 200);
    for (let i = 0; i < 10; i++) {
      const challenge = await fetchChallenge(s, 'envpoll');
      const sol = await solveChallenge({ challenge, deriveKey, timeout: 5000 });
      assert.ok(sol && sol.counter <= 40, `PAREDAO_POW_DIFFICULTY=40 but counter ${sol?.counter}`);
    }
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without --no-demo a demo poll is created on first start', async () => {
  const dir = makeDataDir();
  const s = await startRaw({ args: ['serve', '--listen', '127.0.0.1:0', '--data-dir', dir, '--admin-token', 'tok-0123456789abcdef', '--pow-difficulty', '1000'] });
  try {
    const list = await (await fetch(`${s.url}/api/v1/polls`, { headers: { authorization: 'Bearer tok-0123456789abcdef' } })).json();
    assert.ok(list.polls.length >= 1, 'a demo paredão exists');
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without an admin token one is generated, printed at start, stored and reused after a restart', async () => {
  const dir = makeDataDir();
  const args = ['serve', '--listen', '127.0.0.1:0', '--data-dir', dir, '--pow-difficulty', '1000', '--no-demo'];
  const findToken = async (s) => {
    const candidates = [...new Set((s.stdout() + s.stderr()).match(/[A-Za-z0-9_\-.~+/=]{16,}/g) ?? [])].slice(0, 200);
    for (const t of candidates) {
      const r = await fetch(`${s.url}/api/v1/polls/none/stats`, { headers: { authorization: `Bearer ${t}` } });
      if (r.status !== 401) return t;
    }
    return null;
  };
  let s = await startRaw({ args });
  try {
    await sleep(300);
    const token = await findToken(s);
    assert.ok(token, `no working admin token printed at start:\n${s.stdout()}`);
    await s.stop();
    s = await startRaw({ args });
    const r = await fetch(`${s.url}/api/v1/polls/none/stats`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 404, 'the stored token still works after a restart (404 = past the token check)');
    const w = await fetch(`${s.url}/api/v1/polls/none/stats`, { headers: { authorization: 'Bearer not-the-token-000000' } });
    assert.equal(w.status, 401);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
