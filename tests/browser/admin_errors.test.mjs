// The console says at the top when votes are being refused (issue 16, "alerts on the screen"):
// the real `paredao serve` with its data dir on a small tmpfs of its own (as root), filled up
// while votes arrive, so that votes really get 503; the console reads the server's counters
// (GET /metrics) and shows the share refused in the last minute, with the bound of the Prometheus
// alert ParedaoVotesUnavailable. Closing the paredão clears it. Debian's Chromium, playwright-core.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowserSession, assertAccessible, SHOTS, signedInConsole } from '../lib/browser.mjs';
import { fillFileSystem } from '../lib/disk.mjs';
import { createPoll, openPoll, adminHeaders, vote } from '../lib/harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mountPoint = mkdtempSync(join(tmpdir(), 'paredao-console-disk-'));
execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', mountPoint]);
let session;
after(async () => {
  await session?.close();
  execFileSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});


test('votes refused with 503: the console says so at the top, with the share of the last minute', { timeout: 180_000 }, async (t) => {
  session = await startBrowserSession('admin.html', { dataDir: join(mountPoint, 'data') });
  const { server } = session;
  const poll = await createPoll(server, { title: 'Disco cheio', candidates: [{ id: 'ana', name: 'Ana' }, { id: 'bia', name: 'Bia' }] });
  await openPoll(server, poll.id);
  const { page, errors } = await signedInConsole(t, session);
  await page.locator(`a.poll-link[data-poll-id="${poll.id}"]`).click();
  await page.locator('.live-indicator[data-state="ok"]').waitFor();
  const alerts = page.getByTestId('live-alerts');

  // Votes flow for 16 s (a reading of the counters spans 15 s before it says anything): no alert.
  let accepted = 0;
  for (const end = Date.now() + 16_000; Date.now() < end;) {
    assert.equal((await vote(server, poll.id, 'ana')).status, 202);
    accepted++;
    await sleep(300);
  }
  assert.equal(await alerts.textContent(), '', 'no alert while every vote is taken');

  // The disk fills: every vote now gets 503, and nothing is counted.
  const filler = fillFileSystem(mountPoint);
  let refused = 0;
  for (const end = Date.now() + 8_000; Date.now() < end;) {
    const res = await vote(server, poll.id, 'bia');
    if (res.status === 503) refused++;
    await sleep(200);
  }
  assert.ok(refused >= 10, `${refused} votes refused with 503`);
  const alert = alerts.getByText(/^Votos recusados \(503\): \d+,\d\d% dos votos \(\d+ de \d+ no último minuto\) não puderam ser gravados e não contaram\./);
  await alert.waitFor({ timeout: 20_000 });
  // The share it shows is the server's own count over the window it read.
  const [, shown, ofRefused, ofAll] = /: (\d+,\d\d)% dos votos \((\d+) de (\d+)/.exec(await alert.textContent());
  assert.ok(Number(ofRefused) >= 1 && Number(ofRefused) <= refused, `${ofRefused} refused shown, ${refused} sent`);
  assert.ok(Number(ofAll) <= accepted + refused, `${ofAll} answered shown, ${accepted + refused} sent`);
  assert.equal(shown, (Number(ofRefused) / Number(ofAll) * 100).toFixed(2).replace('.', ','));
  await assertAccessible(page, 'votes refused alert');
  await page.screenshot({ path: join(SHOTS, 'admin-votes-refused.png') });

  // Room again, and the paredão closed: it takes no votes, so no alert about refusing them.
  unlinkSync(filler);
  const closed = await fetch(`${server.url}/api/v1/polls/${poll.id}/close`, { method: 'POST', headers: adminHeaders(server) });
  assert.equal(closed.status, 200);
  await page.waitForFunction(() => document.querySelector('[data-testid="live-alerts"]')?.textContent === '', null, { timeout: 20_000 });
  assert.deepEqual(errors, []);
});
