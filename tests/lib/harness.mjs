// Test harness shared by the black-box API, interop and browser tests: it starts the real
// `paredao serve` binary on an ephemeral loopback port with its own data dir, and solves
// challenges with the official altcha-lib, exactly as a client would.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solveChallenge } from 'altcha-lib';
import { deriveKey as shaDeriveKey } from 'altcha-lib/algorithms/sha';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const binaryPath = process.env.PAREDAO_BIN || join(repoRoot, 'build', 'paredao');
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export function makeDataDir() {
  return mkdtempSync(join(tmpdir(), 'paredao-test-'));
}

/** 'embedded' (default) or 'distributed' (PAREDAO_MODE): which shape startServer() runs. */
export const mode = process.env.PAREDAO_MODE ?? 'embedded';

/**
 * Spawns `paredao` with `args` and resolves once it logs the event `readyEvent` (JSON lines on
 * stdout). The returned object has proc, logs (parsed lines), ready (that line), exited,
 * stop() (SIGTERM, waits for exit) and kill() (SIGKILL, waits for exit).
 */
export async function spawnParedao(args, { readyEvent = 'listening', env = {}, timeoutMs = 15000 } = {}) {
  const proc = spawn(binaryPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  const exited = new Promise((res) => proc.once('exit', (code, signal) => res({ code, signal })));
  const ready = await new Promise((res, rej) => {
    let buffered = '';
    const timer = setTimeout(() => rej(new Error(`paredao ${args[0]} did not log ${readyEvent} within ${timeoutMs} ms`)), timeoutMs);
    const onLine = (line) => {
      let entry;
      try { entry = JSON.parse(line); } catch { return; }
      logs.push(entry);
      if (entry.event === readyEvent) { clearTimeout(timer); res(entry); }
    };
    proc.stdout.on('data', (chunk) => {
      buffered += chunk.toString();
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        onLine(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    });
    proc.stderr.on('data', (chunk) => process.stderr.write(chunk));
    proc.once('error', (error) => { clearTimeout(timer); rej(new Error(`cannot start ${binaryPath}: ${error.message}`)); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`paredao ${args[0]} exited early (${code ?? signal}): ${JSON.stringify(logs.slice(-3))}`));
    });
  });
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  return {
    proc, logs, ready, exited,
    async stop() { if (alive()) proc.kill('SIGTERM'); return exited; },
    async kill() { if (alive()) proc.kill('SIGKILL'); return exited; },
  };
}

/**
 * The edge's defences (pace, limits), off unless a test asks for them with `edge: true` (the
 * defaults) or its own flags in `args`: every other test is one client voting far faster than a
 * person, and is not about the edge.
 */
export function edgeArgs(options) {
  if (options.edge) return [];
  return ['--human-pace', '0', '--challenge-limit', '0', '--vote-limit', '0', '--quarantine-pace', '0'];
}

/**
 * The proof of work: SHA-256 (what solve() below computes, fast in tests) unless a test is about
 * the memory-hard default (`pow: 'default'`) or passes its own --pow-algorithm in `args` (the
 * later flag wins).
 */
export function powArgs(options) {
  return options.pow === 'default' ? [] : ['--pow-algorithm', 'SHA-256'];
}

/**
 * Starts the service and resolves once it listens. In embedded mode: `paredao serve` with its
 * own data dir. In distributed mode: a whole stack of its own (see startStack). Options: dataDir
 * (reused for restart tests, embedded), args (extra flags), env, demo (default false),
 * difficulty (default 1000). The returned object has url, port, logs, adminToken, stop(),
 * kill() and cleanup(); a stack also has backends (the api copies' own URLs).
 */
export async function startServer(options = {}) {
  if (mode === 'distributed') {
    const { startStack } = await import('./stack.mjs');
    return startStack(options);
  }
  const dataDir = options.dataDir ?? makeDataDir();
  const args = [
    'serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir,
    '--admin-token', options.adminToken ?? ADMIN_TOKEN,
    '--pow-difficulty', String(options.difficulty ?? 1000),
    ...powArgs(options),
    ...edgeArgs(options),
    ...(options.demo ? [] : ['--no-demo']),
    ...(options.args ?? []),
  ];
  const service = await spawnParedao(args, { env: options.env });
  const port = Number(service.ready.address.split(':').pop());
  return {
    proc: service.proc, dataDir, logs: service.logs, port,
    url: `http://127.0.0.1:${port}`,
    adminToken: options.adminToken ?? ADMIN_TOKEN,
    exited: service.exited,
    stop: service.stop,
    kill: service.kill,
    cleanup() { rmSync(dataDir, { recursive: true, force: true }); },
  };
}

export function adminHeaders(server, extra = {}) {
  return { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json', ...extra };
}

/** Creates a poll through the admin API and returns the parsed Poll. */
export async function createPoll(server, body) {
  const res = await fetch(`${server.url}/api/v1/polls`, {
    method: 'POST', headers: adminHeaders(server), body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create poll: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function openPoll(server, pollId) {
  const res = await fetch(`${server.url}/api/v1/polls/${pollId}/open`, { method: 'POST', headers: adminHeaders(server) });
  if (res.status !== 200) throw new Error(`open poll: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Solves a challenge JSON (as served by GET …/challenge) into the widget's base64 payload. */
export async function solve(challenge) {
  const solution = await solveChallenge({ challenge, deriveKey: shaDeriveKey });
  if (!solution) throw new Error('challenge not solved');
  return Buffer.from(JSON.stringify({
    challenge: { parameters: challenge.parameters, signature: challenge.signature },
    solution,
  })).toString('base64');
}

export async function fetchChallenge(server, pollId) {
  const res = await fetch(`${server.url}/api/v1/polls/${pollId}/challenge`);
  if (res.status !== 200) throw new Error(`challenge: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Fetches a challenge, solves it and posts the vote; returns the fetch Response. */
export async function vote(server, pollId, candidateId) {
  const altcha = await solve(await fetchChallenge(server, pollId));
  return fetch(`${server.url}/api/v1/polls/${pollId}/votes`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ candidate_id: candidateId, altcha }),
  });
}
