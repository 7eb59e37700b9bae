// Fault tests, Jepsen style, against a whole distributed stack on this machine: clients send
// votes concurrently and log every attempt (the challenge nonce identifies it in PostgreSQL); a
// payload answered 503 is sent again after Retry-After, as the contract allows; during the stream
// one fault strikes; afterwards the pipeline drains and the history is checked: every 202 is in
// PostgreSQL exactly once, nothing answered otherwise (503, 4xx) is there, only unanswered
// attempts may or may not be, no honest payload is refused as already used; Redis equals
// PostgreSQL per candidate and hour once the reconciler ran; stats.total equals the votes
// counted; counted payloads replayed through the other api copy are refused; fresh votes flow.
// Each fault is its own test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { createPoll, openPoll, fetchChallenge, solve, adminHeaders, repoRoot, spawnParedao } from '../lib/harness.mjs';
import { startStack, psql, serverUrls } from '../lib/stack.mjs';

const serversScript = join(repoRoot, 'deploy', 'local', 'servers.sh');
const VOTES = Number(process.env.FAULT_VOTES ?? 1500);
const CLIENTS = 12;
const CANDIDATES = ['a', 'b', 'c'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function redisHash(key) {
  const { hostname, port } = new URL(serverUrls().redis);
  const out = execFileSync('redis-cli', ['-h', hostname, '-p', port, '--raw', 'HGETALL', key]).toString();
  const lines = out.split('\n').filter((l) => l !== '');
  const map = new Map();
  for (let i = 0; i + 1 < lines.length; i += 2) map.set(lines[i], Number(lines[i + 1]));
  return map;
}

const MAX_SENDS = 5;  // a payload answered 503 is sent again, at most this many times in all

/** Posts one vote; the fetch Response. */
function postVote(base, pollId, candidate, altcha) {
  return fetch(`${base}/api/v1/polls/${pollId}/votes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ candidate_id: candidate, altcha }),
    signal: AbortSignal.timeout(20000),
  });
}

/** One client: votes until the shared budget is spent, logging each attempt (one payload). */
async function client(stack, pollId, budget, attempts) {
  while (budget.left-- > 0) {
    const attempt = { candidate: CANDIDATES[budget.left % CANDIDATES.length], statuses: [] };
    attempts.push(attempt);
    try {
      const challenge = await fetchChallenge(stack, pollId);
      attempt.nonce = challenge.parameters.nonce;
      const altcha = await solve(challenge);
      attempt.altcha = altcha;
      for (;;) {
        const sent = Date.now();
        const res = await postVote(stack.url, pollId, attempt.candidate, altcha);
        attempt.status = res.status;
        attempt.statuses.push(res.status);
        if (res.status === 503) attempt.slowest503 = Math.max(attempt.slowest503 ?? 0, Date.now() - sent);
        const body = await res.json().catch(() => null);
        if (res.status === 202) attempt.voteId = body.vote_id;
        if (res.status !== 503 || attempt.statuses.length >= MAX_SENDS) break;
        // As a polite client does: wait as told, then send the same payload again.
        await sleep(1000 * Number(res.headers.get('retry-after') ?? 1));
      }
    } catch (error) {
      // No answer: the connection failed or timed out. Without a nonce the vote was never sent.
      attempt.status = attempt.nonce ? 'unanswered' : 'not_sent';
      attempt.error = String(error?.cause?.code ?? error?.name ?? error);
      // No challenge (refused, 503): a polite client waits before asking again, as after a 503
      // to its vote. Asking again at once spent the whole stream while a fault lasted (Redis OOM
      // answers in a millisecond), leaving nothing to send once it was over.
      if (!attempt.nonce) await sleep(1000);
    }
  }
}

async function waitFor(what, check, timeoutMs = 90000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const last = await check();
    if (last === true) return;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}: ${last}`);
    await sleep(250);
  }
}

