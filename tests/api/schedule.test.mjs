// Scheduled polls open and close by themselves within one second of their times.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createPoll, fetchChallenge, solve } from '../lib/harness.mjs';
import { expectProblem, expectJson, api, pid, basicPoll, iso, sleep, postVote, getStats, pool, TIME_RE } from './util.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); server?.cleanup(); });

/** Polls GET poll every 50 ms until its status is `status`; returns the time it was first seen. */
async function waitStatus(id, status, deadline) {
  for (;;) {
    const p = await expectJson(await api(server, `/api/v1/polls/${id}`), 200);
    const t = Date.now();
    if (p.status === status) return t;
    if (t > deadline) assert.fail(`poll ${id} still ${p.status} at ${new Date(t).toISOString()}, expected ${status}`);
    await sleep(50);
  }
}

test('a scheduled poll opens and closes by itself within 1 s, votes accepted only inside', async () => {
  // opens_at: the next whole second + 2 s; closes_at: 3 s later.
  const opensMs = (Math.floor(Date.now() / 1000) + 3) * 1000;
  const closesMs = opensMs + 3000;
  const id = pid('sched');
  const p = await createPoll(server, { ...basicPoll({ id }), opens_at: iso(opensMs), closes_at: iso(closesMs) });
  assert.equal(p.status, 'draft');
  assert.equal(p.opens_at, iso(opensMs));
  assert.equal(p.closes_at, iso(closesMs));

  // Before: not open anywhere.
  await expectProblem(await api(server, `/api/v1/polls/${id}/challenge`), 409, 'poll_not_open');
  assert.ok(!(await expectJson(await api(server, '/api/v1/polls'), 200)).polls.some((x) => x.id === id), 'a draft is not listed to voters');

  const openSeen = await waitStatus(id, 'open', opensMs + 1500);
  assert.ok(openSeen >= opensMs - 100, `opened ${opensMs - openSeen} ms before opens_at`);
  assert.ok(openSeen <= opensMs + 1100, `opened ${openSeen - opensMs} ms after opens_at (limit 1 s)`);

  // Open everywhere at once.
  const ch = await fetchChallenge(server, id);
  const listed = (await expectJson(await api(server, '/api/v1/polls'), 200)).polls.find((x) => x.id === id);
  assert.equal(listed?.status, 'open');
  assert.equal((await expectJson(await api(server, `/api/v1/polls/${id}/results`), 200)).status, 'open');

  // Votes inside the interval are accepted and their accepted_at lies inside it.
  const accepted = [];
  for (const c of ['a', 'b']) {
    const res = await postVote(server, id, c, await solve(await fetchChallenge(server, id)));
    const body = await expectJson(res, 202);
    assert.match(body.accepted_at, TIME_RE);
    const t = Date.parse(body.accepted_at);
    assert.ok(t >= opensMs && t < closesMs, `accepted_at ${body.accepted_at} outside [${iso(opensMs)}, ${iso(closesMs)})`);
    accepted.push(body);
  }
  // A challenge solved now but sent after the close must be refused (exact cut-off).
  const late = await solve(ch);
  assert.ok(Date.now() < closesMs - 200, 'test too slow to keep a payload for after the close');

  const closeSeen = await waitStatus(id, 'closed', closesMs + 1500);
  assert.ok(closeSeen >= closesMs - 100, `closed ${closesMs - closeSeen} ms before closes_at`);
  assert.ok(closeSeen <= closesMs + 1100, `closed ${closeSeen - closesMs} ms after closes_at (limit 1 s)`);

  await expectProblem(await api(server, `/api/v1/polls/${id}/challenge`), 409, 'poll_not_open');
  await expectProblem(await postVote(server, id, 'a', late), 409, 'poll_not_open');
  const results = await expectJson(await api(server, `/api/v1/polls/${id}/results`), 200);
  assert.equal(results.status, 'closed');
  const poll = await expectJson(await api(server, `/api/v1/polls/${id}`), 200);
  assert.equal(poll.opens_at, iso(opensMs), 'a scheduled open keeps its opens_at');
  assert.equal(poll.closes_at, iso(closesMs), 'a scheduled close keeps its closes_at');
  const listedAfter = (await expectJson(await api(server, '/api/v1/polls'), 200)).polls.find((x) => x.id === id);
  assert.equal(listedAfter?.status, 'closed');

  // Only the votes inside count.
  await sleep(2100);
  const stats = await getStats(server, id);
  assert.equal(stats.status, 'closed');
  assert.equal(stats.total, accepted.length);
});

