// Votes, results and stats: shapes, percentages, creation order, zeros.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createPoll, openPoll, vote } from '../lib/harness.mjs';
import {
  expectProblem, expectJson, api, pid, payloadFor, postVote, getStats, waitFor, hundredths, assertTwoDecimals,
  TIME_RE, UUID7_RE, closePoll, sleep,
} from './util.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); server?.cleanup(); });

async function openWith(candidates, extra = {}) {
  const p = await createPoll(server, { id: pid('v'), title: 'Votos', candidates, ...extra });
  await openPoll(server, p.id);
  return p;
}
const results = async (id) => expectJson(await api(server, `/api/v1/polls/${id}/results`), 200);
const currentHour = () => { const d = new Date(); d.setUTCMinutes(0, 0, 0); return d.toISOString().replace('.000Z', 'Z'); };

function assertResultsShape(r, poll) {
  for (const k of ['poll_id', 'status', 'as_of', 'candidates']) assert.ok(k in r, `Results lacks ${k}: ${JSON.stringify(r)}`);
  assert.equal(r.poll_id, poll.id);
  assert.match(r.as_of, TIME_RE);
  assert.ok(Math.abs(Date.parse(r.as_of) - Date.now()) < 5000, `as_of ${r.as_of} is not recent`);
  assert.deepEqual(r.candidates.map((c) => c.id), poll.candidates.map((c) => c.id), 'candidates in creation order');
  assert.deepEqual(r.candidates.map((c) => c.name), poll.candidates.map((c) => c.name));
  for (const c of r.candidates) assertTwoDecimals(c.percent, JSON.stringify(r));
}

describe('a vote', () => {
  test('202 {vote_id, poll_id, candidate_id, accepted_at, results}', async () => {
    const poll = await openWith([{ id: 'z', name: 'Zeca' }, { id: 'a', name: 'Ana' }]);
    const before = Date.now();
    const res = await vote(server, poll.id, 'a');
    const body = await expectJson(res, 202);
    for (const k of ['vote_id', 'poll_id', 'candidate_id', 'accepted_at', 'results']) assert.ok(k in body, `missing ${k}: ${JSON.stringify(body)}`);
    assert.match(body.vote_id, UUID7_RE);
    assert.equal(body.poll_id, poll.id);
    assert.equal(body.candidate_id, 'a');
    assert.match(body.accepted_at, TIME_RE);
    const t = Date.parse(body.accepted_at);
    assert.ok(t >= Math.floor(before / 1000) * 1000 && t <= Date.now(), `accepted_at ${body.accepted_at} not now`);
    // the UUIDv7 timestamp is the acceptance time (ms) — at least the same second
    const ms = parseInt(body.vote_id.replace(/-/g, '').slice(0, 12), 16);
    assert.ok(Math.abs(ms - t) < 2000, `uuidv7 time ${new Date(ms).toISOString()} vs accepted_at ${body.accepted_at}`);
    assert.ok(body.results && typeof body.results === 'object', 'results shown when the poll shows partials');
    assertResultsShape(body.results, poll);
    assert.equal(body.results.status, 'open');
  });

  test('vote ids are unique and time-ordered', async () => {
    const poll = await openWith([{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }]);
    const ids = [];
    for (let i = 0; i < 6; i++) {
      ids.push((await expectJson(await vote(server, poll.id, i % 2 ? 'a' : 'b'), 202)).vote_id);
      if (i === 2) await sleep(5);
    }
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids, 'later votes have larger ids');
  });
});

