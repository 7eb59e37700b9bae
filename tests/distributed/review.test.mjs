// The review of held votes in the distributed mode, under faults. Votes answered 202 may still be
// in the queue when production asks: the review routes wait for the workers to record them, and
// answer 503 rather than an inexact list when they cannot (every worker down). A decision whose
// counts never reached Redis (the api copy died right after PostgreSQL's commit, simulated by
// taking the counts back out of Redis) is repaired by the sync service, and `reconcile --check`
// passes over counted, quarantined and voided votes alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPoll, openPoll, solve, adminHeaders, spawnParedao } from '../lib/harness.mjs';
import { startStack, psql, serverUrls } from '../lib/stack.mjs';
import { challengeFrom, voteFrom, waitFor, getStats } from '../api/util.mjs';

const QUARANTINE_PACE = 1;

async function voteAs(stack, poll, from, candidate) {
  const challenge = JSON.parse((await challengeFrom(stack, poll, { from })).body);
  const answer = await voteFrom(stack, poll, { from, altcha: await solve(challenge), candidate });
  assert.equal(answer.status, 202, answer.body);
}

function reviewGet(stack, poll, path) {
  return fetch(`${stack.url}/api/v1/polls/${poll}/${path}`, { headers: adminHeaders(stack) });
}

async function check(stack) {
  const audit = await spawnParedao(['reconcile', '--check', '--postgres-url', stack.postgresUrl,
    '--redis-url', serverUrls().redis, '--deployment', stack.name], { readyEvent: 'audit' });
  return { exit: await audit.exited, logs: audit.logs };
}

test('with every worker down the review answers 503, then exactly once they are back', async () => {
  const stack = await startStack({
    edge: true,
    args: ['--quarantine-pace', String(QUARANTINE_PACE), '--vote-limit', '0', '--human-pace', '0'],
  });
  try {
    const poll = (await createPoll(stack, { title: 'Barreira', candidates: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }] })).id;
    await openPoll(stack, poll);
    await stack.workers[0].kill();
    // 202s while no worker records anything: durable in the queue only.
    for (let i = 0; i < 4; i++) await voteAs(stack, poll, '127.0.0.130', 'a');
    const started = Date.now();
    const behind = await reviewGet(stack, poll, 'quarantine');
    const waited = Date.now() - started;
    assert.equal(behind.status, 503, await behind.text());
    assert.ok(behind.headers.get('retry-after'), 'with Retry-After');
    assert.ok(waited >= 4000 && waited < 15000, `it waited for the workers (${waited} ms)`);
    assert.equal((await reviewGet(stack, poll, 'audit')).status, 503);
    assert.equal(psql(`SELECT count(*) FROM votes WHERE poll_id = '${poll}'`, stack.postgresUrl), '0');

    await stack.addWorker();
    const held = await (await reviewGet(stack, poll, 'quarantine')).json();
    assert.deepEqual(held.groups.map((g) => [g.network, g.reason, g.votes]), [['127.0.0.130/32', 'pace', 2]]);
    const lines = (await (await reviewGet(stack, poll, 'audit')).text()).trim().split('\n');
    assert.equal(lines.length, 4);
    // The registry of batches in flight empties once they are recorded.
    const redisCli = (args) => execFileSync('redis-cli', ['-u', serverUrls().redis, ...args]).toString().trim();
    const inflight = await waitFor(() => redisCli(['ZCARD', `${stack.name}:inflight`]) === '0' || null, { ms: 5000 });
    assert.ok(inflight, 'the in-flight registry is swept');
  } finally {
    await stack.stop();
    stack.cleanup();
  }
});

