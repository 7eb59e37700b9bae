// docs/openapi.yaml stays in step with the server: every route of the contract is described, every
// stable error code is listed, and every status the server actually answers is documented for
// that operation. (Full OpenAPI validation: `npx @redocly/cli lint docs/openapi.yaml`.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot, createPoll, openPoll, vote, adminHeaders } from '../lib/harness.mjs';
import { api } from './util.mjs';

const text = readFileSync(join(repoRoot, 'docs', 'openapi.yaml'), 'utf8');

/**
 * Reads `paths` → method → documented status codes from the document. The file is written in
 * block style with two-space indentation, which is all this small reader understands.
 */
function documentedStatuses() {
  const out = new Map();
  let inPaths = false, path = null, method = null, inResponses = false;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) { inPaths = line.startsWith('paths:'); continue; }
    if (!inPaths) continue;
    let m;
    if ((m = /^ {2}(\/\S*):\s*$/.exec(line))) { path = m[1]; method = null; continue; }
    if ((m = /^ {4}(get|post|put|patch|delete|head|options):\s*$/.exec(line))) {
      method = m[1]; inResponses = false; out.set(`${method} ${path}`, new Set()); continue;
    }
    if (/^ {6}\S/.test(line)) { inResponses = /^ {6}responses:/.test(line); continue; }
    if (inResponses && method && (m = /^ {8}'(\d{3})':/.exec(line))) out.get(`${method} ${path}`).add(Number(m[1]));
  }
  return out;
}

const documented = documentedStatuses();
let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); server?.cleanup(); });

function assertDocumented(method, path, status) {
  const statuses = documented.get(`${method} ${path}`);
  assert.ok(statuses, `docs/openapi.yaml lacks ${method.toUpperCase()} ${path}`);
  assert.ok(statuses.has(status), `docs/openapi.yaml: ${method.toUpperCase()} ${path} does not document ${status}`);
}

test('declares OpenAPI 3.1 and every route of the contract', () => {
  assert.match(text, /^openapi: 3\.1\.\d+$/m);
  const routes = [
    'get /api/v1/polls', 'post /api/v1/polls', 'get /api/v1/polls/{poll_id}',
    'get /api/v1/polls/{poll_id}/challenge', 'post /api/v1/polls/{poll_id}/votes',
    'get /api/v1/polls/{poll_id}/results', 'get /api/v1/polls/{poll_id}/stats',
    'post /api/v1/polls/{poll_id}/open', 'post /api/v1/polls/{poll_id}/close',
    'get /healthz', 'get /readyz', 'get /metrics',
    'get /api/v1/polls/{poll_id}/quarantine', 'post /api/v1/polls/{poll_id}/quarantine/release',
    'post /api/v1/polls/{poll_id}/quarantine/void', 'get /api/v1/polls/{poll_id}/watch',
    'put /api/v1/polls/{poll_id}/watch', 'get /api/v1/polls/{poll_id}/audit',
  ];
  for (const route of routes) assert.ok(documented.has(route), `missing ${route}`);
});

test('lists every stable error code', () => {
  const codes = ['invalid_json', 'invalid_request', 'unauthorized', 'not_found', 'method_not_allowed',
    'poll_not_open', 'invalid_transition', 'results_hidden', 'payload_too_large', 'unsupported_media_type',
    'unknown_candidate', 'human_check_failed', 'rate_limited', 'unavailable', 'malformed_request', 'internal'];
  for (const code of codes) assert.match(text, new RegExp(`^ {12}- ${code}$`, 'm'), `Problem.code lacks ${code}`);
});

