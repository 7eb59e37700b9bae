// The vote page with the memory-hard proof of work, the default (scrypt, N = 64, r = 8): the real
// ALTCHA widget solves the server's challenge in Chromium, in the page's own scrypt worker
// (decision 0016), and the vote counts; the first check starts before the widget's code arrives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, startBrowserSession } from '../lib/browser.mjs';
import { createPoll, openPoll, adminHeaders } from '../lib/harness.mjs';

let session;
before(async () => {
  session = await startBrowserSession('index.html', { pow: 'default', difficulty: 200 });
});
after(async () => { await session?.close(); });

/** An open poll and a phone-sized page (closed after the test) that records its errors, in the
 * session's browser or another. */
async function openPollAndPage(t, id, title, browser = session.browser) {
  const poll = await createPoll(session.server, {
    id, title, candidates: [{ id: 'ana', name: 'Ana Clara' }, { id: 'bruno', name: 'Bruno Souza' }],
  });
  await openPoll(session.server, poll.id);
  const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 360, height: 740 } });
  t.after(() => context.close().catch(() => {}));
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err));
  return { poll, page, pageErrors };
}

test('the widget solves a scrypt challenge in the page\'s worker and the vote is counted', { timeout: 120_000 }, async (t) => {
  const { server } = session;
  const { poll, page, pageErrors } = await openPollAndPage(t, 'paredao-scrypt', 'Paredão memória');
  const workers = [];
  page.on('request', (r) => { if (/\/assets\/scrypt_worker-[\w-]+\.js$/.test(r.url())) workers.push(r.url()); });

  await page.goto(`${server.url}/`);
  await page.getByRole('heading', { level: 1, name: 'Paredão memória' }).waitFor();
  await page.waitForFunction(() => document.querySelector('altcha-widget')?.getState() === 'verified',
    null, { timeout: 60_000 });
  // The first challenge came in the page itself; the widget solved it in the scrypt worker.
  const challenge = await page.evaluate(() => JSON.parse(document.getElementById('paredao-boot').textContent).challenge);
  assert.equal(challenge.parameters.algorithm, 'SCRYPT');
  assert.equal(challenge.parameters.cost, 64);
  assert.equal(challenge.parameters.memoryCost, 8);
  assert.ok(workers.length >= 1, 'the page\'s scrypt worker was loaded');
  // This browser has WebAssembly with SIMD: every worker derived there (decision 0017).
  assert.equal(await derivationOf(page), 'wasm');

  await voteAndSeeReceipt(page, poll.id, 'Bruno Souza');
  assert.equal(await countedVotes(poll.id, 1), 1);
  assert.deepEqual(pageErrors, []);
});

test('where the browser has no WebAssembly, the worker derives in JavaScript and the vote is counted', { timeout: 120_000 }, async (t) => {
  // V8 without its compilers, and so without WebAssembly: as a phone in iOS's Lockdown Mode is,
  // or an older browser without WebAssembly's SIMD.
  const browser = await launchChromium(['--js-flags=--jitless']);
  t.after(() => browser.close().catch(() => {}));
  const { poll, page, pageErrors } = await openPollAndPage(t, 'paredao-no-wasm', 'Paredão sem wasm', browser);
  await page.goto(`${session.server.url}/`);
  assert.equal(await page.evaluate(() => typeof WebAssembly), 'undefined');
  await voteAndSeeReceipt(page, poll.id, 'Ana Clara');
  assert.equal(await countedVotes(poll.id, 1), 1);
  assert.equal(await derivationOf(page), 'javascript');
  assert.deepEqual(pageErrors, []);
});

/** Taps the participant and waits for the vote's 202 and its receipt. */
async function voteAndSeeReceipt(page, pollId, name) {
  const accepted = page.waitForResponse((r) => r.url().endsWith(`/api/v1/polls/${pollId}/votes`) && r.status() === 202,
    { timeout: 60_000 });
  await page.getByRole('button', { name: `Votar para eliminar ${name}`, exact: true }).click();
  await accepted;
  await page.getByRole('heading', { name: 'Voto registrado' }).waitFor();
}

