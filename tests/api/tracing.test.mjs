// Tracing, in either mode: a vote sent with a W3C traceparent becomes the HTTP span's child and
// its batch's parent, exported with OTLP/HTTP (decoded here with the official protobuf
// definitions); a production request's log line carries its trace. The whole path across the
// distributed processes is tests/distributed/tracing.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { adminHeaders, createPoll, fetchChallenge, mode, solve, startServer } from '../lib/harness.mjs';
import { startOtlpReceiver } from '../lib/otlp_receiver.mjs';

test('a traced vote: the request continues the caller, the batch continues the request', { timeout: 60000 }, async () => {
  const receiver = await startOtlpReceiver();
  // Ratio 0: only what the caller samples is exported.
  const server = await startServer(mode === 'distributed'
    ? { tracing: { endpoint: receiver.url, ratio: 0 } }
    : { args: ['--otlp-endpoint', receiver.url, '--trace-sample-ratio', '0'] });
  try {
    const traceId = randomBytes(16).toString('hex');
    const caller = randomBytes(8).toString('hex');
    const traceparent = `00-${traceId}-${caller}-01`;
    const created = await fetch(`${server.url}/api/v1/polls`, {
      method: 'POST',
      headers: adminHeaders(server, { 'content-type': 'application/json', traceparent }),
      body: JSON.stringify({ title: 'Rastreio', candidates: [{ name: 'Ana' }, { name: 'Bia' }] }),
    });
    assert.equal(created.status, 201);
    const poll = await created.json();
    const opened = await fetch(`${server.url}/api/v1/polls/${poll.id}/open`, { method: 'POST', headers: adminHeaders(server) });
    assert.equal(opened.status, 200);
    const altcha = await solve(await fetchChallenge(server, poll.id));
    const res = await fetch(`${server.url}/api/v1/polls/${poll.id}/votes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent },
      body: JSON.stringify({ candidate_id: poll.candidates[0].id, altcha }),
    });
    assert.equal(res.status, 202);
    await receiver.waitFor('the vote\'s request and batch', (spans) =>
      ['POST polls', 'POST votes', 'vote batch commit'].every((n) => spans.some((s) => s.traceId === traceId && s.name === n)));
    const find = (name) => receiver.spans.find((s) => s.traceId === traceId && s.name === name);
    const vote = find('POST votes');
    assert.equal(vote.parentSpanId, caller);
    assert.equal(vote.attributes['http.route'], 'votes');
    assert.equal(find('vote batch commit').parentSpanId, vote.spanId);
    const create = find('POST polls');
    assert.equal(create.parentSpanId, caller);
    // Only what the caller sampled was exported (ratio 0): no challenge, no opening.
    assert.ok(receiver.spans.every((s) => s.traceId === traceId));
    // The creation's log line names the trace (the api copy that took it, in distributed mode).
    const logs = server.apis ? server.apis.flatMap((a) => a.logs) : server.logs;
    const line = logs.find((l) => l.event === 'poll_created' && l.poll_id === poll.id);
    assert.equal(line?.trace_id, traceId);
    assert.equal(line.span_id, create.spanId);
  } finally {
    await server.stop();
    server.cleanup();
    await receiver.close();
  }
});