test('every status the server answers is documented for its operation', async () => {
  const P = '/api/v1/polls';
  const json = { 'content-type': 'application/json' };
  const admin = adminHeaders(server);
  const cases = [];
  const hit = async (method, path, url, init = {}) => {
    const res = await api(server, url, { method: method.toUpperCase(), ...init });
    await res.arrayBuffer();
    cases.push([method, path, res.status]);
  };

  await hit('get', P, P);
  await hit('post', P, P, { headers: json, body: '{}' });
  await hit('post', P, P, { headers: admin, body: '{' });
  await hit('post', P, P, { headers: admin, body: '{"title":1}' });
  await hit('post', P, P, { headers: { ...admin, 'content-type': 'text/plain' }, body: '{}' });
  await hit('post', P, P, { headers: admin, body: 'x'.repeat(9000) });
  const body = JSON.stringify({ id: 'doc-poll', title: 'Paredão', candidates: [{ id: 'ana', name: 'Ana Clara' }, { id: 'bruno', name: 'Bruno' }] });
  await hit('post', P, P, { headers: admin, body });
  await hit('post', P, P, { headers: admin, body });
  await hit('get', `${P}/{poll_id}`, `${P}/doc-poll`);
  await hit('get', `${P}/{poll_id}`, `${P}/nada`);
  await hit('get', `${P}/{poll_id}/challenge`, `${P}/doc-poll/challenge`);
  await hit('post', `${P}/{poll_id}/open`, `${P}/doc-poll/open`);
  await hit('post', `${P}/{poll_id}/open`, `${P}/doc-poll/open`, { headers: admin });
  await hit('post', `${P}/{poll_id}/open`, `${P}/doc-poll/open`, { headers: admin });
  await hit('get', `${P}/{poll_id}/challenge`, `${P}/doc-poll/challenge`);
  await hit('get', `${P}/{poll_id}/challenge`, `${P}/nada/challenge`);
  const votes = `${P}/{poll_id}/votes`;
  await hit('post', votes, `${P}/doc-poll/votes`, { headers: { 'content-type': 'text/plain' }, body: '{}' });
  await hit('post', votes, `${P}/doc-poll/votes`, { headers: json, body: 'nope' });
  await hit('post', votes, `${P}/doc-poll/votes`, { headers: json, body: '{}' });
  await hit('post', votes, `${P}/nada/votes`, { headers: json, body: '{"candidate_id":"ana","altcha":"x"}' });
  await hit('post', votes, `${P}/doc-poll/votes`, { headers: json, body: '{"candidate_id":"diego","altcha":"x"}' });
  await hit('post', votes, `${P}/doc-poll/votes`, { headers: json, body: '{"candidate_id":"ana","altcha":"x"}' });
  const accepted = await vote(server, 'doc-poll', 'ana');
  cases.push(['post', votes, accepted.status]);
  await hit('get', `${P}/{poll_id}/results`, `${P}/doc-poll/results`);
  await hit('get', `${P}/{poll_id}/stats`, `${P}/doc-poll/stats`);
  await hit('get', `${P}/{poll_id}/stats`, `${P}/doc-poll/stats`, { headers: admin });
  await hit('post', `${P}/{poll_id}/close`, `${P}/doc-poll/close`, { headers: admin });
  await hit('post', `${P}/{poll_id}/close`, `${P}/doc-poll/close`, { headers: admin });
  await hit('post', votes, `${P}/doc-poll/votes`, { headers: json, body: '{"candidate_id":"ana","altcha":"x"}' });
  await createPoll(server, { id: 'doc-hidden', title: 'Oculto', show_partial_results: false, candidates: [{ name: 'Ana Clara' }, { name: 'Bruno' }] });
  await openPoll(server, 'doc-hidden');
  await hit('get', `${P}/{poll_id}/results`, `${P}/doc-hidden/results`);
  await hit('get', P, P, { method: 'DELETE' });
  const Q = `${P}/{poll_id}/quarantine`;
  await hit('get', Q, `${P}/doc-poll/quarantine`);
  await hit('get', Q, `${P}/doc-poll/quarantine`, { headers: admin });
  await hit('get', Q, `${P}/nada/quarantine`, { headers: admin });
  for (const action of ['release', 'void']) {
    await hit('post', `${Q}/${action}`, `${P}/doc-poll/quarantine/${action}`, { headers: admin });
    await hit('post', `${Q}/${action}`, `${P}/doc-poll/quarantine/${action}`, { headers: admin, body: '{"network":"x"}' });
    await hit('post', `${Q}/${action}`, `${P}/doc-poll/quarantine/${action}`, { headers: admin, body: '{' });
    await hit('post', `${Q}/${action}`, `${P}/doc-poll/quarantine/${action}`);
  }
  const W = `${P}/{poll_id}/watch`;
  await hit('get', W, `${P}/doc-poll/watch`, { headers: admin });
  await hit('put', W, `${P}/doc-poll/watch`, { headers: admin, body: '{"networks":["203.0.113.0/24"]}' });
  await hit('put', W, `${P}/doc-poll/watch`, { headers: admin, body: '{"networks":[1]}' });
  await hit('put', W, `${P}/doc-poll/watch`, { headers: { ...admin, 'content-type': 'text/plain' }, body: '{}' });
  await hit('get', `${P}/{poll_id}/audit`, `${P}/doc-poll/audit`, { headers: admin });
  await hit('get', `${P}/{poll_id}/audit`, `${P}/nada/audit`, { headers: admin });
  await hit('get', '/healthz', '/healthz');
  await hit('get', '/readyz', '/readyz');
  await hit('get', '/metrics', '/metrics');

  const statuses = new Set(cases.map(([, , s]) => s));
  for (const s of [200, 201, 202, 400, 401, 403, 404, 405, 409, 413, 415, 422]) {
    assert.ok(statuses.has(s), `the walk should have produced a ${s}`);
  }
  for (const [method, path, status] of cases) assertDocumented(method, path, status);
});
