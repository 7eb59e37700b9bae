// Production's review of held votes (api.md, "The edge"): quarantine, release, void, watch and
// audit, exact at once (no wait for the pipeline) and idempotent, also while votes still arrive.
// Both modes; in the distributed one the clients go through the load balancer (PROXY protocol),
// held votes through the queue and the workers to PostgreSQL, and a decision's counts to Redis.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createPoll, openPoll, solve, adminHeaders, mode } from '../lib/harness.mjs';
import {
  pid, getStats, waitFor, challengeFrom, voteFrom, api, adminGet, adminPost, expectJson,
  expectProblem, TIME_RE, UUID7_RE,
} from './util.mjs';

const QUARANTINE_PACE = 2;
let server;
before(async () => {
  server = await startServer({
    edge: true,
    args: ['--quarantine-pace', String(QUARANTINE_PACE), '--vote-limit', '0', '--human-pace', '0'],
  });
});
after(async () => { await server?.stop(); server?.cleanup(); });

async function newPoll(prefix) {
  const id = (await createPoll(server, {
    id: pid(prefix), title: 'Revisão',
    candidates: [{ id: 'a', name: 'Ana' }, { id: 'b', name: 'Bia' }],
  })).id;
  await openPoll(server, id);
  return id;
}

/** A vote from `from` (a 127.0.0.x source address: its own network). The parsed response. */
async function voteAs(poll, from, candidate) {
  const challenge = JSON.parse((await challengeFrom(server, poll, { from })).body);
  const altcha = await solve(challenge);
  return voteFrom(server, poll, { from, altcha, candidate });
}

/** Votes `n` times in a row and returns the vote ids of the 202s (every answer must be 202). */
async function votes(poll, from, candidate, n) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const answer = await voteAs(poll, from, candidate);
    assert.equal(answer.status, 202, answer.body);
    ids.push(JSON.parse(answer.body).vote_id);
  }
  return ids;
}

async function quarantine(poll) {
  return expectJson(await adminGet(server, `/api/v1/polls/${poll}/quarantine`), 200);
}

async function decide(poll, action, filter) {
  const res = await adminPost(server, `/api/v1/polls/${poll}/quarantine/${action}`, filter);
  return (await expectJson(res, 200)).votes;
}

async function audit(poll) {
  const res = await adminGet(server, `/api/v1/polls/${poll}/audit`);
  const raw = await res.text();
  assert.equal(res.status, 200, raw);
  assert.match(res.headers.get('content-type'), /^application\/x-ndjson/);
  assert.ok(raw === '' || raw.endsWith('\n'), 'every line ends with a newline');
  return raw.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
}

async function putWatch(poll, networks) {
  const res = await fetch(`${server.url}/api/v1/polls/${poll}/watch`, {
    method: 'PUT', headers: adminHeaders(server), body: JSON.stringify({ networks }),
  });
  return expectJson(res, 200);
}

// The counted votes of stats/minutes, by candidate in poll order (the last hour's minutes).
async function countedInMinutes(poll) {
  const body = await expectJson(await adminGet(server, `/api/v1/polls/${poll}/stats/minutes`), 200);
  return body.by_minute.reduce((sums, m) => sums.map((s, i) => s + m.by_candidate[i].votes),
    body.by_minute[0]?.by_candidate.map(() => 0) ?? []);
}

