// How long the official ALTCHA widget takes to solve one of our challenges on an emulated
// mid-range phone: Debian's Chromium, its whole process tree (renderer and web workers included)
// capped by a cgroup to PHONE_CPU cores of this machine (default 1.0), and told it has
// PHONE_CORES cores (default 4: the widget starts one worker per core). With the defaults that is
// four cores, each four times slower than this machine's (Lighthouse's "mid-tier mobile"
// factor). DevTools' CPU throttling would not do: it slows the page's main thread, not its web
// workers, where the widget solves.
//
//   node bench/phone_solve.mjs SOLVES WORK [paredao serve flags...]
//   e.g. node bench/phone_solve.mjs 11 2000                            (the default: scrypt)
//        node bench/phone_solve.mjs 5 50000 --pow-algorithm SHA-256
//
// Prints each solve's time (from the challenge's arrival to the widget's "verified") and their
// median. Needs root (the cgroup), build/paredao and web/dist. Loopback only; bounded.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '../tests/node_modules/playwright-core/index.mjs';
import { startServer, createPoll, openPoll, repoRoot } from '../tests/lib/harness.mjs';

const [solvesArg, workArg, ...serveFlags] = process.argv.slice(2);
const solves = Number(solvesArg ?? 10);
const work = Number(workArg ?? 50000);
const phoneCpu = Number(process.env.PHONE_CPU ?? 1.0);
const phoneCores = Number(process.env.PHONE_CORES ?? 4);
const CGROUP = '/sys/fs/cgroup/cpu/paredao-phone';

const server = await startServer({
  difficulty: work,
  pow: 'default',  // the product's defaults, changed only by the flags given
  args: ['--web-dir', join(repoRoot, 'web', 'dist'), ...serveFlags],
});
mkdirSync(CGROUP, { recursive: true });
writeFileSync(join(CGROUP, 'cpu.cfs_period_us'), '100000');
writeFileSync(join(CGROUP, 'cpu.cfs_quota_us'), String(Math.round(phoneCpu * 100000)));
let browser;
try {
  const poll = await createPoll(server, {
    id: 'phone', title: 'Paredão', candidates: [{ id: 'a', name: 'Ana' }, { id: 'b', name: 'Bia' }],
  });
  await openPoll(server, poll.id);
  // Chromium starts inside the cgroup, so every process it forks (renderers, the workers'
  // threads) is capped with it.
  const launcher = join(tmpdir(), `phone-chromium-${process.pid}.sh`);
  writeFileSync(launcher, `#!/bin/sh\necho $$ > ${CGROUP}/cgroup.procs\nexec ${process.env.CHROMIUM_PATH || '/usr/bin/chromium'} "$@"\n`,
    { mode: 0o755 });
  browser = await chromium.launch({
    executablePath: launcher,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update'],
  });
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
  await context.addInitScript(`Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => ${phoneCores} });`);
  const page = await context.newPage();
  const times = [];
  for (let i = 0; i < solves; i++) {
    const arrived = page.waitForResponse((r) => r.url().endsWith('/challenge') && r.status() === 200)
      .then(() => performance.now());
    await page.goto(`${server.url}/p/${poll.id}`);
    const start = await arrived;
    await page.waitForFunction(() => document.querySelector('altcha-widget')?.getState() === 'verified',
      null, { timeout: 120_000, polling: 20 });
    times.push(performance.now() - start);
  }
  const inCgroup = readFileSync(join(CGROUP, 'cgroup.procs'), 'utf8').trim().split('\n').length;
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(JSON.stringify({
    work, flags: serveFlags.join(' '), phone_cpu: phoneCpu, phone_cores: phoneCores,
    processes_capped: inCgroup, solves: times.map((t) => Math.round(t)), median_ms: Math.round(median),
  }));
} finally {
  await browser?.close().catch(() => {});
  await server.stop();
  server.cleanup();
  try { execFileSync('sh', ['-c', `cat ${CGROUP}/cgroup.procs | while read p; do echo $p > /sys/fs/cgroup/cpu/cgroup.procs; done`]); } catch { /* empty */ }
  try { rmdirSync(CGROUP); } catch { /* busy: left for the next run */ }
  rmSync(join(tmpdir(), `phone-chromium-${process.pid}.sh`), { force: true });
}
