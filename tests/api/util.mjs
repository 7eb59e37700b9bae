// Helpers for the black-box API tests (in addition to tests/lib/harness.mjs).
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { fetchChallenge, solve, adminHeaders } from '../lib/harness.mjs';

export const ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
export const UUID7_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const HEX_RE = /^[0-9a-f]+$/;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let uniq = 0;
/** A fresh, valid poll id. */
export function pid(prefix = 'p') {
  uniq += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${uniq}`;
}

/** Whole-second RFC 3339 UTC string for a Date / epoch ms. */
export function iso(t) {
  return new Date(Math.floor(new Date(t).getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function basicPoll(extra = {}) {
  return {
    title: 'Paredão de teste',
    candidates: [{ id: 'a', name: 'Ana' }, { id: 'b', name: 'Bruno' }, { id: 'c', name: 'Carla' }],
    ...extra,
  };
}

/**
 * Asserts an RFC 9457 problem response with the given status and stable code.
 * Returns the parsed body. `field` (optional) must be named in `detail`.
 */
export async function expectProblem(res, status, code, { field, text } = {}) {
  const raw = text ?? await res.text();
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${raw}`);
  const ct = (res.headers.get ? res.headers.get('content-type') : res.headers['content-type']) ?? '';
  assert.match(ct, /^application\/problem\+json\s*(;|$)/i, `content-type was ${ct}: ${raw}`);
  let body;
  try { body = JSON.parse(raw); } catch { assert.fail(`problem body is not JSON: ${raw}`); }
  assertProblemShape(body, status, code, raw);
  if (field) assert.ok(body.detail.includes(field), `detail should name "${field}": ${raw}`);
  return body;
}

export function assertProblemShape(body, status, code, raw = JSON.stringify(body)) {
  assert.equal(typeof body, 'object', raw);
  for (const k of ['type', 'title', 'status', 'detail', 'code']) assert.ok(k in body, `problem lacks "${k}": ${raw}`);
  assert.equal(typeof body.type, 'string', raw);
  assert.ok(body.type.length > 0, raw);
  assert.equal(typeof body.title, 'string', raw);
  assert.ok(body.title.length > 0, raw);
  assert.equal(typeof body.detail, 'string', raw);
  assert.ok(body.detail.length > 0, raw);
  assert.equal(body.status, status, raw);
  assert.equal(body.code, code, raw);
}

/** Fetch a JSON body and assert the status; returns the parsed body. */
export async function expectJson(res, status) {
  const raw = await res.text();
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${raw}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json\s*(;|$)/i, `content-type: ${raw}`);
  return JSON.parse(raw);
}

export function api(server, path, init = {}) {
  return fetch(`${server.url}${path}`, init);
}

export function postJson(server, path, body, headers = {}) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function adminPost(server, path, body) {
  return fetch(`${server.url}${path}`, {
    method: 'POST', headers: adminHeaders(server),
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });
}