test('the review routes need the token, a known poll and well-formed filters', async () => {
  const poll = await newPoll('rv');
  for (const [method, path] of [['GET', 'quarantine'], ['POST', 'quarantine/release'],
    ['POST', 'quarantine/void'], ['GET', 'watch'], ['PUT', 'watch'], ['GET', 'audit']]) {
    await expectProblem(await api(server, `/api/v1/polls/${poll}/${path}`, { method }), 401, 'unauthorized');
    await expectProblem(await fetch(`${server.url}/api/v1/polls/nope/${path}`, {
      method, headers: adminHeaders(server), body: method === 'GET' ? undefined : '{"networks":[]}',
    }), 404, 'not_found');
  }
  await expectProblem(await api(server, `/api/v1/polls/${poll}/quarantine`, { method: 'POST' }), 405, 'method_not_allowed');
  await expectProblem(await adminGet(server, `/api/v1/polls/${poll}/quarantine/void`), 405, 'method_not_allowed');
  await expectProblem(await adminPost(server, `/api/v1/polls/${poll}/quarantine/void`, '{'), 400, 'invalid_json');
  await expectProblem(await adminPost(server, `/api/v1/polls/${poll}/quarantine/release`, { network: '10.0.0.0/33' }),
    400, 'invalid_request', { field: 'network' });
  await expectProblem(await adminPost(server, `/api/v1/polls/${poll}/quarantine/release`, { network: 7 }),
    400, 'invalid_request', { field: 'network' });
  await expectProblem(await adminPost(server, `/api/v1/polls/${poll}/quarantine/void`, { reason: '' }),
    400, 'invalid_request', { field: 'reason' });
  await expectProblem(await adminPost(server, `/api/v1/polls/${poll}/quarantine/void`, []),
    400, 'invalid_request');
  for (const networks of [undefined, 'x', ['10.0.0.1/40'], [3]]) {
    const res = await fetch(`${server.url}/api/v1/polls/${poll}/watch`, {
      method: 'PUT', headers: adminHeaders(server), body: JSON.stringify({ networks }),
    });
    await expectProblem(res, 400, 'invalid_request', { field: 'networks' });
  }
  // Nothing held: an empty quarantine, a decision that moves nothing and is not recorded.
  const empty = await quarantine(poll);
  assert.equal(empty.poll_id, poll);
  assert.match(empty.as_of, TIME_RE);
  assert.deepEqual([empty.groups, empty.decisions], [[], []]);
  assert.equal(await decide(poll, 'release'), 0);
  assert.deepEqual((await quarantine(poll)).decisions, []);
  assert.deepEqual(await audit(poll), []);
});

