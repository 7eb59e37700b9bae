// When the participants are on screen, cold, on the emulated phone of bench/phone_first_vote.mjs
// (a fresh browser context each run: a new renderer process), against the floor of that
// emulation: a page of three buttons with no style and a one-line script, served on the same
// network with the same round trip. Playwright does not touch either page until 5 s after the
// navigation (its own script, injected at the first locator, costs the throttled page time).
//
//   node bench/phone_first_paint.mjs [RUNS]
//
// Prints JSON: per run and page, [responseEnd, domInteractive, first-contentful-paint,
// participants, largest-contentful-paint] in ms from the navigation's start (the participants: the
// page's own mark, in the frame after they are laid out; the largest paint: when the portraits
// were painted), and their medians. WEB_DIST: another build of the page to measure. Needs root (the cgroup), build/paredao and
// web/dist. Loopback only.
import http from 'node:http';
import { join } from 'node:path';
import { startServer, createPoll, openPoll, repoRoot } from '../tests/lib/harness.mjs';
import { launchPhone, median, FAST_3G } from './lib/phone.mjs';

const runs = Number(process.argv[2] ?? 6);
const FLOOR = `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Paredão</title></head>
<body><h1>Paredão da semana</h1><button>Votar para eliminar Ana Clara</button>
<button>Votar para eliminar Bruno Souza</button><button>Votar para eliminar Carla Dias</button>
<script type="module">requestAnimationFrame(() => performance.mark('paredao:participants'));</script></body></html>`;

const floor = http.createServer((req, res) => {
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(req.url === '/' ? FLOOR : '');
});
await new Promise((resolve) => floor.listen(0, '127.0.0.1', resolve));
const webDist = process.env.WEB_DIST ?? join(repoRoot, 'web', 'dist');
const server = await startServer({ pow: 'default', edge: true, difficulty: 2000, args: ['--web-dir', webDist] });
const phone = await launchPhone({ cpu: Number(process.env.PHONE_CPU ?? 0.5) });
const times = { floor: [], page: [] };
try {
  const poll = await createPoll(server, {
    id: 'phone', title: 'Paredão da semana',
    candidates: [{ id: 'ana', name: 'Ana Clara' }, { id: 'bruno', name: 'Bruno Souza' }, { id: 'carla', name: 'Carla Dias' }],
  });
  await openPoll(server, poll.id);
  const pages = [['floor', `http://127.0.0.1:${floor.address().port}/`], ['page', `${server.url}/`]];
  for (let run = 0; run < runs; run++) {
    for (const [kind, url] of pages) {
      const { context, page } = await phone.newPhonePage({ cpuSlowdown: Number(process.env.PHONE_SLOWDOWN ?? 4), network: FAST_3G });
      try {
        await page.goto(url, { waitUntil: 'commit' });
        await new Promise((r) => setTimeout(r, 5000));
        times[kind].push(await page.evaluate(async () => {
          const nav = performance.getEntriesByType('navigation')[0];
          const at = (name) => Math.round(performance.getEntriesByName(name)[0]?.startTime ?? -1);
          const largest = await new Promise((resolve) => {
            new PerformanceObserver((list) => resolve(list.getEntries().at(-1).startTime))
              .observe({ type: 'largest-contentful-paint', buffered: true });
            setTimeout(() => resolve(-1), 1000);
          });
          return [Math.round(nav.responseEnd), Math.round(nav.domInteractive), at('first-contentful-paint'),
            at('paredao:participants'), Math.round(largest)];
        }));
      } finally {
        await context.close();
      }
    }
  }
  const medians = (kind) => ({
    first_contentful_paint_ms: median(times[kind].map((t) => t[2])), participants_ms: median(times[kind].map((t) => t[3])),
    largest_contentful_paint_ms: median(times[kind].map((t) => t[4])),
  });
  console.log(JSON.stringify({ web_dist: webDist, runs: times, floor: medians('floor'), page: medians('page') }));
} finally {
  await phone.close();
  await server.stop();
  server.cleanup();
  floor.close();
}