describe('results', () => {
  test('no votes → every percent is 0, candidates in creation order', async () => {
    const poll = await openWith([{ id: 'zz', name: 'Último' }, { id: 'aa', name: 'Primeiro' }, { id: 'mm', name: 'Meio' }]);
    const r = await results(poll.id);
    assertResultsShape(r, poll);
    assert.equal(r.status, 'open');
    assert.deepEqual(r.candidates.map((c) => c.percent), [0, 0, 0]);
  });

  test('1 vote each for 3 candidates → 33.34/33.33/33.33 (largest remainder), summing to exactly 100.00', async () => {
    const poll = await openWith([{ id: 'c3', name: 'Três' }, { id: 'c1', name: 'Um' }, { id: 'c2', name: 'Dois' }]);
    for (const c of ['c1', 'c2', 'c3']) await expectJson(await vote(server, poll.id, c), 202);
    const r = await waitFor(async () => { const x = await results(poll.id); return x.candidates.every((c) => c.percent > 0) ? x : null; });
    assert.ok(r, 'results did not show the 3 votes within 3 s (contract: 2 s)');
    assertResultsShape(r, poll);
    assert.deepEqual(r.candidates.map((c) => c.percent).sort(), [33.33, 33.33, 33.34]);
    assert.equal(hundredths(r.candidates), 10000);
  });

  test('7 candidates 1 vote each: four 14.29 and three 14.28', async () => {
    const cands = Array.from({ length: 7 }, (_, i) => ({ id: `k${i}`, name: `K${i}` }));
    const poll = await openWith(cands);
    for (const c of cands) await expectJson(await vote(server, poll.id, c.id), 202);
    const r = await waitFor(async () => { const x = await results(poll.id); return x.candidates.every((c) => c.percent > 0) ? x : null; });
    assert.ok(r, 'results did not show the votes');
    assertResultsShape(r, poll);
    const ps = r.candidates.map((c) => c.percent).sort();
    assert.deepEqual(ps, [14.28, 14.28, 14.28, 14.29, 14.29, 14.29, 14.29]);
    assert.equal(hundredths(r.candidates), 10000);
  });

  test('1:2 → 33.33 / 66.67 and zeros stay listed', async () => {
    const poll = await openWith([{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }, { id: 'n', name: 'Ninguém' }]);
    await expectJson(await vote(server, poll.id, 'a'), 202);
    await expectJson(await vote(server, poll.id, 'b'), 202);
    const last = await expectJson(await vote(server, poll.id, 'b'), 202);
    assertResultsShape(last.results, poll);
    const r = await waitFor(async () => { const x = await results(poll.id); return x.candidates[1].percent === 66.67 ? x : null; });
    assert.ok(r, 'results did not reach 33.33/66.67/0 within 3 s');
    assert.deepEqual(r.candidates.map((c) => [c.id, c.percent]), [['a', 33.33], ['b', 66.67], ['n', 0]]);
  });

  test('the 202 results, once caught up, agree with the results route', async () => {
    const poll = await openWith([{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }]);
    await expectJson(await vote(server, poll.id, 'a'), 202);
    await sleep(2100);
    const body = await expectJson(await vote(server, poll.id, 'a'), 202);
    // The partial result may lag (≤ 2 s): at least the first vote shows.
    assert.ok(hundredths(body.results.candidates) === 10000, JSON.stringify(body.results));
    assert.equal(body.results.candidates[0].percent, 100);
    assert.equal(body.results.candidates[1].percent, 0);
  });

  test('closed poll results have status closed', async () => {
    const poll = await openWith([{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }]);
    await expectJson(await vote(server, poll.id, 'b'), 202);
    await closePoll(server, poll.id);
    const r = await waitFor(async () => { const x = await results(poll.id); return x.candidates[1].percent === 100 ? x : null; });
    assert.ok(r);
    assert.equal(r.status, 'closed');
    assert.deepEqual(r.candidates.map((c) => c.percent), [0, 100]);
  });
});