test('a decision whose counts were lost on the way to Redis is repaired, and the audit checks out', async () => {
  const stack = await startStack({
    edge: true,
    args: ['--quarantine-pace', String(QUARANTINE_PACE), '--vote-limit', '0', '--human-pace', '0'],
  });
  try {
    const poll = (await createPoll(stack, { title: 'Reparo', candidates: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }] })).id;
    await openPoll(stack, poll);
    for (let i = 0; i < 5; i++) await voteAs(stack, poll, '127.0.0.131', 'b'); // 2 count, 3 held
    for (let i = 0; i < 3; i++) await voteAs(stack, poll, '127.0.0.132', 'a'); // 2 count, 1 held
    const decide = async (action, filter) => (await (await fetch(
      `${stack.url}/api/v1/polls/${poll}/quarantine/${action}`,
      { method: 'POST', headers: adminHeaders(stack), body: JSON.stringify(filter) })).json()).votes;
    assert.equal(await decide('release', { network: '127.0.0.131/32' }), 3);
    assert.equal(await decide('void', {}), 1);
    const settled = await waitFor(async () => {
      const s = await getStats(stack, poll);
      return s.total === 7 && s.voided === 1 && s.quarantined === 0 ? s : null;
    }, { ms: 8000 });
    assert.ok(settled, 'the decisions reach the live counters');

    // The damage: the release's counts taken back out of Redis, as if the api copy had died
    // between PostgreSQL's commit and Redis (the decision's applied mark removed with them).
    const redisCli = (args) => execFileSync('redis-cli', ['-u', serverUrls().redis, ...args]).toString().trim();
    const release = psql(`SELECT decision_id FROM review_decisions WHERE poll_id = '${poll}' AND action = 'release'`, stack.postgresUrl);
    const tag = `${stack.name}:{${poll}}`;
    const hour = psql(`SELECT extract(epoch FROM date_trunc('hour', accepted_at))::bigint FROM votes WHERE poll_id = '${poll}' AND reason = 'pace' AND state = 0 LIMIT 1`, stack.postgresUrl);
    // One script, so that the sync service sees the damage whole, never half of it.
    redisCli(['EVAL', `redis.call('HINCRBY', KEYS[1], 'b', -3); redis.call('HINCRBY', KEYS[1], 'q:b', 3)
      redis.call('HINCRBY', KEYS[2], ARGV[1] .. ':b', -3); redis.call('HINCRBY', KEYS[2], ARGV[1] .. ':q:b', 3)
      redis.call('DEL', KEYS[3])`, '3', `${tag}:totals`, `${tag}:hours`, `${tag}:batch:${release}`, hour]);
    const drift = await waitFor(() => stack.reconcilers[0].logs.find((l) =>
      l.event === 'drift' && l.poll_id === poll && l.repaired) ?? null, { ms: 8000 });
    assert.ok(drift, `the sync service saw the drift and repaired it: ${JSON.stringify(stack.reconcilers[0].logs.filter((l) => l.level !== 'info').slice(-5))}`);
    const repaired = await waitFor(async () => {
      const s = await getStats(stack, poll);
      return s.total === 7 && s.quarantined === 0 ? s : null;
    }, { ms: 8000 });
    assert.ok(repaired, 'the sync service repairs the counts from PostgreSQL');
    assert.deepEqual(repaired.by_candidate.map((c) => [c.candidate_id, c.votes, c.quarantined, c.voided]),
      [['a', 2, 0, 1], ['b', 5, 0, 0]]);
    const clean = await check(stack);
    assert.deepEqual(clean.exit, { code: 0, signal: null }, JSON.stringify(clean.logs.slice(-3)) +
      redisCli(['HGETALL', `${tag}:totals`]) + ' | ' + redisCli(['HGETALL', `${tag}:hours`]) + ' | ' +
      psql(`SELECT candidate_id, hour, votes FROM hourly_tally WHERE poll_id = '${poll}'`, stack.postgresUrl) + ' | ' +
      psql(`SELECT batch_id, applied_at, delta FROM applied_batches ORDER BY applied_at`, stack.postgresUrl) + ' | ' +
      redisCli(['KEYS', `${tag}:batch:*`]) + ' | ' + redisCli(['GET', `${tag}:applied`]));
  } finally {
    await stack.stop();
    stack.cleanup();
  }
});