test('held votes are listed by network and reason at once, released or voided exactly, once', async () => {
  const poll = await newPoll('rv');
  // The watch list: canonical CIDRs, duplicates dropped, shared by every api copy at once.
  const watched = await putWatch(poll, ['127.0.0.102', '127.0.0.102/32', '2001:db8:0:0:1::/48']);
  assert.deepEqual(watched.networks, ['127.0.0.102/32', '2001:db8::/48']);
  assert.deepEqual(await expectJson(await adminGet(server, `/api/v1/polls/${poll}/watch`), 200), watched);

  const answered = new Map(); // vote id → [network, candidate]
  const cast = async (from, candidate, n) => {
    for (const id of await votes(poll, from, candidate, n)) answered.set(id, [`${from}/32`, candidate]);
  };
  await cast('127.0.0.100', 'b', 6); // the first QUARANTINE_PACE + 1 count, 3 held (pace)
  await cast('127.0.0.101', 'a', 5); // 3 count, 2 held (pace)
  await cast('127.0.0.102', 'a', 2); // watched: both held
  await cast('127.0.0.103', 'a', 1); // a person: counted

  // Exact at once: no wait for the pipeline (the distributed mode waits for it by itself).
  const held = await quarantine(poll);
  assert.deepEqual(held.groups.map((g) => [g.network, g.reason, g.votes, g.by_candidate]), [
    ['127.0.0.100/32', 'pace', 3, [{ candidate_id: 'b', votes: 3 }]],
    ['127.0.0.101/32', 'pace', 2, [{ candidate_id: 'a', votes: 2 }]],
    ['127.0.0.102/32', 'watched', 2, [{ candidate_id: 'a', votes: 2 }]],
  ]);
  for (const group of held.groups) {
    assert.match(group.first_at, TIME_RE);
    assert.match(group.last_at, TIME_RE);
    assert.ok(group.first_at <= group.last_at);
  }
  assert.deepEqual(held.decisions, []);

  // The audit: every 202 exactly once, oldest first, with its network, state and reason.
  const lines = await audit(poll);
  assert.equal(lines.length, answered.size);
  assert.deepEqual(new Set(lines.map((l) => l.vote_id)), new Set(answered.keys()));
  for (let i = 1; i < lines.length; i++) assert.ok(lines[i - 1].accepted_at <= lines[i].accepted_at);
  for (const line of lines) {
    assert.deepEqual(Object.keys(line).sort(), ['accepted_at', 'candidate_id', 'network', 'reason', 'state', 'vote_id']);
    assert.match(line.vote_id, UUID7_RE);
    assert.deepEqual([line.network, line.candidate_id], answered.get(line.vote_id));
  }
  const tally = (rows) => rows.reduce((m, l) => m.set(`${l.network} ${l.state} ${l.reason}`,
    (m.get(`${l.network} ${l.state} ${l.reason}`) ?? 0) + 1), new Map());
  assert.deepEqual(tally(lines), new Map([
    ['127.0.0.100/32 counted null', 3], ['127.0.0.100/32 quarantined pace', 3],
    ['127.0.0.101/32 counted null', 3], ['127.0.0.101/32 quarantined pace', 2],
    ['127.0.0.102/32 quarantined watched', 2], ['127.0.0.103/32 counted null', 1],
  ]));

  // Release one network, then the same again: 3, then nothing (idempotent).
  assert.equal(await decide(poll, 'release', { network: '127.0.0.100/32' }), 3);
  assert.equal(await decide(poll, 'release', { network: '127.0.0.100/32' }), 0);
  // Void by reason; then release what is left by a wider network.
  assert.equal(await decide(poll, 'void', { reason: 'watched' }), 2);
  assert.equal(await decide(poll, 'release', { network: '127.0.0.0/24', reason: 'watched' }), 0);
  assert.equal(await decide(poll, 'release', { network: '127.0.0.0/24' }), 2);

  const after = await quarantine(poll);
  assert.deepEqual(after.groups, []);
  assert.deepEqual(after.decisions.map((d) => [d.action, d.network, d.reason, d.votes]), [
    ['release', '127.0.0.100/32', null, 3],
    ['void', null, 'watched', 2],
    ['release', '127.0.0.0/24', null, 2],
  ]);
  for (const d of after.decisions) assert.match(d.at, TIME_RE);

  // A released or voided vote keeps its original reason.
  assert.deepEqual(tally(await audit(poll)), new Map([
    ['127.0.0.100/32 counted null', 3], ['127.0.0.100/32 counted pace', 3],
    ['127.0.0.101/32 counted null', 3], ['127.0.0.101/32 counted pace', 2],
    ['127.0.0.102/32 voided watched', 2], ['127.0.0.103/32 counted null', 1],
  ]));
  // The counts follow (stats may lag by the contract's 2 s): released votes count, at their hour.
  const stats = await waitFor(async () => {
    const s = await getStats(server, poll);
    return s.total === 12 && s.quarantined === 0 && s.voided === 2 ? s : null;
  }, { ms: 8000 });
  assert.ok(stats, 'stats show the decisions');
  assert.deepEqual(stats.by_candidate.map((c) => [c.candidate_id, c.votes, c.quarantined, c.voided]),
    [['a', 6, 0, 2], ['b', 6, 0, 0]]);
  assert.equal(stats.by_hour.reduce((sum, h) => sum + h.total, 0), 12);
  // And the per-minute history: released votes in their minutes, voided ones in none.
  assert.deepEqual(await countedInMinutes(poll), [6, 6]);
  // The viewers' results too (another api copy's may lag as long as the contract allows).
  const results = await waitFor(async () => {
    const r = await expectJson(await api(server, `/api/v1/polls/${poll}/results`), 200);
    return r.candidates.map((c) => c.percent).join() === '50,50' ? r : null;
  }, { ms: 4000 });
  assert.ok(results, 'the results count the released votes');
  // Metrics: the votes moved, by action (over every api copy).
  const urls = mode === 'distributed' ? server.backends : [server.url];
  const texts = await Promise.all(urls.map((u) => fetch(`${u}/metrics`).then((r) => r.text())));
  const reviewed = (action) => texts.reduce((sum, text) => sum +
    [...text.matchAll(new RegExp(`^paredao_votes_reviewed_total\\{action="${action}"\\} (\\d+)`, 'gm'))]
      .reduce((s, m) => s + Number(m[1]), 0), 0);
  assert.deepEqual([reviewed('release'), reviewed('void')], [5, 2]);
});

