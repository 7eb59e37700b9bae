// Every route of the contract, every error code of its table, and the precedence order of errors.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createPoll, openPoll, fetchChallenge, solve, ADMIN_TOKEN } from '../lib/harness.mjs';
import {
  expectProblem, expectJson, api, postJson, adminPost, adminGet, postVote, payloadFor, pid, basicPoll,
  rawHttp, chunks, expectRawProblem, closePoll,
} from './util.mjs';

let server;
let openId; // open poll a/b/c
let draftId; // draft poll a/b/c
let closedId; // closed poll a/b/c

before(async () => {
  server = await startServer();
  openId = (await createPoll(server, basicPoll({ id: pid('open') }))).id;
  await openPoll(server, openId);
  draftId = (await createPoll(server, basicPoll({ id: pid('draft') }))).id;
  closedId = (await createPoll(server, basicPoll({ id: pid('closed') }))).id;
  await openPoll(server, closedId);
  await closePoll(server, closedId);
});
after(async () => { await server?.stop(); server?.cleanup(); });

function allowOf(res) {
  const h = res.headers.get('allow');
  assert.ok(h, 'a 405 must carry an Allow header');
  return h.split(',').map((s) => s.trim().toUpperCase());
}

describe('routes', () => {
  test('GET /api/v1/polls → 200 {polls: [...]}', async () => {
    const body = await expectJson(await api(server, '/api/v1/polls'), 200);
    assert.ok(Array.isArray(body.polls));
  });

  test('GET /api/v1/polls/{id} → 200 Poll, unknown → 404 not_found', async () => {
    const poll = await expectJson(await api(server, `/api/v1/polls/${openId}`), 200);
    assert.equal(poll.id, openId);
    assert.equal(poll.status, 'open');
    await expectProblem(await api(server, '/api/v1/polls/no-such-poll'), 404, 'not_found');
  });

  test('GET challenge: 200 open, 404 unknown, 409 poll_not_open for draft and closed', async () => {
    const res = await api(server, `/api/v1/polls/${openId}/challenge`);
    await expectJson(res, 200);
    await expectProblem(await api(server, '/api/v1/polls/no-such-poll/challenge'), 404, 'not_found');
    await expectProblem(await api(server, `/api/v1/polls/${draftId}/challenge`), 409, 'poll_not_open');
    await expectProblem(await api(server, `/api/v1/polls/${closedId}/challenge`), 409, 'poll_not_open');
  });

  test('GET results: 200, unknown poll 404', async () => {
    const r = await expectJson(await api(server, `/api/v1/polls/${openId}/results`), 200);
    assert.equal(r.poll_id, openId);
    await expectProblem(await api(server, '/api/v1/polls/no-such-poll/results'), 404, 'not_found');
  });

  test('GET stats: 200 with token, 401 without / with wrong token / wrong scheme, 404 unknown poll', async () => {
    const s = await expectJson(await adminGet(server, `/api/v1/polls/${openId}/stats`), 200);
    assert.equal(s.poll_id, openId);
    await expectProblem(await api(server, `/api/v1/polls/${openId}/stats`), 401, 'unauthorized');
    await expectProblem(await api(server, `/api/v1/polls/${openId}/stats`, { headers: { authorization: 'Bearer wrong-token' } }), 401, 'unauthorized');
    await expectProblem(await api(server, `/api/v1/polls/${openId}/stats`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } }), 401, 'unauthorized');
    await expectProblem(await api(server, `/api/v1/polls/${openId}/stats`, { headers: { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` } }), 401, 'unauthorized');
    await expectProblem(await api(server, `/api/v1/polls/${openId}/stats`, { headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` } }), 401, 'unauthorized');
    await expectProblem(await api(server, `/api/v1/polls/${openId}/stats`, { headers: { authorization: ADMIN_TOKEN } }), 401, 'unauthorized');
    await expectProblem(await adminGet(server, '/api/v1/polls/no-such-poll/stats'), 404, 'not_found');
    // token comes before the poll: unknown poll without a token is 401
    await expectProblem(await api(server, '/api/v1/polls/no-such-poll/stats'), 401, 'unauthorized');
  });

  test('POST /api/v1/polls, /open, /close require the admin token (401)', async () => {
    await expectProblem(await postJson(server, '/api/v1/polls', basicPoll()), 401, 'unauthorized');
    await expectProblem(await postJson(server, '/api/v1/polls', basicPoll(), { authorization: 'Bearer nope' }), 401, 'unauthorized');
    await expectProblem(await api(server, `/api/v1/polls/${draftId}/open`, { method: 'POST' }), 401, 'unauthorized');
    await expectProblem(await api(server, `/api/v1/polls/${openId}/close`, { method: 'POST' }), 401, 'unauthorized');
    await expectProblem(await api(server, '/api/v1/polls/no-such-poll/open', { method: 'POST' }), 401, 'unauthorized');
    // and nothing changed
    assert.equal((await expectJson(await api(server, `/api/v1/polls/${openId}`), 200)).status, 'open');
  });

  test('POST open/close on an unknown poll → 404 not_found', async () => {
    await expectProblem(await adminPost(server, '/api/v1/polls/no-such-poll/open'), 404, 'not_found');
    await expectProblem(await adminPost(server, '/api/v1/polls/no-such-poll/close'), 404, 'not_found');
  });

  test('POST open without a body and without Content-Type is fine (no body → no media type needed)', async () => {
    // Natural reading of "Requests with a body must send Content-Type": a bodyless POST needs none.
    const id = (await createPoll(server, basicPoll({ id: pid('nobody') }))).id;
    const res = await api(server, `/api/v1/polls/${id}/open`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const poll = await expectJson(res, 200);
    assert.equal(poll.status, 'open');
  });

  test('ops routes', async () => {
    assert.equal((await api(server, '/healthz')).status, 200);
    assert.equal((await api(server, '/readyz')).status, 200);
    assert.equal((await api(server, '/metrics')).status, 200);
  });
});

