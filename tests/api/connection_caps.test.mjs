// No client can take the listener down: 20,000 idle connections from one address (127.0.0.2)
// against a server whose file limit is 4,096 leave it serving everyone else (127.0.0.1), since
// past --max-connections-per-network (default 1024) a new connection is closed at once.
// Regression: the flood exhausted the file limit, accepts failed, and every other voter timed out.
// Embedded mode (the same HTTP server as the api copies, which sit behind a load balancer here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { binaryPath, makeDataDir, ADMIN_TOKEN, createPoll, openPoll, vote, repoRoot } from '../lib/harness.mjs';
import { rmSync } from 'node:fs';

const FLOOD = 20000;

/** `paredao serve` under a file limit of 4,096, resolved once it listens. */
async function startLimitedServer(dataDir) {
  const proc = spawn('prlimit', ['--nofile=4096:4096', binaryPath, 'serve', '--listen', '127.0.0.1:0',
    '--data-dir', dataDir, '--admin-token', ADMIN_TOKEN, '--pow-difficulty', '1000', '--no-demo',
    '--pow-algorithm', 'SHA-256'],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((res) => proc.once('exit', (code, signal) => res({ code, signal })));
  const listening = await new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`no listening line: ${out}`)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      for (const line of out.split('\n')) {
        try { const e = JSON.parse(line); if (e.event === 'listening') { clearTimeout(timer); res(e); } } catch { /* partial */ }
      }
    });
  });
  const port = Number(listening.address.split(':').pop());
  return { proc, exited, listening, port, url: `http://127.0.0.1:${port}`, adminToken: ADMIN_TOKEN };
}

test('20,000 idle connections from 127.0.0.2 do not stop votes from 127.0.0.1', async () => {
  const dataDir = makeDataDir();
  const server = await startLimitedServer(dataDir);
  let flood;
  try {
    assert.equal(server.listening.file_limit, 4096);
    assert.equal(server.listening.max_connections_per_network, 1024);
    const poll = await createPoll(server, { title: 'Cerco', candidates: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }] });
    await openPoll(server, poll.id);

    // The flood, in as many processes as this machine's file limit needs (Node raises its soft
    // limit to the hard one; raising the hard one needs a privilege CI may not have).
    const hard = Number(execFileSync('sh', ['-c', 'ulimit -Hn']).toString().trim()) || 1024;
    const perProcess = Math.max(500, Math.min(5000, hard - 200));
    flood = [];
    for (let left = FLOOD; left > 0; left -= perProcess) {
      flood.push(spawn(process.execPath, [join(repoRoot, 'tests', 'lib', 'idle_flood.mjs'),
        String(server.port), String(Math.min(perProcess, left)), '127.0.0.2'],
      { stdio: ['pipe', 'pipe', 'inherit'] }));
    }
    const reports = await Promise.all(flood.map((child) => new Promise((res, rej) => {
      let out = '';
      const timer = setTimeout(() => rej(new Error('the flood never settled')), 60000);
      child.stdout.on('data', (d) => {
        out += d;
        const nl = out.indexOf('\n');
        if (nl >= 0) { clearTimeout(timer); res(JSON.parse(out.slice(0, nl))); }
      });
    })));
    const held = reports.reduce((sum, r) => ({ opened: sum.opened + r.opened, open: sum.open + r.open }),
      { opened: 0, open: 0 });
    console.log(`# flood from 127.0.0.2 in ${flood.length} processes: ${held.opened} connections ` +
      `accepted by the kernel, ${held.open} still open`);
    assert.ok(held.open <= 1024, `127.0.0.2 holds ${held.open} connections, more than its network's cap`);
    assert.ok(held.open >= 1000, `127.0.0.2 could not even open its share: ${held.open}`);

    // Meanwhile, everyone else votes as usual.
    for (let i = 0; i < 20; i++) {
      const started = Date.now();
      const res = await vote(server, poll.id, i % 2 ? 'a' : 'b');
      assert.equal(res.status, 202, `vote ${i}: ${res.status} ${await res.text()}`);
      assert.ok(Date.now() - started < 3000, `vote ${i} took ${Date.now() - started} ms`);
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const refused = Number(/paredao_http_connections_refused_total\{reason="network"\} (\d+)/.exec(metrics)?.[1]);
    assert.ok(refused >= FLOOD - 1024 - 100, `refused over the network cap: ${refused}`);
  } finally {
    for (const child of flood ?? []) child.stdin.end();
    server.proc.kill('SIGTERM');
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
