// The viewer's first vote, and the repeats after it, on an emulated mid-range phone (as issue 16
// measured it): Debian's Chromium capped to PHONE_CPU cores (default 0.5) with DevTools' CPU
// throttling ×PHONE_SLOWDOWN (default 4) and DevTools' "Fast 3G", an empty cache each run.
//
//   node bench/phone_first_vote.mjs RUNS [REPEATS] [paredao serve flags...]
//   e.g. node bench/phone_first_vote.mjs 5 5      (the product's default proof of work)
//
// For each run, from the navigation's start: when a participant can be tapped, and when the
// receipt of a vote tapped at that moment shows (the page's own performance marks; older pages
// without them, what Playwright saw), with when the first check started and was solved. Then REPEATS repeat votes, each as a fan does
// it: the receipt shows, the fan looks at it for LOOK_MS (default 3000), then taps the repeat
// action; measured from that tap to the next receipt (by the page's marks where it has them),
// with the taps each repeat took. Prints
// JSON with every figure and the medians. Needs root (the cgroup), build/paredao and web/dist.
import { join } from 'node:path';
import { startServer, createPoll, openPoll, repoRoot } from '../tests/lib/harness.mjs';
import { launchPhone, median, FAST_3G } from './lib/phone.mjs';

const [runsArg, repeatsArg, ...serveFlags] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const repeats = Number(repeatsArg ?? 5);
const phoneCpu = Number(process.env.PHONE_CPU ?? 0.5);
const slowdown = Number(process.env.PHONE_SLOWDOWN ?? 4);
const lookMs = Number(process.env.LOOK_MS ?? 3000);
const STEP = { timeout: 120_000 };

// WEB_DIST: another build of the page to measure (e.g. an older commit's), served by this binary.
const webDist = process.env.WEB_DIST ?? join(repoRoot, 'web', 'dist');
const server = await startServer({ pow: 'default', edge: true, difficulty: 2000, args: ['--web-dir', webDist, ...serveFlags] });
const phone = await launchPhone({ cpu: phoneCpu });
const receiptShown = 'section.receipt:not([hidden]) h1';

/** The repeat as the page offers it: one tap on "Votar de novo", or (older pages) two. */
async function repeatVote(page, name) {
  const oneTap = page.locator('[data-testid="vote-again"]');
  if (await oneTap.count()) {
    await oneTap.tap();
    return 1;
  }
  await page.getByRole('button', { name: 'Votar novamente' }).tap();
  await page.getByRole('button', { name: `Votar para eliminar ${name}`, exact: true }).tap();
  return 2;
}

try {
  const poll = await createPoll(server, {
    id: 'phone', title: 'Paredão da semana',
    candidates: [{ id: 'ana', name: 'Ana Clara' }, { id: 'bruno', name: 'Bruno Souza' }, { id: 'carla', name: 'Carla Dias' }],
  });
  await openPoll(server, poll.id);
  const firstVotes = [];
  const repeatTimes = [];
  const repeatTaps = [];
  for (let run = 0; run < runs; run++) {
    const { context, page } = await phone.newPhonePage({ cpuSlowdown: slowdown, network: FAST_3G });
    try {
      const start = performance.now();
      await page.goto(`${server.url}/`, { waitUntil: 'commit', ...STEP });
      const vote = page.getByRole('button', { name: 'Votar para eliminar Ana Clara', exact: true });
      await vote.waitFor({ state: 'visible', ...STEP });
      const tappable = performance.now() - start;
      await vote.tap(STEP);
      await page.locator(receiptShown).waitFor({ state: 'visible', ...STEP });
      const seen = Math.round(performance.now() - start);
      // The page's own marks (from the navigation's start), where it has them: Playwright sees
      // a change only at its next poll of a throttled page, up to a second later.
      const marks = await page.evaluate(() => Object.fromEntries(
        ['participants', 'check-start', 'check-solved', 'receipt'].map((name) => [name,
          Math.round(performance.getEntriesByName(`paredao:${name}`)[0]?.startTime ?? -1)])));
      firstVotes.push({
        tappable_ms: marks.participants >= 0 ? marks.participants : Math.round(tappable),
        receipt_ms: marks.receipt >= 0 ? marks.receipt : seen,
        check_start_ms: marks['check-start'], check_solved_ms: marks['check-solved'],
        seen_by_playwright: { tappable_ms: Math.round(tappable), receipt_ms: seen },
      });
      for (let i = 0; i < repeats; i++) {
        await page.waitForTimeout(lookMs);
        const tapped = performance.now();
        const before = await page.locator(receiptShown).elementHandle();
        repeatTaps.push(await repeatVote(page, 'Ana Clara'));
        // The next receipt: a new one (the old element detached or hidden), shown again.
        await page.waitForFunction((old) => !old.isConnected || old.closest('section')?.hidden, before, STEP);
        await page.locator(receiptShown).waitFor({ state: 'visible', ...STEP });
        // From the tap to the new receipt, by the page's marks where it has them.
        const inPage = await page.evaluate(() => {
          const last = (name) => performance.getEntriesByName(`paredao:${name}`).at(-1)?.startTime;
          const asked = last('vote-requested');
          const shown = last('receipt');
          return asked !== undefined && shown !== undefined && shown > asked ? shown - asked : null;
        });
        repeatTimes.push(Math.round(inPage ?? performance.now() - tapped));
      }
    } finally {
      await context.close();
    }
  }
  console.log(JSON.stringify({
    web_dist: webDist, phone_cpu: phoneCpu, cpu_slowdown: slowdown, network: 'Fast 3G', look_ms: lookMs, flags: serveFlags.join(' '),
    processes_capped: phone.processesCapped(),
    first_votes: firstVotes,
    median_tappable_ms: median(firstVotes.map((v) => v.tappable_ms)),
    median_first_receipt_ms: median(firstVotes.map((v) => v.receipt_ms)),
    repeats: repeatTimes, repeat_taps: repeatTaps,
    median_repeat_ms: repeatTimes.length ? median(repeatTimes) : null,
  }));
} finally {
  await phone.close();
  await server.stop();
  server.cleanup();
}
