// What a restart of PostgreSQL must not cost production: the first poll change after it goes
// through (the api's idle connection died with the server; it reconnects and tries once more).
// Regression: the first admin write after a PostgreSQL restart was answered 503.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { adminHeaders, repoRoot } from '../lib/harness.mjs';
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
