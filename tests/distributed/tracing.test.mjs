// Tracing, end to end: a distributed stack exporting its spans with OTLP/HTTP to a receiver that
// decodes them with the official protobuf definitions (tests/lib/otlp_receiver.mjs). One vote,
// sent with a W3C traceparent, is followed across three processes: from the api copy's HTTP span
// through its batch and the publish to RabbitMQ, into the worker's record and its PostgreSQL and
// Redis steps, and, once Redis has lost its counts, into the sync service counting it again from
// PostgreSQL: every parent/child link checked. The log lines written for a request carry its
// trace id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createPoll, fetchChallenge, openPoll, repoRoot, solve } from '../lib/harness.mjs';
import { startOtlpReceiver } from '../lib/otlp_receiver.mjs';
import { startStack } from '../lib/stack.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const servers = (...args) => promisify(execFile)(join(repoRoot, 'deploy', 'local', 'servers.sh'), args);

async function castVote(stack, poll, headers = {}, altcha = undefined) {
  const payload = altcha ?? await solve(await fetchChallenge(stack, poll.id));
  return fetch(`${stack.url}/api/v1/polls/${poll.id}/votes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ candidate_id: poll.candidates[0].id, altcha: payload }),
  });
}

test('one vote traced across the api copy, the worker and the sync service, parent by parent', { timeout: 120000 }, async () => {
  const receiver = await startOtlpReceiver();
  // Ratio 0: only what a caller asks to sample is recorded, so every span received is this vote's.
  const stack = await startStack({ tracing: { endpoint: receiver.url, ratio: 0 } });
  try {
    const poll = await createPoll(stack, { title: 'Rastreado', candidates: [{ name: 'Ana' }, { name: 'Bia' }] });
    await openPoll(stack, poll.id);
    for (let i = 0; i < 3; i++) assert.equal((await castVote(stack, poll)).status, 202);  // not sampled

    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const res = await castVote(stack, poll, { traceparent: `00-${traceId}-${callerSpan}-01` });
    assert.equal(res.status, 202);

    const names = ['POST votes', 'vote batch commit', 'publish votes', 'record votes',
      'postgres record batches', 'redis apply batch'];
    await receiver.waitFor('the vote\'s six spans', (spans) =>
      names.every((n) => spans.some((s) => s.traceId === traceId && s.name === n)));
    const span = (name) => receiver.spans.find((s) => s.traceId === traceId && s.name === name);
    const http = span('POST votes');
    const batch = span('vote batch commit');
    const publish = span('publish votes');
    const record = span('record votes');
    const postgres = span('postgres record batches');
    const redis = span('redis apply batch');

    assert.equal(http.parentSpanId, callerSpan, 'the HTTP span continues the caller\'s');
    assert.equal(http.kind, 'SPAN_KIND_SERVER');
    assert.equal(http.attributes['http.response.status_code'], 202);
    assert.equal(batch.parentSpanId, http.spanId, 'the batch continues the vote\'s request');
    assert.equal(publish.parentSpanId, batch.spanId);
    assert.equal(publish.kind, 'SPAN_KIND_PRODUCER');
    assert.equal(record.parentSpanId, publish.spanId, 'the worker continues the message\'s trace');
    assert.equal(record.kind, 'SPAN_KIND_CONSUMER');
    assert.equal(record.attributes['paredao.batch_id'], batch.attributes['paredao.batch_id']);
    assert.equal(record.attributes['paredao.outcome'], 'counted');
    assert.equal(postgres.parentSpanId, record.spanId);
    assert.equal(redis.parentSpanId, record.spanId);
    for (const s of [http, batch, publish]) assert.equal(s.service, 'paredao-api', s.name);
    for (const s of [record, postgres, redis]) assert.equal(s.service, 'paredao-worker', s.name);

    // Nothing else was sampled at ratio 0: the other votes and the challenges were not recorded.
    await sleep(1500);
    assert.deepEqual([...new Set(receiver.spans.map((s) => s.traceId))], [traceId]);

    // Redis loses its data (a restart without persistence): the sync service counts the batch
    // again from PostgreSQL, in the trace of the message that carried it.
    await servers('restart', 'redis');
    await receiver.waitFor('the sync service\'s span', (spans) =>
      spans.some((s) => s.traceId === traceId && s.name === 'count batch from history'));
    const recount = span('count batch from history');
    assert.equal(recount.service, 'paredao-reconcile');
    assert.equal(recount.parentSpanId, publish.spanId, 'the sync service continues the message\'s trace');
    assert.equal(recount.attributes['paredao.batch_id'], batch.attributes['paredao.batch_id']);

    // One grep of the trace id finds the sync service's line about it too.
    const line = stack.reconcilers[0].logs.find((l) => l.event === 'batch_counted_by_sync' && l.trace_id === traceId);
    assert.ok(line, 'the sync service logged the batch it counted, in its trace');
    assert.equal(line.span_id, recount.spanId);
    assert.equal(line.batch_id, batch.attributes['paredao.batch_id']);
  } finally {
    await stack.stop();
    stack.cleanup();
    await receiver.close();
  }
});

test('a request without traceparent starts a trace, sampled at the ratio; its log lines carry the trace id', { timeout: 120000 }, async () => {
  const receiver = await startOtlpReceiver();
  const stack = await startStack({ tracing: { endpoint: receiver.url, ratio: 1 } });
  try {
    const poll = await createPoll(stack, { title: 'Rastreado', candidates: [{ name: 'Ana' }, { name: 'Bia' }] });
    await openPoll(stack, poll.id);
    assert.equal((await castVote(stack, poll)).status, 202);
    await receiver.waitFor('a root HTTP span and the worker\'s record of its vote', (spans) => {
      const roots = spans.filter((s) => s.name === 'POST votes' && s.parentSpanId === '');
      return roots.some((r) => spans.some((s) => s.name === 'record votes' && s.traceId === r.traceId));
    });

    // A refused vote: its warning names the request's trace, whichever copy took it.
    const traceId = randomBytes(16).toString('hex');
    const refused = await castVote(stack, poll, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      'bm90IGEgc29sdXRpb24=');
    assert.equal(refused.status, 422);
    await receiver.waitFor('the refused vote\'s span', (spans) => spans.some((s) => s.traceId === traceId));
    const line = stack.apis.flatMap((a) => a.logs).find((l) => l.event === 'human_check_refused' && l.trace_id === traceId);
    assert.ok(line, 'a human_check_refused line with the trace id');
    const refusedSpan = receiver.spans.find((s) => s.traceId === traceId && s.name === 'POST votes');
    assert.equal(line.span_id, refusedSpan.spanId);
    assert.equal(refusedSpan.attributes['http.response.status_code'], 422);
  } finally {
    await stack.stop();
    stack.cleanup();
    await receiver.close();
  }
});