export function adminGet(server, path) {
  return fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.adminToken}` } });
}

export async function getStats(server, pollId) {
  return expectJson(await adminGet(server, `/api/v1/polls/${pollId}/stats`), 200);
}

export async function getPoll(server, pollId) {
  return expectJson(await api(server, `/api/v1/polls/${pollId}`), 200);
}

export async function closePoll(server, pollId) {
  return expectJson(await adminPost(server, `/api/v1/polls/${pollId}/close`), 200);
}

/** A solved widget payload for the poll. */
export async function payloadFor(server, pollId) {
  return solve(await fetchChallenge(server, pollId));
}

export function postVote(server, pollId, candidateId, altcha, headers = {}) {
  return postJson(server, `/api/v1/polls/${pollId}/votes`, { candidate_id: candidateId, altcha }, headers);
}

export function decodePayload(b64) {
  return JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
}

export function encodePayload(obj) {
  return Buffer.from(JSON.stringify(obj)).toString('base64');
}

/** SHA-256 key derivation of altcha-lib's "sha" algorithm (cost iterations, uint32 counter). */
export function shaDerive(parameters, counter) {
  const salt = Buffer.from(parameters.salt, 'hex');
  const nonce = Buffer.from(parameters.nonce, 'hex');
  const ctr = Buffer.alloc(4);
  ctr.writeUInt32BE(counter);
  let key = createHash('sha256').update(Buffer.concat([salt, nonce, ctr])).digest();
  for (let i = 1; i < Math.max(1, parameters.cost); i++) key = createHash('sha256').update(key).digest();
  return key.subarray(0, parameters.keyLength ?? 32).toString('hex');
}

/** Flips the last hex digit of a hex string. */
export function flipHex(s) {
  const last = s[s.length - 1];
  return s.slice(0, -1) + (last === '0' ? '1' : '0');
}

/** Polls fn() every `every` ms until it returns a truthy value or `ms` elapse; returns the last value. */
export async function waitFor(fn, { ms = 3000, every = 100 } = {}) {
  const end = Date.now() + ms;
  let v;
  for (;;) {
    v = await fn();
    if (v) return v;
    if (Date.now() > end) return v;
    await sleep(every);
  }
}

/** Runs `count` tasks with at most `limit` in flight; returns results in order. */
export async function pool(count, limit, task) {
  const results = new Array(count);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, count) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      results[i] = await task(i);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Sum of percents in hundredths, exact. */
export function hundredths(candidates) {
  return candidates.reduce((s, c) => s + Math.round(c.percent * 100), 0);
}

export function assertTwoDecimals(p, ctx = '') {
  assert.equal(typeof p, 'number', ctx);
  assert.ok(Math.abs(p * 100 - Math.round(p * 100)) < 1e-6, `percent ${p} has more than two decimals ${ctx}`);
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP over node:net, for requests fetch cannot (or will not) send.

/** Parses as many complete HTTP/1.1 responses as `buf` holds. */
export function parseResponses(buf, { closed = false } = {}) {
  const out = [];
  let pos = 0;
  for (;;) {
    const headEnd = buf.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) break;
    const head = buf.subarray(pos, headEnd).toString('latin1');
    const [statusLine, ...lines] = head.split('\r\n');
    const m = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!m) throw new Error(`bad status line: ${JSON.stringify(statusLine)}`);
    const headers = {};
    for (const l of lines) {
      const i = l.indexOf(':');
      const k = l.slice(0, i).trim().toLowerCase();
      const v = l.slice(i + 1).trim();
      headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
    }
    let bodyStart = headEnd + 4;
    let body;
    const status = Number(m[1]);
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const parts = [];
      let p = bodyStart;
      let done = false;
      for (;;) {
        const le = buf.indexOf('\r\n', p);
        if (le < 0) break;
        const size = parseInt(buf.subarray(p, le).toString('latin1'), 16);
        if (Number.isNaN(size)) throw new Error('bad chunk size');
        if (size === 0) {
          const end = buf.indexOf('\r\n\r\n', le);
          if (end < 0) break;
          p = end + 4; done = true; break;
        }
        if (buf.length < le + 2 + size + 2) break;
        parts.push(buf.subarray(le + 2, le + 2 + size));
        p = le + 2 + size + 2;
      }
      if (!done) break;
      body = Buffer.concat(parts);
      pos = p;
    } else if (headers['content-length'] !== undefined) {
      const len = Number(headers['content-length']);
      if (buf.length < bodyStart + len) break;
      body = buf.subarray(bodyStart, bodyStart + len);
      pos = bodyStart + len;
    } else if (status === 204 || status === 304 || (status >= 100 && status < 200)) {
      body = Buffer.alloc(0);
      pos = bodyStart;
    } else {
      if (!closed) break;
      body = buf.subarray(bodyStart);
      pos = buf.length;
    }
    out.push({ status, headers, body: body.toString('utf8') });
  }
  return out;
}

/**
 * Sends `parts` (strings/Buffers, written one after another with a short pause so the server
 * can answer early) on a fresh connection, and resolves with the parsed responses once
 * `expect` responses are complete, the server closes, or `timeout` ms pass. Writing stops as
 * soon as a response starts to arrive (a server that refuses a request early may reset the
 * connection; a polite client stops sending). `localAddress` picks the source address.
 */
export function rawHttp(port, parts, { expect = 1, timeout = 5000, pauseMs = 2, localAddress } = {}) {
  if (!Array.isArray(parts)) parts = [parts];
  return new Promise((resolve) => {
    // localAddress: a source address of our own on loopback (127.0.0.0/8), standing for a client
    // of its own.
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    let buf = Buffer.alloc(0);
    let finished = false;
    let gotData = false;
    let closed = false;
    const finish = (why) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      let responses = [];
      try { responses = parseResponses(buf, { closed }); } catch (e) { responses = []; }
      sock.destroy();
      resolve({ responses, raw: buf.toString('latin1'), why });
    };
    const timer = setTimeout(() => finish('timeout'), timeout);
    sock.on('data', (d) => {
      gotData = true;
      buf = Buffer.concat([buf, d]);
      try {
        if (parseResponses(buf).length >= expect) finish('complete');
      } catch { /* keep reading */ }
    });
    sock.on('error', () => { closed = true; finish('error'); });
    sock.on('end', () => { closed = true; finish('end'); });
    sock.on('connect', async () => {
      for (const p of parts) {
        if (gotData || finished) break;
        const ok = sock.write(p);
        if (!ok) await new Promise((r) => sock.once('drain', r).once('close', r));
        if (pauseMs) await sleep(pauseMs);
      }
    });
  });
}

/** Splits a string/Buffer into chunks of `size` bytes. */
export function chunks(data, size = 1024) {
  const b = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const out = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

/** Asserts a raw response is a problem+json with the given status and code. */
export function expectRawProblem(r, status, code) {
  assert.ok(r, 'no response');
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.body}`);
  assert.match(r.headers['content-type'] ?? '', /^application\/problem\+json\s*(;|$)/i, `content-type: ${r.headers['content-type']}`);
  let body;
  try { body = JSON.parse(r.body); } catch { assert.fail(`problem body is not JSON: ${r.body}`); }
  assertProblemShape(body, status, code, r.body);
  return body;
}

