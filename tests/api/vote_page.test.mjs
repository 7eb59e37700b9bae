// The vote page as the server makes it (issue 16): / and /p/{id} carry their poll (or the list)
// and, for an open poll, a first challenge issued as GET …/challenge would issue it — the same
// single use, the same limits — so that a phone needs no API round trip before it can vote.
// Both modes (the api copies serve the page too).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, createPoll, openPoll, solve, repoRoot } from '../lib/harness.mjs';
import { api, basicPoll, closePoll, expectJson, expectProblem, pid, postVote } from './util.mjs';

const WEB_DIST = join(repoRoot, 'web', 'dist');
let server;
let limited;

before(async () => {
  assert.ok(existsSync(join(WEB_DIST, 'index.html')), 'web/dist is not built (make web)');
  server = await startServer({ args: ['--web-dir', WEB_DIST] });
  // One challenge per network per minute: the second page goes without one.
  limited = await startServer({ args: ['--web-dir', WEB_DIST, '--challenge-limit', '1'] });
});
after(async () => {
  for (const s of [server, limited]) { await s?.stop(); s?.cleanup(); }
});

/** The data written into a page, parsed. */
async function pageData(target, path) {
  const res = await api(target, path);
  assert.equal(res.status, 200, path);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const html = await res.text();
  const boot = /<script id="paredao-boot" type="application\/json">(.*?)<\/script>/.exec(html);
  assert.ok(boot, `${path}: no data in the page`);
  return JSON.parse(boot[1]);
}

test('/p/{id} of an open poll: the poll and a first challenge that votes once, like one from GET …/challenge', async () => {
  const poll = (await createPoll(server, basicPoll({ id: pid('page') }))).id;
  await openPoll(server, poll);
  const data = await pageData(server, `/p/${poll}`);
  assert.equal(data.poll.id, poll);
  assert.equal(data.poll.status, 'open');
  assert.deepEqual(data.poll.candidates.map((c) => c.id), ['a', 'b', 'c']);
  assert.ok(data.challenge?.parameters && data.challenge.signature, 'a challenge');
  const altcha = await solve(data.challenge);
  await expectJson(await postVote(server, poll, 'b', altcha), 202);
  await expectProblem(await postVote(server, poll, 'b', altcha), 422, 'human_check_failed');
  // Each page gets its own.
  const again = await pageData(server, `/p/${poll}`);
  assert.notEqual(again.challenge.signature, data.challenge.signature);
  await closePoll(server, poll);
});

test('/: the list, open polls first, with a challenge for the first open one; none once nothing is open', async () => {
  const poll = (await createPoll(server, basicPoll({ id: pid('home') }))).id;
  await openPoll(server, poll);
  const data = await pageData(server, '/');
  assert.equal(data.home.polls[0].id, poll);
  assert.equal(data.home.polls[0].status, 'open');
  await expectJson(await postVote(server, poll, 'a', await solve(data.challenge)), 202);
  await closePoll(server, poll);
  const after = await pageData(server, '/');
  assert.ok(after.home.polls.every((p) => p.status !== 'open'));
  assert.equal(after.challenge, undefined);
  const closed = await pageData(server, `/p/${poll}`);
  assert.equal(closed.poll.status, 'closed');
  assert.equal(closed.challenge, undefined, 'a closed poll: no challenge');
});

test('past the challenge limit the page is still served, without a challenge (the page then asks, and is told 429)', async () => {
  const poll = (await createPoll(limited, basicPoll({ id: pid('lim') }))).id;
  await openPoll(limited, poll);
  const first = await pageData(limited, `/p/${poll}`);
  assert.ok(first.challenge, 'the first page has one');
  const second = await pageData(limited, `/p/${poll}`);
  assert.equal(second.poll.id, poll);
  assert.equal(second.challenge, undefined, 'over the limit: no challenge in the page');
  await expectProblem(await api(limited, `/api/v1/polls/${poll}/challenge`), 429, 'rate_limited');
  // Counted like the route's, by the copy that refused it (every copy's /metrics, distributed).
  const refusals = [];
  for (const url of limited.backends ?? [limited.url]) {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    refusals.push(Number(/paredao_rate_limited_total\{[^}]*kind="challenge"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0));
  }
  assert.ok(refusals.reduce((a, b) => a + b, 0) >= 2, `the page's and the route's refusals counted: ${refusals}`);
});