test('a draft with only closes_at, opened by the admin, closes by itself', async () => {
  const closesMs = (Math.floor(Date.now() / 1000) + 3) * 1000;
  const id = pid('autoclose');
  await createPoll(server, { ...basicPoll({ id }), closes_at: iso(closesMs) });
  const opened = await expectJson(await fetch(`${server.url}/api/v1/polls/${id}/open`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}` } }), 200);
  assert.equal(opened.status, 'open');
  assert.equal(opened.closes_at, iso(closesMs));
  const closeSeen = await waitStatus(id, 'closed', closesMs + 1500);
  assert.ok(closeSeen >= closesMs - 100 && closeSeen <= closesMs + 1100, `closed at ${closeSeen - closesMs} ms from closes_at`);
});

test('the scheduled cut-off is exact under load: no 202 for a vote sent after closes_at', async () => {
  const opensMs = (Math.floor(Date.now() / 1000) + 2) * 1000;
  // Long enough to solve the payloads first even on a busy 2-core CI machine.
  const closesMs = opensMs + 10000;
  const id = pid('cutoff');
  await createPoll(server, { ...basicPoll({ id }), opens_at: iso(opensMs), closes_at: iso(closesMs) });
  await waitStatus(id, 'open', opensMs + 1500);
  // Solve payloads while it is open, then send them paced across closes_at.
  const N = 300;
  const payloads = [];
  await pool(N, 20, async (i) => { payloads[i] = await solve(await fetchChallenge(server, id)); });
  const startMs = closesMs - 1000;
  assert.ok(Date.now() < startMs, 'too slow to prepare the stream before the cut-off');
  const out = await pool(N, 60, async (i) => {
    const due = startMs + i * (2000 / N); // 150 votes/s from closes_at-1s to closes_at+1s
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const sentAt = Date.now();
    const res = await postVote(server, id, ['a', 'b', 'c'][i % 3], payloads[i]);
    return { sentAt, status: res.status, text: await res.text() };
  });
  const ok = out.filter((o) => o.status === 202);
  const refusedOut = out.filter((o) => o.status !== 202);
  assert.ok(ok.length > 0 && refusedOut.length > 0, `stream did not straddle the cut-off: ${ok.length} accepted, ${refusedOut.length} refused`);
  for (const o of refusedOut) assert.equal(o.status, 409, `refused with ${o.status} ${o.text}`);
  for (const o of refusedOut) assert.equal(JSON.parse(o.text).code, 'poll_not_open');
  for (const o of ok) {
    const b = JSON.parse(o.text);
    assert.ok(Date.parse(b.accepted_at) < closesMs, `accepted_at ${b.accepted_at} ≥ closes_at ${iso(closesMs)}`);
    assert.ok(o.sentAt <= closesMs + 5, `a vote sent ${o.sentAt - closesMs} ms after closes_at got 202`);
  }
  const lateSent = out.filter((o) => o.sentAt > closesMs + 5);
  assert.ok(lateSent.length > 50, 'enough votes sent after the cut-off');
  // After the close and the drain, stats.total equals the 202s.
  await sleep(2200);
  const stats = await getStats(server, id);
  assert.equal(stats.total, ok.length, `stats.total ${stats.total} vs ${ok.length} 202s`);
});