async function runWithFault(name, fault, afterwards = async () => {}, { max503Ms } = {}) {
  const stack = await startStack({ difficulty: 10, reconcileIntervalMs: 300 });
  try {
    const poll = await createPoll(stack, {
      title: `Falha: ${name}`, candidates: CANDIDATES.map((id) => ({ id, name: id.toUpperCase() })),
    });
    await openPoll(stack, poll.id);
    const attempts = [];
    const budget = { left: VOTES };
    const clients = Array.from({ length: CLIENTS }, () => client(stack, poll.id, budget, attempts));
    // Strike once a third of the stream has been sent.
    const striker = (async () => {
      while (budget.left > VOTES * 2 / 3) await sleep(20);
      await fault(stack);
    })();
    await Promise.all([...clients, striker]);

    const byStatus = new Map();
    for (const a of attempts) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    const acked = attempts.filter((a) => a.status === 202);
    const unanswered = new Set(attempts.filter((a) => a.status === 'unanswered').map((a) => a.nonce));
    const refused = new Set(attempts.filter((a) => typeof a.status === 'number' && a.status !== 202).map((a) => a.nonce));
    assert.ok(acked.length > VOTES / 3, `too few votes accepted to test anything: ${JSON.stringify([...byStatus])}`);

    // Drain: every acknowledged vote reaches PostgreSQL.
    const ackedNonces = new Set(acked.map((a) => a.nonce));
    const stored = () => new Map(psql(
      `SELECT challenge_id, count(*) FROM votes WHERE poll_id = '${poll.id}' GROUP BY 1`, stack.postgresUrl,
    ).split('\n').filter(Boolean).map((l) => l.split('|')).map(([n, c]) => [n, Number(c)]));
    await waitFor('every 202 in PostgreSQL', () => {
      const rows = stored();
      const missing = [...ackedNonces].filter((n) => !rows.has(n)).length;
      return missing === 0 || `${missing} of ${ackedNonces.size} acknowledged votes not in PostgreSQL yet`;
    });
    await sleep(1500);  // what else is in flight lands too
    const rows = stored();
    const lost = [...ackedNonces].filter((n) => !rows.has(n));
    const duplicated = [...rows].filter(([, c]) => c > 1);
    const recovered = [...rows.keys()].filter((n) => unanswered.has(n));
    const phantom = [...rows.keys()].filter((n) => !ackedNonces.has(n) && !unanswered.has(n));
    const refusedButCounted = [...rows.keys()].filter((n) => refused.has(n));
    const counted = [...rows.values()].reduce((s, c) => s + c, 0);
    const resent = attempts.filter((a) => a.statuses.length > 1);
    const refusedAsUsed = attempts.filter((a) => a.status === 422);
    console.log(`# ${name}: attempts ${JSON.stringify(Object.fromEntries(byStatus))}; ` +
      `lost ${lost.length}, duplicated ${duplicated.length}, recovered (unanswered but counted) ${recovered.length}, ` +
      `counted ${counted}, resent after 503 ${resent.length} (then 202: ${resent.filter((a) => a.status === 202).length}), ` +
      `refused as used ${refusedAsUsed.length}`);
    assert.equal(lost.length, 0, 'every 202 is in PostgreSQL');
    assert.equal(duplicated.length, 0, 'no vote twice');
    if (max503Ms !== undefined) {
      const slowest = Math.max(0, ...attempts.map((a) => a.slowest503 ?? 0));
      console.log(`# ${name}: the slowest 503 took ${slowest} ms`);
      assert.ok(attempts.some((a) => a.statuses.includes(503)), 'the fault refused some votes');
      assert.ok(slowest <= max503Ms, `a 503 took ${slowest} ms (at most ${max503Ms})`);
    }
    assert.equal(refusedAsUsed.length, 0,
      `no honest payload is refused as already used: ${JSON.stringify(refusedAsUsed.slice(0, 3).map((a) => a.statuses))}`);
    assert.equal(refusedButCounted.length, 0, 'nothing answered with an error is counted');
    assert.equal(phantom.length, 0, 'nothing is counted that was not sent');
    const voteIds = psql(`SELECT count(DISTINCT vote_id) FROM votes WHERE poll_id = '${poll.id}'`, stack.postgresUrl);
    assert.equal(Number(voteIds), counted, 'vote ids are unique');
    for (const a of acked) assert.ok(a.voteId, 'a 202 carries its vote id');

    // Redis equals PostgreSQL per candidate and per hour once the reconciler ran.
    const pgCells = () => new Map(psql(
      `SELECT extract(epoch FROM hour)::bigint || ':' || candidate_id, votes FROM hourly_tally WHERE poll_id = '${poll.id}'`,
      stack.postgresUrl,
    ).split('\n').filter(Boolean).map((l) => l.split('|')).map(([k, v]) => [k, Number(v)]));
    await waitFor('Redis equal to PostgreSQL', () => {
      const pg = pgCells();
      const hours = redisHash(`${stack.name}:{${poll.id}}:hours`);
      const totals = redisHash(`${stack.name}:{${poll.id}}:totals`);
      const pgTotals = new Map();
      for (const [k, v] of pg) { const c = k.split(':')[1]; pgTotals.set(c, (pgTotals.get(c) ?? 0) + v); }
      const same = (x, y) => x.size === y.size && [...x].every(([k, v]) => y.get(k) === v);
      return (same(pg, hours) && same(pgTotals, totals)) ||
        `PostgreSQL ${JSON.stringify([...pgTotals])} Redis ${JSON.stringify([...totals])}`;
    }, 30000);
    const audit = await spawnParedao(['reconcile', '--check', '--postgres-url', stack.postgresUrl,
      '--redis-url', serverUrls().redis, '--deployment', stack.name], { readyEvent: 'audit' });
    assert.deepEqual(await audit.exited, { code: 0, signal: null }, 'paredao reconcile --check finds no drift');

    // The production stats agree (they may lag by up to 2 s).
    await waitFor('stats.total', async () => {
      const stats = await (await fetch(`${stack.url}/api/v1/polls/${poll.id}/stats`, { headers: adminHeaders(stack) })).json();
      const byCandidate = stats.by_candidate.reduce((s, c) => s + c.votes, 0);
      const byHour = stats.by_hour.reduce((s, h) => s + h.total, 0);
      return (stats.total === counted && byCandidate === counted && byHour === counted) ||
        `stats.total ${stats.total}, by_candidate ${byCandidate}, by_hour ${byHour}, counted ${counted}`;
    }, 10000);
    assert.equal(counted, acked.length + recovered.length, 'counted = 202s + unanswered ones that made it');

    // Counted payloads sent again through the other api copy (which never saw them) are refused.
    for (const a of acked.slice(-10)) {
      const res = await postVote(stack.backends[1], poll.id, a.candidate, a.altcha);
      const body = await res.json();
      assert.equal(res.status, 422, `a replay of a counted payload was not refused: ${JSON.stringify(body)}`);
      assert.equal(body.code, 'human_check_failed');
    }
    // And once the servers are healthy, fresh votes flow on both copies.
    for (const backend of stack.backends) {
      for (let i = 0; i < 5; i++) {
        const altcha = await solve(await fetchChallenge(stack, poll.id));
        const res = await postVote(backend, poll.id, 'a', altcha);
        assert.equal(res.status, 202, `an honest vote after the fault: ${res.status} ${await res.text()}`);
      }
    }
    await afterwards(stack, poll, acked);
  } finally {
    await stack.stop();
    stack.cleanup();
  }
}

