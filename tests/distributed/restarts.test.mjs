// What PostgreSQL going away must not cost: the first poll change after a restart goes through
// (the api's idle connection died with the server; it reconnects and tries once more), and
// while it is down the api copies stay ready and keep taking votes (they queue in RabbitMQ),
// /readyz naming PostgreSQL as degraded.
// Regressions: the first admin write after a PostgreSQL restart was answered 503; /readyz said
// 503 during a PostgreSQL outage although votes kept flowing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { adminHeaders, repoRoot, createPoll, openPoll, vote } from '../lib/harness.mjs';
import { startStack } from '../lib/stack.mjs';

const serversScript = join(repoRoot, 'deploy', 'local', 'servers.sh');

test('the first poll change after a PostgreSQL restart succeeds on every copy', async () => {
  const stack = await startStack();
  try {
    const change = async (backend, i) => {
      const res = await fetch(`${backend}/api/v1/polls`, {
        method: 'POST', headers: adminHeaders(stack),
        body: JSON.stringify({ title: `Depois do reinício ${i}`, candidates: [{ name: 'A' }, { name: 'B' }] }),
      });
      const created = await res.text();
      assert.equal(res.status, 201, `copy ${i}: ${res.status} ${created}`);
      const poll = JSON.parse(created);
      const opened = await fetch(`${backend}/api/v1/polls/${poll.id}/open`, { method: 'POST', headers: adminHeaders(stack) });
      const body = await opened.text();
      assert.equal(opened.status, 200, `copy ${i}, open: ${opened.status} ${body}`);
    };
    // Each copy's connection for poll changes is open before the restart...
    for (const [i, backend] of stack.backends.entries()) await change(backend, i);
    execFileSync(serversScript, ['restart', 'postgres'], { stdio: ['ignore', 'ignore', 'inherit'] });
    // ...and found dead by the first change after it.
    for (const [i, backend] of stack.backends.entries()) await change(backend, i);
  } finally {
    await stack.stop();
    stack.cleanup();
  }
});

test('PostgreSQL down: every copy stays ready, names it degraded, and takes votes', async () => {
  const stack = await startStack();
  let stopped = false;
  try {
    const poll = await createPoll(stack, { title: 'Sem PostgreSQL', candidates: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }] });
    await openPoll(stack, poll.id);
    execFileSync(serversScript, ['stop-one', 'postgres'], { stdio: ['ignore', 'ignore', 'inherit'] });
    stopped = true;
    for (const backend of stack.backends) {
      const started = Date.now();
      let last;
      for (;;) {
        const res = await fetch(`${backend}/readyz`);
        last = { status: res.status, body: await res.json() };
        if (last.status === 200 && last.body.degraded?.some((d) => d.dependency === 'postgres')) break;
        assert.ok(Date.now() - started < 5000, `${backend}/readyz never named postgres degraded: ${JSON.stringify(last)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      for (let i = 0; i < 3; i++) {
        const res = await vote({ url: backend }, poll.id, 'a');
        assert.equal(res.status, 202, `a vote while PostgreSQL is down: ${res.status} ${await res.text()}`);
      }
    }
  } finally {
    if (stopped) execFileSync(serversScript, ['start-one', 'postgres'], { stdio: ['ignore', 'ignore', 'inherit'] });
    await stack.stop();
    stack.cleanup();
  }
});
