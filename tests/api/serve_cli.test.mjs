// The settings of `paredao serve` as flags and environment variables, the demo poll and the
// generated admin token: the embedded command line, run as a user would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basicPoll, sleep } from './util.mjs';
import { rmSync } from 'node:fs';
import { makeDataDir, fetchChallenge } from '../lib/harness.mjs';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { startRaw } from './util.mjs';

test('every setting as an environment variable (PAREDAO_LISTEN, _DATA_DIR, _ADMIN_TOKEN, _POW_DIFFICULTY, _NO_DEMO)', async () => {
  const dir = makeDataDir();
  const s = await startRaw({ env: {
    PAREDAO_LISTEN: '127.0.0.1:0', PAREDAO_DATA_DIR: dir, PAREDAO_ADMIN_TOKEN: 'env-token-abcdef0123456789',
    PAREDAO_POW_DIFFICULTY: '40', PAREDAO_NO_DEMO: '1', PAREDAO_POW_ALGORITHM: 'SHA-256',
  } });
  try {
    const auth = { authorization: 'Bearer env-token-abcdef0123456789' };
    const list = await (await fetch(`${s.url}/api/v1/polls`, { headers: auth })).json();
    assert.deepEqual(list.polls, [], 'PAREDAO_NO_DEMO=1: no demo poll');
    const res = await fetch(`${s.url}/api/v1/polls`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(basicPoll({ id: 'envpoll' })) });
    assert.equal(res.status, 201, await res.text());
    assert.equal((await fetch(`${s.url}/api/v1/polls/envpoll/open`, { method: 'POST', headers: auth })).status, 200);
    for (let i = 0; i < 10; i++) {
      const challenge = await fetchChallenge(s, 'envpoll');
      const sol = await solveChallenge({ challenge, deriveKey, timeout: 5000 });
      assert.ok(sol && sol.counter <= 40, `PAREDAO_POW_DIFFICULTY=40 but counter ${sol?.counter}`);
    }
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without --no-demo a demo poll is created on first start', async () => {
  const dir = makeDataDir();
  const s = await startRaw({ args: ['serve', '--listen', '127.0.0.1:0', '--data-dir', dir, '--admin-token', 'tok-0123456789abcdef', '--pow-difficulty', '1000'] });
  try {
    const list = await (await fetch(`${s.url}/api/v1/polls`, { headers: { authorization: 'Bearer tok-0123456789abcdef' } })).json();
    assert.ok(list.polls.length >= 1, 'a demo paredão exists');
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without an admin token one is generated, printed at start, stored and reused after a restart', async () => {
  const dir = makeDataDir();
  const args = ['serve', '--listen', '127.0.0.1:0', '--data-dir', dir, '--pow-difficulty', '1000', '--no-demo'];
  const findToken = async (s) => {
    const candidates = [...new Set((s.stdout() + s.stderr()).match(/[A-Za-z0-9_\-.~+/=]{16,}/g) ?? [])].slice(0, 200);
    for (const t of candidates) {
      const r = await fetch(`${s.url}/api/v1/polls/none/stats`, { headers: { authorization: `Bearer ${t}` } });
      if (r.status !== 401) return t;
    }
    return null;
  };
  let s = await startRaw({ args });
  try {
    await sleep(300);
    const token = await findToken(s);
    assert.ok(token, `no working admin token printed at start:\n${s.stdout()}`);
    await s.stop();
    s = await startRaw({ args });
    const r = await fetch(`${s.url}/api/v1/polls/none/stats`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 404, 'the stored token still works after a restart (404 = past the token check)');
    const w = await fetch(`${s.url}/api/v1/polls/none/stats`, { headers: { authorization: 'Bearer not-the-token-000000' } });
    assert.equal(w.status, 401);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