// Asynchronous, so that the clients keep voting while the server is down.
const restart = (server, ...flags) => promisify(execFile)(serversScript, ['restart', server, ...flags]);

test('a worker killed with SIGKILL mid-stream loses and doubles nothing', () =>
  runWithFault('worker SIGKILL', async (stack) => {
    await stack.workers[0].kill();
    await sleep(1000);
    await stack.addWorker();
  }));

test('an api copy killed with SIGKILL mid-stream loses and doubles nothing', () =>
  runWithFault('api SIGKILL', async (stack) => {
    await stack.apis[0].kill();
    await sleep(1000);
    await stack.restartApi(0);
  }));

test('RabbitMQ restarted mid-stream loses and doubles nothing', () =>
  runWithFault('RabbitMQ restart', () => restart('rabbitmq', '--full')));

test('Redis restarted with its data wiped mid-stream is rebuilt from PostgreSQL', () =>
  runWithFault('Redis wiped', () => restart('redis', '--wipe'), async (stack, poll, acked) => {
    // The burned challenges were lost with Redis and restored from PostgreSQL: a challenge used
    // before the wipe is refused by every copy, including those that never saw it.
    const early = acked.slice(0, 20);
    for (const backend of stack.backends) {
      for (const a of early) {
        const res = await fetch(`${backend}/api/v1/polls/${poll.id}/votes`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ candidate_id: a.candidate, altcha: a.altcha }),
        });
        const body = await res.json();
        assert.equal(res.status, 422, `a replay on ${backend} was not refused: ${JSON.stringify(body)}`);
        assert.equal(body.code, 'human_check_failed');
      }
    }
  }));

