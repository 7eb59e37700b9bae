// The edge (api.md, "The edge"): who the client is (its TCP peer, or what a trusted proxy says
// through a PROXY header or X-Forwarded-For), and the work and limits that follow its network's
// pace. Each client below is a source address of its own on loopback (127.0.0.0/8); in the
// distributed mode they go through the load balancer, which names them to the api copies with a
// PROXY header, and the copies share the pace through Redis.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createPoll, openPoll, solve, mode } from '../lib/harness.mjs';
import { expectRawProblem, pid, basicPoll, getStats, waitFor, challengeFrom, voteFrom } from './util.mjs';

const BASE = 1000;
const HUMAN_PACE = 2;
const CHALLENGE_LIMIT = 10;
const VOTE_LIMIT = 3;

let server;
let poll;
// A trusted proxy's address: our own load balancer (127.0.0.1) in the distributed mode, and a
// second one (127.0.0.2) in both.
const TRUSTED = '127.0.0.2';
before(async () => {
  server = await startServer({
    edge: true,
    difficulty: BASE,
    args: ['--human-pace', String(HUMAN_PACE), '--challenge-limit', String(CHALLENGE_LIMIT),
      '--vote-limit', String(VOTE_LIMIT),
      '--trusted-proxies', `127.0.0.1/32,${TRUSTED}/32`],
  });
  poll = (await createPoll(server, basicPoll({ id: pid('edge') }))).id;
  await openPoll(server, poll);
});
after(async () => { await server?.stop(); server?.cleanup(); });

// The port a proxy of ours talks to: an api copy itself (the load balancer would add its own
// PROXY header in front of the test's).
const directPort = () => (mode === 'distributed' ? Number(new URL(server.backends[0]).port) : server.port);

const challenge = (options) => challengeFrom(server, poll, options);

const work = (response) => {
  assert.equal(response.status, 200, response.body);
  return Number(response.headers['paredao-work']);
};

function proxyV2(source) {
  const signature = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
  const addresses = Buffer.alloc(12);
  source.split('.').forEach((octet, i) => { addresses[i] = Number(octet); });
  [127, 0, 0, 1].forEach((octet, i) => { addresses[4 + i] = octet; });
  addresses.writeUInt16BE(40000, 8);
  addresses.writeUInt16BE(80, 10);
  return Buffer.concat([signature, Buffer.from([0x21, 0x11, 0, 12]), addresses]);
}
const proxyV1 = (source) => Buffer.from(`PROXY TCP4 ${source} 127.0.0.1 40000 80\r\n`);

test('the work doubles per human pace past it, as the formula says, then 429 with Retry-After', async () => {
  const from = '127.0.0.20';
  const works = [];
  for (let i = 0; i < CHALLENGE_LIMIT; i++) works.push(work(await challenge({ from })));
  // p ≤ H: the base; past it B × 2^⌈(p − H) / H⌉.
  const expected = Array.from({ length: CHALLENGE_LIMIT }, (_, i) => {
    const p = i + 1;
    return p <= HUMAN_PACE ? BASE : BASE * 2 ** Math.ceil((p - HUMAN_PACE) / HUMAN_PACE);
  });
  assert.deepEqual(works, expected);

  const refused = await challenge({ from });
  const problem = expectRawProblem(refused, 429, 'rate_limited');
  assert.match(problem.detail, /challenges/);
  const retryAfter = Number(refused.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 50 && retryAfter <= 60, `Retry-After ${refused.headers['retry-after']}`);
  // Another network is not touched by it.
  assert.equal(work(await challenge({ from: '127.0.0.21' })), BASE);
});

test('a challenge asks exactly the work its header says: the solution lies below it', async () => {
  const from = '127.0.0.22';
  for (let i = 0; i < HUMAN_PACE; i++) work(await challenge({ from }));
  const response = await challenge({ from });
  const asked = work(response);
  assert.equal(asked, 2 * BASE);
  const payload = JSON.parse(Buffer.from(await solve(JSON.parse(response.body)), 'base64').toString());
  assert.ok(payload.solution.counter < asked && payload.solution.counter >= asked / 2,
    `counter ${payload.solution.counter} for work ${asked}`);
});

test('many networks at a human pace always get the base work and are never limited', async () => {
  const sources = Array.from({ length: 12 }, (_, i) => `127.0.0.${30 + i}`);
  for (let round = 0; round < HUMAN_PACE; round++) {
    const works = await Promise.all(sources.map((from) => challenge({ from }).then(work)));
    assert.deepEqual(works, sources.map(() => BASE));
  }
});

