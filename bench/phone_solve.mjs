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
import { join } from 'node:path';
import { startServer, createPoll, openPoll, repoRoot } from '../tests/lib/harness.mjs';
import { launchPhone, median } from './lib/phone.mjs';

const [solvesArg, workArg, ...serveFlags] = process.argv.slice(2);
const solves = Number(solvesArg ?? 10);
const work = Number(workArg ?? 50000);
const phoneCpu = Number(process.env.PHONE_CPU ?? 1.0);
const phoneCores = Number(process.env.PHONE_CORES ?? 4);

const server = await startServer({
  difficulty: work,
  pow: 'default',  // the product's defaults, changed only by the flags given
  args: ['--web-dir', join(repoRoot, 'web', 'dist'), ...serveFlags],
});
const phone = await launchPhone({ cpu: phoneCpu, cores: phoneCores });
try {
  const poll = await createPoll(server, {
    id: 'phone', title: 'Paredão', candidates: [{ id: 'a', name: 'Ana' }, { id: 'b', name: 'Bia' }],
  });
  await openPoll(server, poll.id);
  const { page } = await phone.newPhonePage();
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
  console.log(JSON.stringify({
    work, flags: serveFlags.join(' '), phone_cpu: phoneCpu, phone_cores: phoneCores,
    processes_capped: phone.processesCapped(), solves: times.map((t) => Math.round(t)), median_ms: Math.round(median(times)),
  }));
} finally {
  await phone.close();
  await server.stop();
  server.cleanup();
}