/**
 * How this browser's solver worker derives scrypt keys ('wasm' or 'javascript'), as it says in
 * `paredaoScrypt` once its script has run: a worker of the page's own script, started apart and
 * given no work (the page's own finish a small solve before anyone could ask them).
 */
async function derivationOf(page) {
  const url = await page.evaluate(() => document.querySelector('link[rel="prefetch"][href*="scrypt_worker-"]')?.href);
  assert.ok(url, 'the page names its solver worker');
  const [worker] = await Promise.all([
    page.waitForEvent('worker', (w) => w.url() === url),
    page.evaluate((src) => { globalThis.probeWorker = new Worker(src); }, url),
  ]);
  const kind = await worker.evaluate(() => new Promise((resolve) => {
    const look = () => (globalThis.paredaoScrypt ? resolve(globalThis.paredaoScrypt) : setTimeout(look, 10));
    look();
  }));
  await page.evaluate(() => globalThis.probeWorker.terminate());
  return kind;
}

/** The poll's total once it reaches `expected` (stats may lag 2 s), or what it is after 5 s. */
async function countedVotes(pollId, expected) {
  let total = 0;
  for (const end = Date.now() + 5000; Date.now() < end && total < expected;) {
    const res = await fetch(`${session.server.url}/api/v1/polls/${pollId}/stats`, { headers: adminHeaders(session.server) });
    total = (await res.json()).total;
    if (total < expected) await new Promise((r) => setTimeout(r, 200));
  }
  return total;
}

test('the first check solves while the widget\'s code is on its way, and the widget takes its workers and their solution', { timeout: 120_000 }, async (t) => {
  const { server } = session;
  const { poll, page, pageErrors } = await openPollAndPage(t, 'paredao-head-start', 'Paredão adiantado');
  // The widget's code arrives 3 s late: the first check (work 200) is long solved by then.
  let checkScriptServed = 0;
  await page.route(/\/assets\/check-[\w-]+\.js$/, async (route) => {
    await new Promise((r) => setTimeout(r, 3000));
    checkScriptServed = await page.evaluate(() => performance.now());
    await route.continue();
  });
  let workersStarted = 0;
  page.on('worker', () => { workersStarted++; });

  await page.goto(`${server.url}/p/${poll.id}`);
  await page.waitForFunction(() => document.querySelector('altcha-widget')?.getState() === 'verified',
    null, { timeout: 60_000 });
  const marks = await page.evaluate(() => Object.fromEntries(['head-start', 'check-start', 'check-solved']
    .map((name) => [name, performance.getEntriesByName(`paredao:${name}`)[0]?.startTime ?? null])));
  const perSolve = await page.evaluate(() => navigator.hardwareConcurrency || 2);
  assert.ok(marks['head-start'] !== null && marks['head-start'] < checkScriptServed,
    `the check began before the widget's code came: ${JSON.stringify(marks)}, script at ${checkScriptServed}`);
  // The widget asked for its workers and got the head start's: one set for the first solve,
  // not a second one started over.
  assert.ok(workersStarted >= 1 && workersStarted <= Math.min(16, perSolve),
    `${workersStarted} workers for the first solve, ${perSolve} per solve`);

  const accepted = page.waitForResponse((r) => r.url().endsWith(`/api/v1/polls/${poll.id}/votes`) && r.status() === 202,
    { timeout: 60_000 });
  await page.getByRole('button', { name: 'Votar para eliminar Ana Clara', exact: true }).click();
  await accepted;
  await page.getByRole('heading', { name: 'Voto registrado' }).waitFor();
  assert.equal(await countedVotes(poll.id, 1), 1);
  assert.deepEqual(pageErrors, []);
});