test('X-Forwarded-For from a trusted proxy names the client; from any other peer it is ignored', async () => {
  // Each forwarded address its own network: six challenges, all at the base.
  for (let i = 1; i <= 6; i++) {
    const r = await challenge({ from: TRUSTED, port: directPort(), xff: `198.51.100.200, 203.0.113.${i}` });
    assert.equal(work(r), BASE, `forwarded 203.0.113.${i}`);
  }
  // The right-most address that is not a proxy of ours: trusted hops on its right are skipped.
  const named = [];
  for (let i = 0; i < HUMAN_PACE + 1; i++) {
    named.push(work(await challenge({ from: TRUSTED, port: directPort(), xff: `192.0.2.50, ${TRUSTED}` })));
  }
  assert.deepEqual(named, [BASE, BASE, 2 * BASE]);
  // From a peer we do not trust, the header is the client's own word: one network whatever it says.
  const ignored = [];
  for (let i = 0; i < HUMAN_PACE + 1; i++) {
    ignored.push(work(await challenge({ from: '127.0.0.50', xff: `203.0.113.${100 + i}` })));
  }
  assert.deepEqual(ignored, [BASE, BASE, 2 * BASE]);
});

test('a PROXY header (v1 or v2) from a trusted proxy names the client, whatever X-Forwarded-For says', async () => {
  const client = '192.0.2.77';
  const works = [
    work(await challenge({ from: TRUSTED, port: directPort(), proxy: proxyV2(client), xff: '203.0.113.1' })),
    work(await challenge({ from: TRUSTED, port: directPort(), proxy: proxyV1(client), xff: '203.0.113.2' })),
    work(await challenge({ from: TRUSTED, port: directPort(), proxy: proxyV2(client), xff: '203.0.113.3' })),
  ];
  assert.deepEqual(works, [BASE, BASE, 2 * BASE]);
});

test('a malformed PROXY header, or one from a peer that is not a proxy of ours, is 400 malformed_request', async () => {
  const malformed = await challenge({ from: TRUSTED, port: directPort(), proxy: Buffer.from('PROXY TCP4 192.0.2.1 127.0.0.1 1\r\n') });
  expectRawProblem(malformed, 400, 'malformed_request');
  for (const proxy of [proxyV1('192.0.2.78'), proxyV2('192.0.2.78')]) {
    const refused = await challenge({ from: '127.0.0.60', port: directPort(), proxy });
    const problem = expectRawProblem(refused, 400, 'malformed_request');
    assert.match(problem.detail, /trusted proxy/);
  }
});

const castVote = (options) => voteFrom(server, poll, options);

test('past the vote limit a network gets 429 with Retry-After; the refused payload stays usable', async () => {
  const from = '127.0.0.70';
  const payloads = [];
  for (let i = 0; i < VOTE_LIMIT + 1; i++) {
    payloads.push(await solve(JSON.parse((await challenge({ from: i < HUMAN_PACE ? from : `127.0.0.${80 + i}` })).body)));
  }
  for (let i = 0; i < VOTE_LIMIT; i++) assert.equal((await castVote({ from, altcha: payloads[i] })).status, 202);
  const refused = await castVote({ from, altcha: payloads[VOTE_LIMIT] });
  const problem = expectRawProblem(refused, 429, 'rate_limited');
  assert.match(problem.detail, /votes/);
  const retryAfter = Number(refused.headers['retry-after']);
  assert.ok(retryAfter >= 50 && retryAfter <= 60, `Retry-After ${refused.headers['retry-after']}`);
  // A bad payload is still judged first: 422, not 429.
  expectRawProblem(await castVote({ from, altcha: 'bm90IGEgcGF5bG9hZA==' }), 422, 'human_check_failed');
  // The refused payload was not used: from another network it is accepted.
  assert.equal((await castVote({ from: '127.0.0.71', altcha: payloads[VOTE_LIMIT] })).status, 202);
  // Counted: the four 202s, nothing of the 429.
  assert.ok(await waitFor(async () => (await getStats(server, poll)).total === VOTE_LIMIT + 1, { ms: 5000 }));
});

test('metrics count the challenges by work level and the 429s', async () => {
  const urls = mode === 'distributed' ? server.backends : [server.url];
  const texts = await Promise.all(urls.map((u) => fetch(`${u}/metrics`).then((r) => r.text())));
  const sum = (re) => texts.reduce((total, text) => total + [...text.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0), 0);
  assert.ok(sum(/^paredao_challenges_issued_total\{work="1000"\} (\d+)/gm) >= 40);
  assert.ok(sum(/^paredao_challenges_issued_total\{work="16000"\} (\d+)/gm) >= 2);
  assert.ok(sum(/^paredao_rate_limited_total\{kind="challenge"\} (\d+)/gm) >= 1);
  assert.ok(sum(/^paredao_rate_limited_total\{kind="vote"\} (\d+)/gm) >= 1);
  const crossings = sum(/^paredao_networks_over_human_pace_total (\d+)/gm);
  assert.ok(crossings >= 4);
  // The networks over the human pace now (the last 60 s): per copy; the max over them.
  const now = Math.max(...texts.map((t) => Number(/^paredao_networks_over_human_pace (\d+)/m.exec(t)?.[1] ?? -1)));
  assert.ok(now >= 1 && now <= crossings, `networks over the pace now: ${now} (crossings ${crossings})`);
});
