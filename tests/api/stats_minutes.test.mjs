// GET /api/v1/polls/{id}/stats/minutes (ours, docs/openapi.yaml): the counted votes per UTC minute
// of the last hour, from the vote store, for the console's per-minute chart when it opens. Both
// modes: SQLite in the embedded one, PostgreSQL (after the queue and the workers) in the
// distributed one. The minutes add up to stats' total; held votes are in no minute.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createPoll, openPoll, vote } from '../lib/harness.mjs';
import { pid, adminGet, api, expectJson, expectProblem, getStats, waitFor, TIME_RE } from './util.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); server?.cleanup(); });

test('the counted votes per minute: every candidate in poll order, adding up to the total', async () => {
  const id = (await createPoll(server, {
    id: pid('minutes'), title: 'Por minuto',
    candidates: [{ id: 'a', name: 'Ana' }, { id: 'b', name: 'Bia' }, { id: 'c', name: 'Caio' }],
  })).id;
  const empty = await expectJson(await adminGet(server, `/api/v1/polls/${id}/stats/minutes`), 200);
  assert.deepEqual(empty.by_minute, [], 'no vote, no minute');
  await openPoll(server, id);
  const cast = { a: 4, b: 2, c: 0 };
  for (const [candidate, n] of Object.entries(cast)) {
    for (let i = 0; i < n; i++) assert.equal((await vote(server, id, candidate)).status, 202);
  }
  // A report from the store: it may lag the 202s by the queue (distributed).
  const body = await waitFor(async () => {
    const b = await expectJson(await adminGet(server, `/api/v1/polls/${id}/stats/minutes`), 200);
    return b.by_minute.reduce((s, m) => s + m.total, 0) === 6 ? b : null;
  }, { ms: 10_000 });
  assert.ok(body, 'the six votes are in the minutes');
  assert.equal(body.poll_id, id);
  assert.match(body.as_of, TIME_RE);
  assert.ok(body.by_minute.length >= 1 && body.by_minute.length <= 2, `${body.by_minute.length} minutes`);
  let previous = '';
  for (const minute of body.by_minute) {
    assert.match(minute.minute, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    assert.ok(minute.minute > previous, 'oldest first');
    previous = minute.minute;
    assert.ok(Date.parse(minute.minute) <= Date.parse(body.as_of));
    assert.deepEqual(minute.by_candidate.map((c) => c.candidate_id), ['a', 'b', 'c']);
    assert.equal(minute.total, minute.by_candidate.reduce((s, c) => s + c.votes, 0));
  }
  const byCandidate = Object.fromEntries(['a', 'b', 'c'].map((c, i) =>
    [c, body.by_minute.reduce((s, m) => s + m.by_candidate[i].votes, 0)]));
  assert.deepEqual(byCandidate, cast);
  const stats = await waitFor(async () => { const s = await getStats(server, id); return s.total === 6 ? s : null; });
  assert.equal(stats.total, 6, 'the same votes as stats');
});

test('stats/minutes: the token, the poll and the method as every production route', async () => {
  const id = (await createPoll(server, { id: pid('minutes-errors'), title: 'Erros', candidates: [{ name: 'A' }, { name: 'B' }] })).id;
  await expectProblem(await api(server, `/api/v1/polls/${id}/stats/minutes`), 401, 'unauthorized');
  await expectProblem(await adminGet(server, '/api/v1/polls/nao-existe/stats/minutes'), 404, 'not_found');
  const post = await api(server, `/api/v1/polls/${id}/stats/minutes`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}` } });
  await expectProblem(post, 405, 'method_not_allowed');
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
});