test('a release racing a live stream of held votes moves exactly what it says, each vote once', async () => {
  const poll = await newPoll('rv');
  const from = '127.0.0.110';
  const streamed = [];
  let streaming = true;
  // A bot at full speed, on four connections at once, while production releases its votes.
  const stream = Promise.all([0, 1, 2, 3].map(async () => {
    for (let i = 0; i < 12; i++) {
      const answer = await voteAs(poll, from, i % 2 ? 'a' : 'b');
      assert.equal(answer.status, 202, answer.body);
      streamed.push(JSON.parse(answer.body).vote_id);
    }
  })).finally(() => { streaming = false; });
  const released = [];
  while (streaming) {
    released.push(await decide(poll, 'release', { network: '127.0.0.0/24' }));
    await new Promise((r) => setTimeout(r, 30));
  }
  await stream;
  // What the stream left held, then nothing.
  const lastHeld = (await quarantine(poll)).groups.reduce((sum, g) => sum + g.votes, 0);
  released.push(await decide(poll, 'release', {}));
  assert.equal(released.at(-1), lastHeld);
  assert.equal(await decide(poll, 'void', {}), 0);

  const lines = await audit(poll);
  assert.equal(lines.length, streamed.length);
  assert.deepEqual(new Set(lines.map((l) => l.vote_id)), new Set(streamed));
  const releasedVotes = lines.filter((l) => l.reason === 'pace');
  assert.equal(releasedVotes.length, released.reduce((a, b) => a + b, 0),
    `the releases' answers (${released}) add up to the votes now counted with reason pace`);
  assert.ok(releasedVotes.every((l) => l.state === 'counted'));
  assert.ok(releasedVotes.length >= streamed.length - (QUARANTINE_PACE + 1) - 4,
    'past the pace the stream was held');
  const decisions = (await quarantine(poll)).decisions;
  assert.equal(decisions.reduce((sum, d) => sum + d.votes, 0), releasedVotes.length);
  assert.ok(decisions.every((d) => d.votes > 0), 'a decision that moved nothing is not recorded');
  const stats = await waitFor(async () => {
    const s = await getStats(server, poll);
    return s.total === streamed.length ? s : null;
  }, { ms: 8000 });
  assert.ok(stats, 'every vote counts once released');
  assert.deepEqual([stats.quarantined, stats.voided], [0, 0]);
  const minutes = await countedInMinutes(poll);
  assert.equal(minutes.reduce((a, b) => a + b, 0), streamed.length,
    'the per-minute history holds every vote once');
  assert.deepEqual(minutes, stats.by_candidate.map((c) => c.votes));
});

test('held votes, decisions and the watch list survive a crash', async () => {
  const poll = await newPoll('rv');
  await putWatch(poll, ['127.0.0.120/31']);
  await votes(poll, '127.0.0.120', 'a', 2);
  await votes(poll, '127.0.0.121', 'b', 1);
  assert.equal(await decide(poll, 'void', { network: '127.0.0.121/32' }), 1);
  // SIGKILL: no clean shutdown (in the distributed mode, of every api copy).
  if (mode === 'distributed') {
    for (let i = 0; i < server.apis.length; i++) await server.restartApi(i, { kill: true });
  } else {
    await server.kill();
    server = await startServer({
      edge: true, dataDir: server.dataDir,
      args: ['--quarantine-pace', String(QUARANTINE_PACE), '--vote-limit', '0', '--human-pace', '0'],
    });
  }
  assert.deepEqual((await expectJson(await adminGet(server, `/api/v1/polls/${poll}/watch`), 200)).networks,
    ['127.0.0.120/31']);
  const held = await quarantine(poll);
  assert.deepEqual(held.groups.map((g) => [g.network, g.reason, g.votes]), [['127.0.0.120/32', 'watched', 2]]);
  assert.deepEqual(held.decisions.map((d) => [d.action, d.votes]), [['void', 1]]);
  const stats = await getStats(server, poll);
  assert.deepEqual([stats.total, stats.quarantined, stats.voided], [0, 2, 1]);
  assert.equal(await decide(poll, 'release'), 2);
  const after = await waitFor(async () => {
    const s = await getStats(server, poll);
    return s.total === 2 ? s : null;
  }, { ms: 8000 });
  assert.ok(after, 'the released votes count');
  assert.deepEqual([after.total, after.quarantined, after.voided], [2, 0, 1]);
});
