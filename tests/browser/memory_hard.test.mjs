// The vote page with the memory-hard proof of work, the default (scrypt, N = 64, r = 8): the real
// ALTCHA widget loads its scrypt worker, solves the server's challenge in Chromium, and the vote
// counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowserSession } from '../lib/browser.mjs';
import { createPoll, openPoll, adminHeaders } from '../lib/harness.mjs';

let session;
before(async () => {
  session = await startBrowserSession('index.html', { pow: 'default', difficulty: 200 });
});
after(async () => { await session?.close(); });

test('the widget solves a scrypt challenge in its worker and the vote is counted', { timeout: 120_000 }, async (t) => {
  const { server, browser } = session;
  const poll = await createPoll(server, {
    id: 'paredao-scrypt', title: 'Paredão memória',
    candidates: [{ id: 'ana', name: 'Ana Clara' }, { id: 'bruno', name: 'Bruno Souza' }],
  });
  await openPoll(server, poll.id);
  const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 360, height: 740 } });
  t.after(() => context.close().catch(() => {}));
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err));
  const workers = [];
  page.on('request', (r) => { if (/\/assets\/scrypt-[\w-]+\.js$/.test(r.url())) workers.push(r.url()); });

  await page.goto(`${server.url}/`);
  await page.getByRole('heading', { level: 1, name: 'Paredão memória' }).waitFor();
  await page.waitForFunction(() => document.querySelector('altcha-widget')?.getState() === 'verified',
    null, { timeout: 60_000 });
  // The first challenge came in the page itself; the widget solved it in the scrypt worker.
  const challenge = await page.evaluate(() => JSON.parse(document.getElementById('paredao-boot').textContent).challenge);
  assert.equal(challenge.parameters.algorithm, 'SCRYPT');
  assert.equal(challenge.parameters.cost, 64);
  assert.equal(challenge.parameters.memoryCost, 8);
  assert.ok(workers.length >= 1, 'the scrypt worker was loaded');

  const accepted = page.waitForResponse((r) => r.url().endsWith(`/api/v1/polls/${poll.id}/votes`) && r.status() === 202,
    { timeout: 60_000 });
  await page.getByRole('button', { name: 'Votar para eliminar Bruno Souza', exact: true }).click();
  await accepted;
  await page.getByRole('heading', { name: 'Voto registrado' }).waitFor();

  let total = 0;
  for (const end = Date.now() + 5000; Date.now() < end && total < 1;) {
    const res = await fetch(`${server.url}/api/v1/polls/${poll.id}/stats`, { headers: adminHeaders(server) });
    total = (await res.json()).total;
    if (total < 1) await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(total, 1);
  assert.deepEqual(pageErrors, []);
});