describe('unknown routes → 404 not_found (problem+json, never HTML)', () => {
  for (const [method, path] of [
    ['GET', '/api/v1/nope'],
    ['GET', '/api/v2/polls'],
    ['GET', '/api/v1/polls/x/nope'],
    ['GET', '/api/v1/polls/x/votes/y'],
    ['POST', '/api/v1/nope'],
    ['GET', '/api/v1'],
    ['DELETE', '/api/v1/nope'],
  ]) {
    test(`${method} ${path}`, async () => {
      await expectProblem(await api(server, path, { method }), 404, 'not_found');
    });
  }

  test('unknown route wins over a missing token and a huge body', async () => {
    const res = await api(server, '/api/v1/admin/nope', {
      method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(10000),
    });
    await expectProblem(res, 404, 'not_found');
  });
});

describe('wrong method → 405 method_not_allowed with Allow', () => {
  const cases = [
    ['DELETE', '/api/v1/polls', ['GET', 'POST']],
    ['PUT', '/api/v1/polls', ['GET', 'POST']],
    ['PATCH', () => `/api/v1/polls/${openId}`, ['GET']],
    ['POST', () => `/api/v1/polls/${openId}`, ['GET']],
    ['DELETE', () => `/api/v1/polls/${openId}`, ['GET']],
    ['POST', () => `/api/v1/polls/${openId}/challenge`, ['GET']],
    ['GET', () => `/api/v1/polls/${openId}/votes`, ['POST']],
    ['PUT', () => `/api/v1/polls/${openId}/votes`, ['POST']],
    ['POST', () => `/api/v1/polls/${openId}/results`, ['GET']],
    ['POST', () => `/api/v1/polls/${openId}/stats`, ['GET']],
    ['GET', () => `/api/v1/polls/${draftId}/open`, ['POST']],
    ['GET', () => `/api/v1/polls/${openId}/close`, ['POST']],
    ['POST', '/healthz', ['GET']],
    ['POST', '/readyz', ['GET']],
    ['POST', '/metrics', ['GET']],
  ];
  for (const [method, p, allowed] of cases) {
    test(`${method} ${typeof p === 'string' ? p : p().replace(/polls\/[^/]+/, 'polls/{id}')}`, async () => {
      const path = typeof p === 'string' ? p : p();
      const res = await api(server, path, { method });
      await expectProblem(res, 405, 'method_not_allowed');
      const allow = allowOf(res);
      for (const m of allowed) assert.ok(allow.includes(m), `Allow "${allow}" should include ${m}`);
      assert.ok(!allow.includes(method), `Allow "${allow}" must not include ${method}`);
    });
  }

  test('405 comes before the token (admin route, wrong method, no token)', async () => {
    const res = await api(server, `/api/v1/polls/${draftId}/open`, { method: 'GET' });
    await expectProblem(res, 405, 'method_not_allowed');
    allowOf(res);
    const res2 = await api(server, `/api/v1/polls/${openId}/stats`, { method: 'DELETE' });
    await expectProblem(res2, 405, 'method_not_allowed');
  });

  test('405 comes before the poll (unknown poll, wrong method)', async () => {
    const res = await api(server, '/api/v1/polls/no-such-poll/votes', { method: 'GET' });
    await expectProblem(res, 405, 'method_not_allowed');
    assert.ok(allowOf(res).includes('POST'));
  });
});

