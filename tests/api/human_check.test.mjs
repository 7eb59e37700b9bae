// The human check: single use, bound to its poll, tamper-proof, real work, test payload refused.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createPoll, openPoll, fetchChallenge, solve } from '../lib/harness.mjs';
import {
  expectProblem, expectJson, pid, basicPoll, postVote, decodePayload, encodePayload, flipHex, shaDerive, getStats, sleep,
} from './util.mjs';

let server;
let pollA;
let pollB;
before(async () => {
  server = await startServer();
  pollA = (await createPoll(server, basicPoll({ id: pid('hca') }))).id;
  pollB = (await createPoll(server, basicPoll({ id: pid('hcb') }))).id; // same candidate ids a/b/c
  await openPoll(server, pollA);
  await openPoll(server, pollB);
});
after(async () => { await server?.stop(); server?.cleanup(); });

const fresh = async (poll = pollA) => decodePayload(await solve(await fetchChallenge(server, poll)));
const refused = async (altcha, poll = pollA, candidate = 'a') => expectProblem(await postVote(server, poll, candidate, altcha), 422, 'human_check_failed');

test('control: an untouched payload is accepted', async () => {
  const p = await fresh();
  await expectJson(await postVote(server, pollA, 'a', encodePayload(p)), 202);
});

test('each challenge is single-use: replaying the same payload → 422', async () => {
  const altcha = await solve(await fetchChallenge(server, pollA));
  await expectJson(await postVote(server, pollA, 'a', altcha), 202);
  await refused(altcha);
  await refused(altcha, pollA, 'b');
});

test('the same payload sent twice concurrently is accepted once', async () => {
  const altcha = await solve(await fetchChallenge(server, pollA));
  const rs = await Promise.all(Array.from({ length: 8 }, () => postVote(server, pollA, 'c', altcha)));
  const statuses = rs.map((r) => r.status).sort();
  assert.deepEqual(statuses, [202, 422, 422, 422, 422, 422, 422, 422]);
});

test('the same challenge re-solved with the same counter but re-encoded JSON is still the same challenge', async () => {
  const p = await fresh();
  await expectJson(await postVote(server, pollA, 'a', encodePayload(p)), 202);
  // key order / whitespace of the JSON differ; it is still the same challenge and must be refused.
  const reordered = { solution: p.solution, challenge: { signature: p.challenge.signature, parameters: p.challenge.parameters } };
  await refused(Buffer.from(JSON.stringify(reordered, null, 1)).toString('base64'));
});

test('a payload for another poll is refused', async () => {
  const p = await fresh(pollB);
  await refused(encodePayload(p), pollA);
  // and it was not burnt by that attempt: still good for its own poll
  await expectJson(await postVote(server, pollB, 'a', encodePayload(p)), 202);
});

test('the ALTCHA test payload is always refused', async () => {
  await refused(encodePayload({ challenge: null, solution: null, test: true }));
  const p = await fresh();
  await refused(encodePayload({ ...p, test: true }));
});

describe('tampering is refused', () => {
  const cases = {
    signature: (p) => { p.challenge.signature = flipHex(p.challenge.signature); },
    'signature removed': (p) => { delete p.challenge.signature; },
    'signature empty': (p) => { p.challenge.signature = ''; },
    derivedKey: (p) => { p.solution.derivedKey = flipHex(p.solution.derivedKey); },
    'derivedKey removed': (p) => { delete p.solution.derivedKey; },
    keyPrefix: (p) => { p.challenge.parameters.keyPrefix = flipHex(p.challenge.parameters.keyPrefix); },
    'keyPrefix shortened': (p) => { p.challenge.parameters.keyPrefix = p.challenge.parameters.keyPrefix.slice(0, 2); },
    'expiresAt later': (p) => { p.challenge.parameters.expiresAt += 3600; },
    'expiresAt in the past (expired)': (p) => { p.challenge.parameters.expiresAt = Math.floor(Date.now() / 1000) - 60; },
    'expiresAt removed': (p) => { delete p.challenge.parameters.expiresAt; },
    salt: (p) => { p.challenge.parameters.salt = flipHex(p.challenge.parameters.salt); },
    nonce: (p) => { p.challenge.parameters.nonce = flipHex(p.challenge.parameters.nonce); },
    'data.poll': (p) => { p.challenge.parameters.data = { poll: pollB }; },
    'data removed': (p) => { delete p.challenge.parameters.data; },
    cost: (p) => { p.challenge.parameters.cost += 1; },
    keyLength: (p) => { p.challenge.parameters.keyLength = 16; },
    algorithm: (p) => { p.challenge.parameters.algorithm = 'SHA-512'; },
    'counter +1 (same derivedKey)': (p) => { p.solution.counter += 1; },
    'counter as string': (p) => { p.solution.counter = String(p.solution.counter); },
    'counter negative': (p) => { p.solution.counter = -1; },
    'solution null': (p) => { p.solution = null; },
    'challenge null': (p) => { p.challenge = null; },
    'counter +1 with its true derived key (no work: prefix does not match)': (p) => {
      const params = p.challenge.parameters;
      let c = p.solution.counter + 1;
      while (shaDerive(params, c).startsWith(params.keyPrefix)) c += 1;
      p.solution.counter = c;
      p.solution.derivedKey = shaDerive(params, c);
    },
  };
  for (const [name, mutate] of Object.entries(cases)) {
    test(name, async () => {
      const p = await fresh();
      mutate(p);
      await refused(encodePayload(p));
    });
  }

  test('data.poll swapped to the poll it is sent to', async () => {
    const p = await fresh(pollA);
    p.challenge.parameters.data = { poll: pollB };
    await refused(encodePayload(p), pollB);
  });

  test('a self-made challenge signed with a guessed key is refused', async () => {
    const { createChallenge, solveChallenge } = await import('altcha-lib');
    const { deriveKey } = await import('altcha-lib/algorithms/sha');
    const challenge = await createChallenge({
      algorithm: 'SHA-256', cost: 1, counter: 5, deriveKey, data: { poll: pollA },
      expiresAt: Math.floor(Date.now() / 1000) + 300, hmacSignatureSecret: 'secret',
    });
    const solution = await solveChallenge({ challenge, deriveKey });
    await refused(encodePayload({ challenge, solution }));
  });
});

describe('malformed payloads are refused with 422 human_check_failed', () => {
  const bad = {
    'garbage base64': 'not base64 at all!!!',
    'empty string': '',
    'base64 of non-JSON': Buffer.from('hello world').toString('base64'),
    'base64 of a JSON array': Buffer.from('[1,2,3]').toString('base64'),
    'base64 of a JSON string': Buffer.from('"x"').toString('base64'),
    'base64 of {}': Buffer.from('{}').toString('base64'),
    'raw JSON instead of base64': '{"challenge":null,"solution":null}',
    'long garbage': 'A'.repeat(7000),
  };
  for (const [name, altcha] of Object.entries(bad)) {
    test(name, async () => { await refused(altcha); });
  }
});

test('none of the refused payloads was counted', async () => {
  await sleep(2100);
  const s = await getStats(server, pollA);
  // accepted on pollA above: control, single-use, concurrent (1), re-encoded
  assert.equal(s.total, 4, JSON.stringify(s));
  const sb = await getStats(server, pollB);
  assert.equal(sb.total, 1, JSON.stringify(sb));
});
