// Stopping an api copy while a vote is still in its pipeline after the HTTP drain has given up
// (the broker hung, PostgreSQL hung: the batch waits for its confirm, then for its settlement).
// Regression: the HTTP server and the inboxes its threads read were destroyed before the
// pipeline stopped, and the late answer was posted into freed memory (AddressSanitizer:
// heap-use-after-free, under `make sanitize`). Now every component stops in reverse order
// before any is destroyed: the copy exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createPoll, openPoll, vote, fetchChallenge, solve, repoRoot } from '../lib/harness.mjs';
import { startStack } from '../lib/stack.mjs';

const serversScript = join(repoRoot, 'deploy', 'local', 'servers.sh');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const servers = (...args) => execFileSync(serversScript, args, { stdio: ['ignore', 'ignore', 'inherit'] });

test('SIGTERM while a vote outlives the drain: the api copy answers nothing wrong and exits 0', async () => {
  const stack = await startStack({ apiCopies: 1 });
  const paused = [];
  try {
    const poll = await createPoll(stack, { title: 'Desligar', candidates: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }] });
    await openPoll(stack, poll.id);
    for (let i = 0; i < 3; i++) assert.equal((await vote(stack, poll.id, 'a')).status, 202);

    const altcha = await solve(await fetchChallenge(stack, poll.id));
    for (const server of ['rabbitmq', 'postgres']) { servers('pause', server); paused.push(server); }
    const api = stack.apis[0];
    const inFlight = fetch(`${stack.backends[0]}/api/v1/polls/${poll.id}/votes`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ candidate_id: 'b', altcha }),
    }).then((res) => res.status, (error) => `no answer (${error.cause?.code ?? error.name})`);
    await sleep(1000);
    api.proc.kill('SIGTERM');
    const exit = await Promise.race([api.exited, sleep(60000).then(() => 'still running after 60 s')]);
    const outcome = await inFlight;
    if (process.env.DEBUG_SHUTDOWN) for (const l of api.logs.slice(-15)) console.log(`# ${l.time} ${l.event}`);
    console.log(`# the vote in flight: ${outcome}; the copy exited ${JSON.stringify(exit)}`);
    assert.ok(api.logs.some((l) => l.event === 'drain_timeout'), 'the vote outlived the HTTP drain');
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(api.logs.some((l) => l.event === 'stopped'));
    // Its fate was never known (the settlement could not be reached): no answer, never a 202.
    assert.notEqual(outcome, 202);
  } finally {
    for (const server of paused) servers('resume', server);
    await stack.stop();
    stack.cleanup();
  }
});