describe('body size → 413 payload_too_large, before parsing', () => {
  const big = (n) => '{"candidate_id":"a","altcha":"' + 'x'.repeat(n) + '"}';

  test('a valid-JSON body of 8193 bytes on votes → 413', async () => {
    const json = '{"candidate_id":"a","altcha":"x"}';
    const body = json + ' '.repeat(8193 - json.length);
    assert.equal(Buffer.byteLength(body), 8193);
    await expectProblem(await postJson(server, `/api/v1/polls/${openId}/votes`, body), 413, 'payload_too_large');
  });

  test('a body of exactly 8192 bytes is not refused for its size', async () => {
    const altcha = await payloadFor(server, openId);
    let body = JSON.stringify({ candidate_id: 'a', altcha });
    body += ' '.repeat(8192 - Buffer.byteLength(body));
    assert.equal(Buffer.byteLength(body), 8192);
    const res = await postJson(server, `/api/v1/polls/${openId}/votes`, body);
    const text = await res.text();
    assert.equal(res.status, 202, text);
  });

  test('invalid JSON over 8 KiB is 413, not 400', async () => {
    await expectProblem(await postJson(server, `/api/v1/polls/${openId}/votes`, '{' + 'x'.repeat(9000)), 413, 'payload_too_large');
  });

  test('413 even on an unknown poll (size comes before the poll)', async () => {
    await expectProblem(await postJson(server, '/api/v1/polls/no-such-poll/votes', big(9000)), 413, 'payload_too_large');
  });

  test('413 beats 415 (size before media type)', async () => {
    const res = await api(server, `/api/v1/polls/${openId}/votes`, {
      method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(9000),
    });
    await expectProblem(res, 413, 'payload_too_large');
  });

  test('admin create: 401 beats 413, and 413 with a token', async () => {
    const body = JSON.stringify({ ...basicPoll(), pad: 'x'.repeat(9000) });
    await expectProblem(await postJson(server, '/api/v1/polls', body), 401, 'unauthorized');
    await expectProblem(await adminPost(server, '/api/v1/polls', body), 413, 'payload_too_large');
  });

  test('chunked body over 8 KiB (invalid JSON inside) → 413 (raw socket)', async () => {
    const head = `POST /api/v1/polls/${openId}/votes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const parts = [head];
    for (let i = 0; i < 12; i++) parts.push(`400\r\n${'{'.repeat(1024)}\r\n`); // 12 KiB of '{'
    parts.push('0\r\n\r\n');
    const { responses, raw } = await rawHttp(server.port, parts);
    assert.ok(responses.length >= 1, `no response: ${raw.slice(0, 300)}`);
    expectRawProblem(responses[0], 413, 'payload_too_large');
  });

  test('chunked body over 8 KiB made of small valid-JSON chunks → 413', async () => {
    const head = `POST /api/v1/polls/${openId}/votes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const json = JSON.stringify({ candidate_id: 'a', altcha: 'y'.repeat(9000) });
    const parts = [head, ...chunks(json, 500).map((c) => Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')])), '0\r\n\r\n'];
    const { responses, raw } = await rawHttp(server.port, parts);
    assert.ok(responses.length >= 1, `no response: ${raw.slice(0, 300)}`);
    expectRawProblem(responses[0], 413, 'payload_too_large');
  });

  test('a small chunked body is accepted like any other', async () => {
    const altcha = await payloadFor(server, openId);
    const json = JSON.stringify({ candidate_id: 'b', altcha });
    const parts = [
      `POST /api/v1/polls/${openId}/votes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`,
      ...chunks(json, 100).map((c) => Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')])),
      '0\r\n\r\n',
    ];
    const { responses, raw } = await rawHttp(server.port, parts);
    assert.equal(responses[0]?.status, 202, raw.slice(0, 500));
  });

  test('Content-Length over 8 KiB → 413 (raw socket, body streamed)', async () => {
    const body = '{' + 'x'.repeat(9999);
    const head = `POST /api/v1/polls/${openId}/votes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { responses, raw } = await rawHttp(server.port, [head, ...chunks(body, 1024)]);
    assert.ok(responses.length >= 1, `no response: ${raw.slice(0, 300)}`);
    expectRawProblem(responses[0], 413, 'payload_too_large');
  });
});

describe('media type → 415 unsupported_media_type', () => {
  const vote = JSON.stringify({ candidate_id: 'a', altcha: 'x' });
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', 'text/json', 'multipart/form-data; boundary=x']) {
    test(`Content-Type: ${ct}`, async () => {
      const res = await api(server, `/api/v1/polls/${openId}/votes`, { method: 'POST', headers: { 'content-type': ct }, body: vote });
      await expectProblem(res, 415, 'unsupported_media_type');
    });
  }

  test('missing Content-Type with a body → 415', async () => {
    // fetch adds text/plain for string bodies; a Uint8Array body gets no Content-Type at all.
    const res = await api(server, `/api/v1/polls/${openId}/votes`, { method: 'POST', body: new TextEncoder().encode(vote) });
    await expectProblem(res, 415, 'unsupported_media_type');
  });

  test('415 beats invalid JSON, and 415 on an unknown poll (media type before the poll)', async () => {
    await expectProblem(await api(server, `/api/v1/polls/${openId}/votes`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{nope' }), 415, 'unsupported_media_type');
    await expectProblem(await api(server, '/api/v1/polls/no-such-poll/votes', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: vote }), 415, 'unsupported_media_type');
  });

  test('admin create with text/plain → 415, without token → 401', async () => {
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' };
    await expectProblem(await api(server, '/api/v1/polls', { method: 'POST', headers, body: JSON.stringify(basicPoll()) }), 415, 'unsupported_media_type');
    await expectProblem(await api(server, '/api/v1/polls', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(basicPoll()) }), 401, 'unauthorized');
  });

  test('application/json; charset=utf-8 is accepted (vote and create)', async () => {
    const altcha = await payloadFor(server, openId);
    const res = await postVote(server, openId, 'a', altcha, { 'content-type': 'application/json; charset=utf-8' });
    assert.equal(res.status, 202, await res.text());
    const res2 = await api(server, '/api/v1/polls', {
      method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(basicPoll()),
    });
    assert.equal(res2.status, 201, await res2.text());
  });
});

describe('JSON syntax → 400 invalid_json, before the poll', () => {
  for (const body of ['{', '{"candidate_id": "a",}', 'nope', '', '{"a":1}{', '\u0000']) {
    test(`body ${JSON.stringify(body)}`, async () => {
      await expectProblem(await postJson(server, `/api/v1/polls/${openId}/votes`, body), 400, 'invalid_json');
    });
  }

  test('invalid JSON on an unknown poll is 400 invalid_json (JSON syntax comes before the poll)', async () => {
    await expectProblem(await postJson(server, '/api/v1/polls/no-such-poll/votes', '{"candidate_id":'), 400, 'invalid_json');
  });

  test('invalid JSON on admin create → 400 invalid_json', async () => {
    await expectProblem(await adminPost(server, '/api/v1/polls', '{"title": "x", candidates: []}'), 400, 'invalid_json');
  });

  test('invalid UTF-8 inside a JSON string → 400 (invalid_json)', async () => {
    const body = Buffer.concat([Buffer.from('{"candidate_id":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","altcha":"x"}')]);
    const res = await api(server, `/api/v1/polls/${openId}/votes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    // JSON bodies are UTF-8 (contract); bytes that are not UTF-8 are not valid JSON text.
    await expectProblem(res, 400, 'invalid_json');
  });
});

describe('the poll (404) comes before fields (400)', () => {
  test('valid JSON with missing fields on an unknown poll → 404', async () => {
    await expectProblem(await postJson(server, '/api/v1/polls/no-such-poll/votes', {}), 404, 'not_found');
    await expectProblem(await postJson(server, '/api/v1/polls/no-such-poll/votes', { candidate_id: 'a', altcha: 'x' }), 404, 'not_found');
  });
});

describe('fields → 400 invalid_request naming the field', () => {
  const cases = [
    [{ altcha: 'x' }, 'candidate_id'],
    [{ candidate_id: 5, altcha: 'x' }, 'candidate_id'],
    [{ candidate_id: null, altcha: 'x' }, 'candidate_id'],
    [{ candidate_id: ['a'], altcha: 'x' }, 'candidate_id'],
    [{ candidate_id: { id: 'a' }, altcha: 'x' }, 'candidate_id'],
    [{ candidate_id: 'a' }, 'altcha'],
    [{ candidate_id: 'a', altcha: 42 }, 'altcha'],
    [{ candidate_id: 'a', altcha: null }, 'altcha'],
    [{ candidate_id: 'a', altcha: true }, 'altcha'],
    [{ candidate_id: 'a', altcha: { challenge: {} } }, 'altcha'],
  ];
  for (const [body, field] of cases) {
    test(`${JSON.stringify(body)} → names ${field}`, async () => {
      await expectProblem(await postJson(server, `/api/v1/polls/${openId}/votes`, body), 400, 'invalid_request', { field });
    });
  }

  test('a JSON body that is not an object → 400 invalid_request', async () => {
    for (const body of ['[]', '"a"', '42', 'null', '[{"candidate_id":"a","altcha":"x"}]']) {
      await expectProblem(await postJson(server, `/api/v1/polls/${openId}/votes`, body), 400, 'invalid_request');
    }
  });

  test('fields (400) come before poll status (409): draft poll with missing fields', async () => {
    await expectProblem(await postJson(server, `/api/v1/polls/${draftId}/votes`, { candidate_id: 'a' }), 400, 'invalid_request', { field: 'altcha' });
    await expectProblem(await postJson(server, `/api/v1/polls/${closedId}/votes`, { altcha: 'x' }), 400, 'invalid_request', { field: 'candidate_id' });
  });
});

describe('poll status (409) before candidate and human check (422)', () => {
  test('vote on a draft poll → 409 poll_not_open, even with an unknown candidate and bad altcha', async () => {
    await expectProblem(await postVote(server, draftId, 'a', 'garbage'), 409, 'poll_not_open');
    await expectProblem(await postVote(server, draftId, 'zzz', 'garbage'), 409, 'poll_not_open');
  });

  test('vote on a closed poll → 409 poll_not_open', async () => {
    await expectProblem(await postVote(server, closedId, 'a', 'garbage'), 409, 'poll_not_open');
    await expectProblem(await postVote(server, closedId, 'zzz', 'garbage'), 409, 'poll_not_open');
  });

  test('a valid payload on a poll closed after the challenge was issued → 409 poll_not_open', async () => {
    const id = (await createPoll(server, basicPoll({ id: pid('late') }))).id;
    await openPoll(server, id);
    const altcha = await payloadFor(server, id);
    await closePoll(server, id);
    await expectProblem(await postVote(server, id, 'a', altcha), 409, 'poll_not_open');
  });

  test('unknown candidate beats a bad altcha: 422 unknown_candidate', async () => {
    await expectProblem(await postVote(server, openId, 'zzz', 'garbage'), 422, 'unknown_candidate');
    await expectProblem(await postVote(server, openId, 'A', 'garbage'), 422, 'unknown_candidate');
    await expectProblem(await postVote(server, openId, '', 'garbage'), 422, 'unknown_candidate');
  });

  test('known candidate, bad altcha → 422 human_check_failed', async () => {
    await expectProblem(await postVote(server, openId, 'a', 'garbage'), 422, 'human_check_failed');
  });
});

describe('a vote refused before the human check leaves the challenge unused', () => {
  test('unknown_candidate, then the same payload works for a valid candidate', async () => {
    const altcha = await payloadFor(server, openId);
    await expectProblem(await postVote(server, openId, 'nobody', altcha), 422, 'unknown_candidate');
    const res = await postVote(server, openId, 'c', altcha);
    assert.equal(res.status, 202, await res.text());
    // and now it is used
    await expectProblem(await postVote(server, openId, 'c', altcha), 422, 'human_check_failed');
  });

  test('invalid_request and unsupported media type, then the same payload works', async () => {
    const altcha = await payloadFor(server, openId);
    await expectProblem(await postJson(server, `/api/v1/polls/${openId}/votes`, { candidate_id: 7, altcha }), 400, 'invalid_request', { field: 'candidate_id' });
    await expectProblem(await api(server, `/api/v1/polls/${openId}/votes`, {
      method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ candidate_id: 'a', altcha }),
    }), 415, 'unsupported_media_type');
    const res = await postVote(server, openId, 'a', altcha);
    assert.equal(res.status, 202, await res.text());
  });

  test('a vote sent to the wrong (draft) poll does not burn the challenge of the right one', async () => {
    const altcha = await payloadFor(server, openId);
    await expectProblem(await postVote(server, draftId, 'a', altcha), 409, 'poll_not_open');
    const res = await postVote(server, openId, 'b', altcha);
    assert.equal(res.status, 202, await res.text());
  });
});

describe('errors are never HTML or empty', () => {
  test('404 body is problem+json even when the client prefers HTML', async () => {
    const res = await api(server, '/api/v1/nope', { headers: { accept: 'text/html' } });
    await expectProblem(res, 404, 'not_found');
  });
});

describe('robustness of the vote body', () => {
  test('unknown fields in a vote are ignored', async () => {
    const altcha = await payloadFor(server, openId);
    const res = await postJson(server, `/api/v1/polls/${openId}/votes`, { candidate_id: 'a', altcha, extra: { x: [1, 2] }, poll_id: 'other' });
    const body = await expectJson(res, 202);
    assert.equal(body.poll_id, openId);
  });

  test('deeply nested JSON (within 8 KiB) is a 400, not a crash', async () => {
    const deep = '['.repeat(4000) + ']'.repeat(4000);
    const res = await postJson(server, `/api/v1/polls/${openId}/votes`, deep);
    const text = await res.text();
    assert.equal(res.status, 400, text);
    assert.ok(['invalid_json', 'invalid_request'].includes(JSON.parse(text).code), text);
    const deepObj = '{"a":'.repeat(1300) + '1' + '}'.repeat(1300); // 7 801 bytes
    const res2 = await postJson(server, `/api/v1/polls/${openId}/votes`, deepObj);
    assert.equal(res2.status, 400, await res2.text());
    assert.equal((await api(server, '/healthz')).status, 200);
  });

  test('a query string does not change the route', async () => {
    await expectJson(await api(server, `/api/v1/polls?page=2`), 200);
    const p = await expectJson(await api(server, `/api/v1/polls/${openId}?x=1`), 200);
    assert.equal(p.id, openId);
    await expectJson(await api(server, `/api/v1/polls/${openId}/challenge?t=${Date.now()}`), 200);
  });
});