describe('stats', () => {
  test('no votes: total 0, every candidate with 0, by_hour empty', async () => {
    const poll = await openWith([{ id: 'b', name: 'Bia' }, { id: 'a', name: 'Ari' }]);
    const s = await getStats(server, poll.id);
    for (const k of ['poll_id', 'status', 'as_of', 'total', 'by_candidate', 'by_hour']) assert.ok(k in s, `stats lacks ${k}`);
    assert.equal(s.poll_id, poll.id);
    assert.equal(s.status, 'open');
    assert.match(s.as_of, TIME_RE);
    assert.equal(s.total, 0);
    assert.deepEqual(s.by_candidate.map(({ candidate_id, name, votes }) => ({ candidate_id, name, votes })), [
      { candidate_id: 'b', name: 'Bia', votes: 0 }, { candidate_id: 'a', name: 'Ari', votes: 0 },
    ]);
    assert.deepEqual(s.by_hour, []);
  });

  test('counts per candidate and per hour, creation order, zeros included', async () => {
    const poll = await openWith([{ id: 'x', name: 'X' }, { id: 'y', name: 'Y' }, { id: 'z', name: 'Z' }]);
    const plan = ['z', 'z', 'x', 'z'];
    const hourBefore = currentHour();
    for (const c of plan) await expectJson(await vote(server, poll.id, c), 202);
    const s = await waitFor(async () => { const x = await getStats(server, poll.id); return x.total === 4 ? x : null; });
    const hourAfter = currentHour();
    assert.ok(s, 'stats did not reach 4 within 3 s (contract: 2 s)');
    assert.deepEqual(s.by_candidate.map(({ candidate_id, name, votes }) => ({ candidate_id, name, votes })), [
      { candidate_id: 'x', name: 'X', votes: 1 }, { candidate_id: 'y', name: 'Y', votes: 0 }, { candidate_id: 'z', name: 'Z', votes: 3 },
    ]);
    for (const h of s.by_hour) {
      assert.match(h.hour, /^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/);
      assert.deepEqual(h.by_candidate.map(({ candidate_id }) => candidate_id), ['x', 'y', 'z']);
    }
    if (hourBefore === hourAfter) {
      // All four votes fell in one hour: one row, exactly this one.
      assert.equal(s.by_hour.length, 1, JSON.stringify(s.by_hour));
      const h = s.by_hour[0];
      assert.equal(h.hour, hourBefore);
      assert.equal(h.total, 4);
      assert.deepEqual(h.by_candidate.map(({ votes }) => votes), [1, 0, 3]);
    } else {
      // The votes may have straddled an hour boundary: each row is one of those two hours, in order.
      const hours = s.by_hour.map((h) => h.hour);
      assert.ok(hours.length >= 1 && hours.length <= 2 && hours.every((h) => h === hourBefore || h === hourAfter), JSON.stringify(hours));
      assert.deepEqual(hours, [...hours].sort());
      assert.equal(s.by_hour.reduce((sum, h) => sum + h.total, 0), 4);
      assert.deepEqual([0, 1, 2].map((i) => s.by_hour.reduce((sum, h) => sum + h.by_candidate[i].votes, 0)), [1, 0, 3]);
    }
  });

  test('a refused vote is not counted', async () => {
    const poll = await openWith([{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }]);
    const altcha = await payloadFor(server, poll.id);
    await expectJson(await postVote(server, poll.id, 'a', altcha), 202);
    await expectProblem(await postVote(server, poll.id, 'a', altcha), 422, 'human_check_failed');
    await expectProblem(await postVote(server, poll.id, 'q', 'x'), 422, 'unknown_candidate');
    await expectProblem(await postVote(server, poll.id, 'b', 'x'), 422, 'human_check_failed');
    await sleep(2100);
    const s = await getStats(server, poll.id);
    assert.equal(s.total, 1);
    assert.deepEqual(s.by_candidate.map((c) => c.votes), [1, 0]);
  });
});

describe('challenge', () => {
  test('shape, Cache-Control: no-store, bound to its poll, fresh each time', async () => {
    const poll = await openWith([{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }]);
    const res = await api(server, `/api/v1/polls/${poll.id}/challenge`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('cache-control') ?? '', /(^|,)\s*no-store\s*(,|$)/i);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const ch = await res.json();
    const p = ch.parameters;
    assert.equal(p.algorithm, 'SHA-256');
    assert.ok(Number.isInteger(p.cost) && p.cost >= 1);
    assert.deepEqual(p.data, { poll: poll.id });
    assert.equal(p.keyLength, 32);
    assert.match(p.keyPrefix, /^[0-9a-f]+$/);
    assert.match(p.nonce, /^[0-9a-f]{32}$/);
    assert.match(p.salt, /^[0-9a-f]{32}$/);
    assert.ok(Number.isInteger(p.expiresAt));
    const ttl = p.expiresAt - Date.now() / 1000;
    assert.ok(ttl > 290 && ttl <= 301, `default expiry is 5 minutes, got ${ttl.toFixed(1)} s`);
    assert.match(ch.signature, /^[0-9a-f]{64}$/);
    const ch2 = await (await api(server, `/api/v1/polls/${poll.id}/challenge`)).json();
    assert.notEqual(ch2.parameters.nonce, p.nonce);
    assert.notEqual(ch2.parameters.salt, p.salt);
    assert.notEqual(ch2.signature, ch.signature);
  });
});
