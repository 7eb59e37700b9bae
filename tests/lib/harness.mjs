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

/**
 * Starts `paredao serve` and resolves once it logs its listening address.
 * Options: dataDir (reused for restart tests), args (extra flags), env, demo (default false),
 * difficulty (default 1000). The returned object has url, port, dataDir, logs (array of
 * parsed JSON log lines), stop() (SIGTERM, waits for exit) and kill() (SIGKILL, waits for exit).
 */
export async function startServer(options = {}) {
  const dataDir = options.dataDir ?? makeDataDir();
  const args = [
    'serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir,
    '--admin-token', options.adminToken ?? ADMIN_TOKEN,
    '--pow-difficulty', String(options.difficulty ?? 1000),
    ...(options.demo ? [] : ['--no-demo']),
    ...(options.args ?? []),
  ];
  const proc = spawn(binaryPath, args, {
    env: { ...process.env, ...(options.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  const exited = new Promise((res) => proc.once('exit', (code, signal) => res({ code, signal })));
  const address = await new Promise((res, rej) => {
    let buffered = '';
    const timer = setTimeout(() => rej(new Error('paredao did not start within 15 s')), 15000);
    const onLine = (line) => {
      let entry;
      try { entry = JSON.parse(line); } catch { return; }
      logs.push(entry);
      if (entry.event === 'listening') { clearTimeout(timer); res(entry.address); }
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
    exited.then(({ code, signal }) => { clearTimeout(timer); rej(new Error(`paredao exited early (${code ?? signal})`)); });
  });
  const port = Number(address.split(':').pop());
  const server = {
    proc, dataDir, logs, port,
    url: `http://127.0.0.1:${port}`,
    adminToken: options.adminToken ?? ADMIN_TOKEN,
    exited,
    async stop() { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM'); return exited; },
    async kill() { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); return exited; },
    cleanup() { rmSync(dataDir, { recursive: true, force: true }); },
  };
  return server;
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
