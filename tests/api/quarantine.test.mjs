// The quarantine (api.md, "The edge"), as far as it is built: a network past --quarantine-pace
// votes in 60 s has its further votes answered 202 like any other, made durable, and held apart:
// in no count (results, total, by_candidate, by_hour), only in `quarantined`. Both modes; in the
// distributed one the clients go through the load balancer and the held votes through the queue,
// the worker, PostgreSQL and the live counters in Redis.
import { test, before, after } from 'node:test';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { startServer, createPoll, openPoll, solve, mode } from '../lib/harness.mjs';
import { pid, getStats, waitFor, challengeFrom, voteFrom, api, expectJson } from './util.mjs';

const QUARANTINE_PACE = 2;
let server;
let poll;
before(async () => {
  server = await startServer({
    edge: true,
    args: ['--quarantine-pace', String(QUARANTINE_PACE), '--vote-limit', '0', '--human-pace', '0'],
  });
  poll = (await createPoll(server, {
    id: pid('q'), title: 'Quarentena',
    candidates: [{ id: 'a', name: 'Ana' }, { id: 'b', name: 'Bia' }],
  })).id;
  await openPoll(server, poll);
});
after(async () => { await server?.stop(); server?.cleanup(); });

async function voteAs(from, candidate) {
  const challenge = JSON.parse((await challengeFrom(server, poll, { from })).body);
  const altcha = await solve(challenge);
  return voteFrom(server, poll, { from, altcha, candidate });
}

test('past the quarantine pace a network\'s votes are accepted, durable and held in no count', async () => {
  const fast = '127.0.0.90';
  const human = '127.0.0.91';
  const answers = [];
  // The fast network: 6 votes for "b" in a row; only the first QUARANTINE_PACE + 1 count (a vote
  // is held when more than QUARANTINE_PACE came before it in the minute).
  for (let i = 0; i < 6; i++) answers.push(await voteAs(fast, 'b'));
  // Another network, at a human pace: its 2 votes count.
  for (let i = 0; i < 2; i++) answers.push(await voteAs(human, 'a'));
  for (const answer of answers) assert.equal(answer.status, 202, answer.body);
  const held = 6 - (QUARANTINE_PACE + 1);
  const counted = answers.length - held;

  const stats = await waitFor(async () => {
    const s = await getStats(server, poll);
    return s.total + s.quarantined + s.voided === answers.length ? s : null;
  }, { ms: 8000 });
  assert.ok(stats, 'every 202 is counted or held');
  assert.equal(stats.total, counted);
  assert.equal(stats.quarantined, held);
  assert.equal(stats.voided, 0);
  assert.deepEqual(stats.by_candidate.map((c) => [c.candidate_id, c.votes, c.quarantined, c.voided]),
    [['a', 2, 0, 0], ['b', QUARANTINE_PACE + 1, held, 0]]);
  assert.equal(stats.by_hour.reduce((sum, hour) => sum + hour.total, 0), counted);
  for (const hour of stats.by_hour) {
    assert.equal(hour.by_candidate.reduce((sum, c) => sum + c.votes, 0), hour.total);
  }
  // Metrics: the held votes by reason (over every api copy).
  const urls = mode === 'distributed' ? server.backends : [server.url];
  const texts = await Promise.all(urls.map((u) => fetch(`${u}/metrics`).then((r) => r.text())));
  const heldMetric = texts.reduce((sum, text) =>
    sum + [...text.matchAll(/^paredao_votes_held_total\{reason="pace"\} (\d+)/gm)].reduce((s, m) => s + Number(m[1]), 0), 0);
  assert.equal(heldMetric, held);
  // One log line when the network crossed the quarantine pace, not one per held vote.
  const logs = mode === 'distributed' ? server.apis.flatMap((a) => a.logs) : server.logs;
  const crossings = logs.filter((l) => l.event === 'network_quarantined');
  assert.deepEqual(crossings.map((l) => [l.network, l.reason]), [['127.0.0.90/32', 'pace']]);
  // The viewers' results leave the held votes out: b has 3 of the 5 counted votes.
  const results = await expectJson(await api(server, `/api/v1/polls/${poll}/results`), 200);
  assert.deepEqual(results.candidates.map((c) => c.percent), [40, 60]);
});

test('each vote is recorded with its network, state and reason (SQLite, or PostgreSQL)', async () => {
  const sql = `SELECT network, state, coalesce(reason, '-'), count(*) FROM votes
               WHERE poll_id = '${poll}' GROUP BY 1, 2, 3 ORDER BY 1, 2`;
  let rows;
  if (mode === 'distributed') {
    const { psql } = await import('../lib/stack.mjs');
    rows = psql(sql, server.postgresUrl);
  } else {
    rows = execFileSync('sqlite3', [join(server.dataDir, 'paredao.db'), sql]).toString().trim();
  }
  assert.deepEqual(rows.split('\n'), [
    `127.0.0.90/32|0|-|${QUARANTINE_PACE + 1}`,
    `127.0.0.90/32|1|pace|${6 - (QUARANTINE_PACE + 1)}`,
    '127.0.0.91/32|0|-|2',
  ]);
});
