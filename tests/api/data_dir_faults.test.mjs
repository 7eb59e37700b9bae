// The embedded mode's disk, for real: the data dir on a small tmpfs of its own (as root), filled
// up while votes arrive, then freed. Votes meanwhile get 503 and count nothing; /readyz says 503
// as soon as the disk is full, before any vote fails, and 200 as soon as it has room again,
// before any vote succeeds (a live probe, not the last write's outcome); a payload answered 503
// may be sent again and is then counted once; the failures are not written one log line each.
// Regressions: /readyz stayed 503 after space returned until a vote succeeded (a balancer would
// never have sent it one); a payload answered 503 was refused as used when sent again; a full
// disk wrote 17,858 identical error lines in 8 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, createPoll, openPoll, fetchChallenge, solve, adminHeaders } from '../lib/harness.mjs';
import { fillFileSystem } from '../lib/disk.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function postVote(server, pollId, candidate, altcha) {
  return fetch(`${server.url}/api/v1/polls/${pollId}/votes`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ candidate_id: candidate, altcha }),
  });
}


async function readyz(server) {
  const res = await fetch(`${server.url}/readyz`);
  return { status: res.status, body: await res.json() };
}

async function until(what, check, timeoutMs = 5000) {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) assert.fail(`${what} within ${timeoutMs} ms`);
    await sleep(25);
  }
}

test('a full disk: 503 and nothing counted, /readyz live both ways, payloads sent again counted once, few log lines',
  { timeout: 120000 }, async () => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'paredao-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', mountPoint]);
    let server;
    try {
      server = await startServer({ dataDir: join(mountPoint, 'data') });
      const poll = await createPoll(server, { title: 'Disco cheio', candidates: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }] });
      await openPoll(server, poll.id);
      const payloads = [];
      for (let i = 0; i < 300; i++) payloads.push(await solve(await fetchChallenge(server, poll.id)));
      for (const altcha of payloads.slice(0, 5)) assert.equal((await postVote(server, poll.id, 'a', altcha)).status, 202);
      assert.equal((await readyz(server)).status, 200);

      const filler = fillFileSystem(mountPoint);
      const tookDown = await until('/readyz 503 once the disk is full', async () => (await readyz(server)).status === 503);
      const down = await readyz(server);
      assert.equal(down.body.code, 'unavailable');
      assert.match(down.body.detail, /sqlite.*disk is full/);
      console.log(`# disk full: /readyz said 503 after ${tookDown} ms`);

      const logsBefore = server.logs.length;
      const floodStarted = Date.now();
      const answers = new Map();
      for (const altcha of payloads.slice(5)) {
        const res = await postVote(server, poll.id, 'b', altcha);
        answers.set(altcha, res.status);
        if (res.status === 503) assert.ok(Number(res.headers.get('retry-after')) >= 1, 'a 503 says when to retry');
        else assert.equal(res.status, 202, `a vote on a full disk: ${res.status}`);
      }
      const refused = [...answers].filter(([, status]) => status === 503).map(([altcha]) => altcha);
      assert.ok(refused.length > 200, `the full disk refused only ${refused.length} of 295 votes`);
      const floodSeconds = (Date.now() - floodStarted) / 1000;
      await sleep(1500);
      const failureLines = server.logs.slice(logsBefore).filter((l) => l.event === 'vote_batch_failed');
      console.log(`# ${refused.length} votes refused in ${floodSeconds.toFixed(1)} s, ` +
        `${failureLines.length} vote_batch_failed lines`);
      // The first line, then one per 5 s of failures (and the last summary).
      const allowed = 2 + Math.ceil(floodSeconds / 5);
      assert.ok(failureLines.length <= allowed, `${failureLines.length} log lines for ${refused.length} failures`);

      unlinkSync(filler);
      const tookUp = await until('/readyz 200 once the disk has room', async () => (await readyz(server)).status === 200);
      console.log(`# room again: /readyz said 200 after ${tookUp} ms, before any vote`);
      for (const altcha of refused) {
        const res = await postVote(server, poll.id, 'b', altcha);
        assert.equal(res.status, 202, `a payload answered 503, sent again: ${res.status} ${await res.text()}`);
      }
      const accepted = 5 + [...answers.values()].filter((s) => s === 202).length + refused.length;
      await until('stats.total equal to the votes answered 202', async () => {
        const stats = await (await fetch(`${server.url}/api/v1/polls/${poll.id}/stats`, { headers: adminHeaders(server) })).json();
        return stats.total === accepted;
      });
      for (const altcha of refused.slice(0, 5)) {
        assert.equal((await postVote(server, poll.id, 'b', altcha)).status, 422, 'and counted once: a third send is refused');
      }
    } finally {
      await server?.stop();
      execFileSync('umount', ['-l', mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });
