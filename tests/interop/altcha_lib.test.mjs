// Interop with the official altcha-lib (npm): it solves our challenges, and our challenges are
// well-formed ALTCHA v2 parameters that honour --pow-difficulty.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { solveChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { deriveKey as deriveScrypt } from 'altcha-lib/algorithms/scrypt';
import { startServer, createPoll, openPoll, fetchChallenge } from '../lib/harness.mjs';

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64');

async function setup(difficulty, args = []) {
  const server = await startServer({ difficulty, args });
  const poll = await createPoll(server, {
    id: `interop-${difficulty}-${process.pid}`, title: 'Interop',
    candidates: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }],
  });
  await openPoll(server, poll.id);
  return { server, pollId: poll.id };
}

function assertWellFormed(challenge, pollId, algorithm = 'SHA-256') {
  const p = challenge.parameters;
  assert.deepEqual(Object.keys(challenge).sort(), ['parameters', 'signature']);
  assert.equal(p.algorithm, algorithm);
  assert.ok(Number.isInteger(p.cost) && p.cost >= 1, `cost ${p.cost}`);
  assert.ok(Number.isInteger(p.keyLength) && p.keyLength >= 16, `keyLength ${p.keyLength}`);
  assert.match(p.nonce, /^([0-9a-f]{2})+$/);
  assert.match(p.salt, /^([0-9a-f]{2})+$/);
  assert.match(p.keyPrefix, /^[0-9a-f]+$/, 'keyPrefix is lowercase hex (altcha-lib normalises it)');
  assert.ok(p.keyPrefix.length <= p.keyLength * 2);
  // A short prefix would be matched by chance, i.e. without the work the challenge asks for.
  assert.ok(p.keyPrefix.length >= 8, `keyPrefix too short to carry work: ${p.keyPrefix}`);
  assert.ok(Number.isInteger(p.expiresAt) && p.expiresAt > Date.now() / 1000, `expiresAt ${p.expiresAt}`);
  assert.deepEqual(p.data, { poll: pollId });
  assert.match(challenge.signature, /^[0-9a-f]{64}$/, 'HMAC-SHA-256 hex');
}

describe('difficulty 1000', () => {
  let server;
  let pollId;
  before(async () => { ({ server, pollId } = await setup(1000)); });
  after(async () => { await server?.stop(); server?.cleanup(); });

  test('altcha-lib solves 20 challenges from the server; all 20 votes are accepted', async () => {
    const counters = [];
    for (let i = 0; i < 20; i++) {
      const challenge = await fetchChallenge(server, pollId);
      assertWellFormed(challenge, pollId);
      const solution = await solveChallenge({ challenge, deriveKey, timeout: 10_000 });
      assert.ok(solution, 'altcha-lib found no solution');
      assert.ok(solution.counter <= 1000, `counter ${solution.counter} > --pow-difficulty 1000`);
      // independent re-derivation with altcha-lib: the key carries the signed prefix
      const { derivedKey } = await deriveKey(challenge.parameters, Buffer.from(challenge.parameters.salt, 'hex'),
        Buffer.concat([Buffer.from(challenge.parameters.nonce, 'hex'), (() => { const b = Buffer.alloc(4); b.writeUInt32BE(solution.counter); return b; })()]));
      assert.equal(Buffer.from(derivedKey).toString('hex'), solution.derivedKey);
      assert.ok(solution.derivedKey.startsWith(challenge.parameters.keyPrefix));
      counters.push(solution.counter);
      const altcha = b64({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution });
      const res = await fetch(`${server.url}/api/v1/polls/${pollId}/votes`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ candidate_id: i % 2 ? 'a' : 'b', altcha }),
      });
      assert.equal(res.status, 202, await res.text());
    }
    // The work is not trivially zero for every challenge.
    assert.ok(counters.some((c) => c > 0), `all counters were 0: ${counters}`);
  });

  test('the payload is the widget\'s: with the challenge object as served (no re-wrapping)', async () => {
    const challenge = await fetchChallenge(server, pollId);
    const solution = await solveChallenge({ challenge, deriveKey });
    const res = await fetch(`${server.url}/api/v1/polls/${pollId}/votes`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ candidate_id: 'a', altcha: b64({ challenge, solution }) }),
    });
    assert.equal(res.status, 202, await res.text());
  });

  test('altcha-lib\'s own server-side check, given our secret, accepts our signatures', async () => {
    // The server signs a text it writes itself; this proves that text is altcha-lib's canonical
    // JSON of the parameters, i.e. that any ALTCHA server holding the secret would agree.
    const hmacSignatureSecret = readFileSync(join(server.dataDir, 'challenge-secret'), 'utf8').trim();
    for (let i = 0; i < 5; i++) {
      const challenge = await fetchChallenge(server, pollId);
      const solution = await solveChallenge({ challenge, deriveKey });
      const result = await verifySolution({ challenge, solution, deriveKey, hmacSignatureSecret });
      assert.deepEqual({ verified: result.verified, invalidSignature: result.invalidSignature },
        { verified: true, invalidSignature: false });
      const forged = { ...challenge, parameters: { ...challenge.parameters, cost: 2 } };
      const refused = await verifySolution({ challenge: forged, solution, deriveKey, hmacSignatureSecret });
      assert.equal(refused.invalidSignature, true, 'a changed parameter must break the signature');
    }
  });
});