// ---------------------------------------------------------------------------------------------
// Spawning the binary with arbitrary flags/environment (the harness always passes its own flags).
import { spawn } from 'node:child_process';
import { binaryPath } from '../lib/harness.mjs';

/**
 * Starts `paredao` with exactly `args` and `env` (merged over process.env minus PAREDAO_*);
 * resolves once a log line with "event":"listening" appears. Returns {proc, url, port, stdout(), stop(), kill()}.
 */
export async function startRaw({ args = ['serve'], env = {} } = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PAREDAO_')));
  const proc = spawn(binaryPath, args, { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise((res) => proc.once('exit', (code, signal) => res({ code, signal })));
  const address = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`paredao did not start within 15 s: ${out} ${err}`)), 15000);
    proc.stdout.on('data', (d) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        try { const e = JSON.parse(line); if (e.event === 'listening') { clearTimeout(timer); res(e.address); } } catch { /* not JSON */ }
      }
    });
    proc.stderr.on('data', (d) => { err += d.toString(); });
    exited.then((x) => { clearTimeout(timer); rej(new Error(`paredao exited early ${JSON.stringify(x)}: ${out} ${err}`)); });
  });
  const port = Number(address.split(':').pop());
  return {
    proc, port, url: `http://127.0.0.1:${port}`, exited,
    stdout: () => out, stderr: () => err,
    async stop() { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM'); return exited; },
    async kill() { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); return exited; },
  };
}

// ---------------------------------------------------------------------------------------------
// Clients of their own: each source address on loopback (127.0.0.0/8) is a client, and its /32 a
// network. In the distributed mode the load balancer names it to the api copies (PROXY header).

/**
 * GET …/challenge on a fresh connection from `from`, to `port` (default: the server's own);
 * `proxy` (a Buffer) is sent before the request, `xff` as X-Forwarded-For. The parsed response.
 */
export async function challengeFrom(server, pollId, { from, port = server.port, xff, proxy }) {
  const head = Buffer.from(`GET /api/v1/polls/${pollId}/challenge HTTP/1.1\r\nHost: paredao\r\n` +
    `${xff ? `X-Forwarded-For: ${xff}\r\n` : ''}Connection: close\r\n\r\n`);
  const r = await rawHttp(port, [proxy ? Buffer.concat([proxy, head]) : head], { localAddress: from });
  assert.ok(r.responses[0], `no response (${r.why}): ${r.raw}`);
  return r.responses[0];
}

/** POST …/votes on a fresh connection from `from`. The parsed response. */
export async function voteFrom(server, pollId, { from, altcha, candidate = 'a' }) {
  const body = JSON.stringify({ candidate_id: candidate, altcha });
  const head = `POST /api/v1/polls/${pollId}/votes HTTP/1.1\r\nHost: paredao\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
  const r = await rawHttp(server.port, [head + body], { localAddress: from });
  assert.ok(r.responses[0], `no response (${r.why}): ${r.raw}`);
  return r.responses[0];
}