test('PostgreSQL restarted mid-stream loses and doubles nothing', () =>
  runWithFault('PostgreSQL restart', () => restart('postgres')));

/** Waits until `url` answers `status`; how long it took, in ms. */
async function untilStatus(url, status, timeoutMs) {
  const start = Date.now();
  for (;;) {
    const res = await fetch(url).catch(() => null);
    if (res?.status === status) return Date.now() - start;
    if (Date.now() - start > timeoutMs) assert.fail(`${url} never answered ${status} (last ${res?.status})`);
    await sleep(50);
  }
}

// Regression: while the broker blocked publishers (a memory alarm), each vote waited 10-15 s for
// its 503 (confirm timeout, then the settlement), although /readyz already knew.
test('a broker blocking publishers (memory alarm) mid-stream: 503 within 1 s, then votes flow again', () =>
  runWithFault('RabbitMQ memory alarm', async (stack) => {
    execFileSync(serversScript, ['ctl', 'set_vm_memory_high_watermark', '0.00001']);
    try {
      const down = await untilStatus(`${stack.backends[0]}/readyz`, 503, 5000);
      console.log(`# memory alarm: /readyz said 503 after ${down} ms`);
      await sleep(3000);
    } finally {
      execFileSync(serversScript, ['ctl', 'set_vm_memory_high_watermark', '0.4']);
    }
    const up = await untilStatus(`${stack.backends[0]}/readyz`, 200, 5000);
    console.log(`# memory alarm cleared: /readyz said 200 after ${up} ms`);
  }, async () => {}, { max503Ms: 1000 }));

/** Runs redis-cli against the servers' Redis; its output. */
function redisCli(...args) {
  const { hostname, port } = new URL(serverUrls().redis);
  return execFileSync('redis-cli', ['-h', hostname, '-p', port, ...args]).toString().trim();
}

// Regression: error replies mid-pipeline left replies unread on the api's connection, and later
// burns read them as their own: counted payloads replayed on another copy were accepted again.
test('Redis answering OOM mid-stream loses, doubles and wrongly refuses nothing', () =>
  runWithFault('Redis OOM', async () => {
    const policy = redisCli('CONFIG', 'GET', 'maxmemory-policy').split('\n')[1];
    redisCli('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    redisCli('CONFIG', 'SET', 'maxmemory', '1');
    try {
      await sleep(2000);
    } finally {
      redisCli('CONFIG', 'SET', 'maxmemory', '0');
      redisCli('CONFIG', 'SET', 'maxmemory-policy', policy);
    }
  }));

test('Redis answering BUSY (a slow script) mid-stream loses, doubles and wrongly refuses nothing', () =>
  runWithFault('Redis BUSY', async () => {
    const threshold = redisCli('CONFIG', 'GET', 'busy-reply-threshold').split('\n')[1];
    redisCli('CONFIG', 'SET', 'busy-reply-threshold', '100');
    try {
      // Holds the server for 2 s: every other command meanwhile is answered BUSY.
      const { hostname, port } = new URL(serverUrls().redis);
      await promisify(execFile)('redis-cli', ['-h', hostname, '-p', port, 'EVAL',
        "local s = tonumber(redis.call('TIME')[1]) while tonumber(redis.call('TIME')[1]) < s + 2 do end return 1", '0']);
    } finally {
      redisCli('CONFIG', 'SET', 'busy-reply-threshold', threshold);
    }
  }));