describe('difficulty 50', () => {
  let server;
  let pollId;
  before(async () => { ({ server, pollId } = await setup(50)); });
  after(async () => { await server?.stop(); server?.cleanup(); });

  test('--pow-difficulty 50: every counter found by altcha-lib is ≤ 50', async () => {
    for (let i = 0; i < 20; i++) {
      const challenge = await fetchChallenge(server, pollId);
      assertWellFormed(challenge, pollId);
      const solution = await solveChallenge({ challenge, deriveKey, timeout: 10_000 });
      assert.ok(solution && solution.counter <= 50, `counter ${solution?.counter} > 50`);
    }
  });
});

describe('SCRYPT (memory-hard): --pow-algorithm SCRYPT', () => {
  const N = 256;
  const R = 4;
  let server;
  let pollId;
  before(async () => {
    ({ server, pollId } = await setup(20, ['--pow-algorithm', 'SCRYPT', '--pow-scrypt-cost', String(N),
      '--pow-scrypt-block-size', String(R)]));
  });
  after(async () => { await server?.stop(); server?.cleanup(); });

  test('altcha-lib solves our scrypt challenges with its own scrypt; the votes are accepted', async () => {
    for (let i = 0; i < 5; i++) {
      const challenge = await fetchChallenge(server, pollId);
      assertWellFormed(challenge, pollId, 'SCRYPT');
      assert.equal(challenge.parameters.cost, N);
      assert.equal(challenge.parameters.memoryCost, R);
      const solution = await solveChallenge({ challenge, deriveKey: deriveScrypt, timeout: 20_000 });
      assert.ok(solution && solution.counter < 20, `counter ${solution?.counter}`);
      const res = await fetch(`${server.url}/api/v1/polls/${pollId}/votes`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ candidate_id: 'a', altcha: b64({ challenge, solution }) }),
      });
      assert.equal(res.status, 202, await res.text());
    }
  });

  test('altcha-lib\'s server-side check accepts our scrypt signatures; a changed memory cost breaks them', async () => {
    const hmacSignatureSecret = readFileSync(join(server.dataDir, 'challenge-secret'), 'utf8').trim();
    const challenge = await fetchChallenge(server, pollId);
    const solution = await solveChallenge({ challenge, deriveKey: deriveScrypt });
    const result = await verifySolution({ challenge, solution, deriveKey: deriveScrypt, hmacSignatureSecret });
    assert.deepEqual({ verified: result.verified, invalidSignature: result.invalidSignature },
      { verified: true, invalidSignature: false });
    const cheaper = { ...challenge, parameters: { ...challenge.parameters, memoryCost: 1 } };
    const refused = await verifySolution({ challenge: cheaper, solution, deriveKey: deriveScrypt, hmacSignatureSecret });
    assert.equal(refused.invalidSignature, true);
    // And the server refuses a solution of the SHA-256 kind for it.
    const shaSolution = { counter: solution.counter, derivedKey: '00'.repeat(32) };
    const res = await fetch(`${server.url}/api/v1/polls/${pollId}/votes`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ candidate_id: 'a', altcha: b64({ challenge, solution: shaSolution }) }),
    });
    assert.equal(res.status, 422);
  });
});
