// The vote page of an open poll comes with a first challenge (decision 0014), issued as GET
// …/challenge issues it: in the distributed mode that asks Redis (the pace ledger). Redis slow or
// hung must not hold the page: past a short deadline the page goes without its challenge and the
// widget asks for one itself. Regression: the page waited on Redis, up to 2 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createPoll, openPoll, repoRoot } from '../lib/harness.mjs';
import { startStack } from '../lib/stack.mjs';

const serversScript = join(repoRoot, 'deploy', 'local', 'servers.sh');
const servers = (...args) => execFileSync(serversScript, args, { stdio: ['ignore', 'ignore', 'inherit'] });

/** GET /p/{id}: its status, how long it took and the data written into it. */
async function page(base, pollId) {
  const started = Date.now();
  const res = await fetch(`${base}/p/${pollId}`, { signal: AbortSignal.timeout(20000) });
  const html = await res.text();
  const elapsed = Date.now() - started;
  const boot = /<script id="paredao-boot" type="application\/json">(.*?)<\/script>/.exec(html);
  return { status: res.status, elapsed, data: boot ? JSON.parse(boot[1]) : null };
}

test('Redis hung: the vote page still comes at once, with its poll and without a challenge; with Redis back, with one', async () => {
  const stack = await startStack({ apiCopies: 1, args: ['--web-dir', join(repoRoot, 'web', 'dist')] });
  let paused = false;
  try {
    const poll = await createPoll(stack, { title: 'Redis lento', candidates: [{ id: 'a', name: 'Ana' }, { id: 'b', name: 'Bia' }] });
    await openPoll(stack, poll.id);
    const before = await page(stack.url, poll.id);
    assert.equal(before.status, 200);
    assert.ok(before.data?.challenge?.signature, 'with Redis answering, the page has its challenge');

    servers('pause', 'redis');
    paused = true;
    const during = await page(stack.url, poll.id);
    servers('resume', 'redis');
    paused = false;
    console.log(`# the page with Redis hung: ${during.status} in ${during.elapsed} ms`);
    assert.equal(during.status, 200);
    assert.equal(during.data?.poll?.id, poll.id, 'the poll is in the page');
    assert.equal(during.data.challenge, undefined, 'no challenge: the widget asks for one');
    assert.ok(during.elapsed < 1000, `the page took ${during.elapsed} ms`);
    // Counted and logged, for the operators.
    const metrics = await (await fetch(`${stack.backends[0]}/metrics`)).text();
    assert.match(metrics, /^paredao_vote_pages_without_challenge_total 1$/m);
    assert.ok(stack.apis[0].logs.some((l) => l.event === 'page_without_challenge' && l.poll_id === poll.id),
      'a page_without_challenge log line');

    // Redis back: the page has its challenge again (the late answer of the hung one is dropped).
    let after;
    for (const end = Date.now() + 10000; Date.now() < end;) {
      after = await page(stack.url, poll.id);
      if (after.data?.challenge) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(after.data?.challenge?.signature, 'the page has its challenge again');
    assert.ok(stack.apis[0].proc.exitCode === null, 'the api copy is still running');
  } finally {
    if (paused) servers('resume', 'redis');
    await stack.stop();
  }
});
