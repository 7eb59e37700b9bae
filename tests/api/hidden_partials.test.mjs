// show_partial_results:false hides results until the poll closes; stats stay visible to the admin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createPoll, openPoll, vote } from '../lib/harness.mjs';
import { expectProblem, expectJson, api, pid, getStats, waitFor, closePoll, getPoll, hundredths } from './util.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); server?.cleanup(); });

test('hidden partials: 403 results_hidden while open, results:null on 202, shown after close', async () => {
  const poll = await createPoll(server, {
    id: pid('hidden'), title: 'Oculto', show_partial_results: false,
    candidates: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }, { id: 'c', name: 'C' }],
  });
  assert.equal(poll.show_partial_results, false);
  await openPoll(server, poll.id);
  assert.equal((await getPoll(server, poll.id)).show_partial_results, false);

  await expectProblem(await api(server, `/api/v1/polls/${poll.id}/results`), 403, 'results_hidden');

  for (const c of ['a', 'a', 'b', 'a']) {
    const body = await expectJson(await vote(server, poll.id, c), 202);
    assert.ok('results' in body, 'the 202 body always carries "results"');
    assert.equal(body.results, null);
    assert.equal(body.candidate_id, c);
  }
  await expectProblem(await api(server, `/api/v1/polls/${poll.id}/results`), 403, 'results_hidden');

  // The production team still sees live stats.
  const s = await waitFor(async () => { const x = await getStats(server, poll.id); return x.total === 4 ? x : null; });
  assert.ok(s, 'stats did not reach 4');
  assert.deepEqual(s.by_candidate.map((c) => c.votes), [3, 1, 0]);

  await closePoll(server, poll.id);
  const r = await waitFor(async () => {
    const x = await expectJson(await api(server, `/api/v1/polls/${poll.id}/results`), 200);
    return x.candidates[0].percent === 75 ? x : null;
  });
  assert.ok(r, 'results after close did not show 75/25/0');
  assert.equal(r.status, 'closed');
  assert.deepEqual(r.candidates.map((c) => [c.id, c.percent]), [['a', 75], ['b', 25], ['c', 0]]);
  assert.equal(hundredths(r.candidates), 10000);
});

test('a poll that shows partials is not affected', async () => {
  const poll = await createPoll(server, { id: pid('shown'), title: 'Visível', candidates: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }] });
  await openPoll(server, poll.id);
  const body = await expectJson(await vote(server, poll.id, 'b'), 202);
  assert.notEqual(body.results, null);
  await expectJson(await api(server, `/api/v1/polls/${poll.id}/results`), 200);
});
