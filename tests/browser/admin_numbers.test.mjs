// Browser test of the production console's numbers (issue 16): the shares it shows are the API's
// largest-remainder percentages (not each share rounded on its own), and a closed paredão no
// longer says "Ao vivo" nor shows a rate of votes. Debian's Chromium, playwright-core, against
// the real `paredao serve`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowserSession, SHOTS, assertAccessible, signedInConsole } from '../lib/browser.mjs';
import { createPoll, openPoll, adminHeaders, vote } from '../lib/harness.mjs';

const WIDE = { width: 1280, height: 800 };
const STEP_MS = 15_000;

let session;
let server;

before(async () => {
  session = await startBrowserSession('admin.html');
  ({ server } = session);
});
after(async () => { await session?.close(); });

/** The console at 1280×800 (or `viewport`), signed in; uncaught page errors are collected in `errors`. */
function signedIn(t, viewport = WIDE) {
  return signedInConsole(t, session, { viewport, stepMs: STEP_MS });
}

test('shares equal the API\'s, and a closed paredão is shown as closed', { timeout: 120_000 }, async (t) => {
  // Three equal counts: each share rounded on its own would read 33,33 % three times (99,99 %);
  // the API gives 33,34 % to the first, as the public page does.
  const poll = await createPoll(server, {
    title: 'Parciais iguais',
    candidates: [{ id: 'ana', name: 'Ana' }, { id: 'bia', name: 'Bia' }, { id: 'caio', name: 'Caio' }],
  });
  await openPoll(server, poll.id);
  for (const candidate of ['ana', 'bia', 'caio']) assert.equal((await vote(server, poll.id, candidate)).status, 202);
  // Results may lag the 202s (by the contract, 2 s at most): wait until they count all three.
  let stats;
  for (const end = Date.now() + 5000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    stats = await (await fetch(`${server.url}/api/v1/polls/${poll.id}/stats`, { headers: adminHeaders(server) })).json();
    if (stats.total === 3) break;
  }
  assert.equal(stats.total, 3);
  const results = await (await fetch(`${server.url}/api/v1/polls/${poll.id}/results`)).json();
  const apiShares = results.candidates.map((c) => `${c.percent.toFixed(2).replace('.', ',')}%`);
  assert.deepEqual(apiShares, ['33,34%', '33,33%', '33,33%']);

  const { page, errors } = await signedIn(t);
  await page.locator(`a.poll-link[data-poll-id="${poll.id}"]`).click();
  await page.getByRole('heading', { level: 1, name: 'Parciais iguais' }).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="grand-total"]')?.textContent === '3');
  assert.deepEqual(await page.locator('.cand-pct').allTextContents(), apiShares);
  assert.match(await page.locator('.live-indicator').textContent(), /^Ao vivo/);

  const closed = await fetch(`${server.url}/api/v1/polls/${poll.id}/close`, { method: 'POST', headers: adminHeaders(server) });
  assert.equal(closed.status, 200);
  await page.waitForFunction(() => document.querySelector('.live-indicator')?.dataset.state === 'closed');
  const indicator = await page.locator('.live-indicator').textContent();
  assert.match(indicator, /^Encerrado · apuração final/);
  assert.doesNotMatch(indicator, /Ao vivo/);
  assert.equal(await page.getByTestId('votes-per-second').textContent(), '—');
  assert.equal(await page.locator('.kpi-rate .kpi-label').textContent(), 'votação encerrada');
  assert.deepEqual(await page.locator('.cand-pct').allTextContents(), apiShares);
  assert.deepEqual(errors, []);
});

test('opening a second paredão warns first and then says which one the public page shows; an open paredão counts down to its closing', { timeout: 120_000 }, async (t) => {
  const first = await createPoll(server, {
    title: 'Paredão já aberto',
    candidates: [{ id: 'ana', name: 'Ana' }, { id: 'bia', name: 'Bia' }],
  });
  await openPoll(server, first.id);
  const second = await createPoll(server, {
    title: 'Paredão novo', closes_at: new Date(Date.now() + 2 * 3600_000 + 30_000).toISOString(),
    candidates: [{ id: 'caio', name: 'Caio' }, { id: 'dani', name: 'Dani' }],
  });
  const { page, errors } = await signedIn(t);
  await page.locator(`a.poll-link[data-poll-id="${second.id}"]`).click();
  await page.getByRole('heading', { level: 1, name: 'Paredão novo' }).waitFor();

  await page.getByRole('button', { name: 'Abrir votação' }).click();
  const warning = page.getByTestId('second-open-warning');
  await warning.waitFor();
  assert.match(await warning.textContent(), /“Paredão já aberto” já está aberto\. A página pública \(\/\) mostra um só paredão aberto/);
  assert.match(await warning.textContent(), new RegExp(`/p/${first.id}`));
  await assertAccessible(page, 'second-open warning');
  await page.getByRole('button', { name: 'Abrir agora' }).click();
  const shows = page.getByTestId('public-page-shows');
  await shows.waitFor();
  // What it says is what / picks: the first open poll of the list.
  const listed = (await (await fetch(`${server.url}/api/v1/polls`)).json()).polls.find((p) => p.status === 'open');
  assert.match(await shows.textContent(), new RegExp(`mostra agora “${listed.title}”`));

  // The countdown to the closing ticks.
  const countdown = page.getByTestId('closing-countdown');
  const before = await countdown.textContent();
  assert.match(before, /^ · faltam 02:00:\d\d$/, before);
  await page.waitForFunction((text) => document.querySelector('[data-testid="closing-countdown"]')?.textContent !== text, before);
  for (const id of [first.id, second.id]) {
    await fetch(`${server.url}/api/v1/polls/${id}/close`, { method: 'POST', headers: adminHeaders(server) });
  }
  assert.deepEqual(errors, []);
});

test('the live view counts votes per minute by participant, and says at the top when votes per second drop sharply', { timeout: 180_000 }, async (t) => {
  const poll = await createPoll(server, {
    title: 'Paredão ao minuto',
    candidates: [{ id: 'ana', name: 'Ana' }, { id: 'bia', name: 'Bia' }],
  });
  await openPoll(server, poll.id);
  const { page, errors } = await signedIn(t);
  await page.locator(`a.poll-link[data-poll-id="${poll.id}"]`).click();
  await page.getByRole('heading', { level: 1, name: 'Paredão ao minuto' }).waitFor();
  await page.locator('.live-indicator[data-state="ok"]').waitFor();
  // About three votes a second for 32 s (two for Ana to one for Bia), then none.
  const cast = { ana: 0, bia: 0 };
  const start = Date.now();
  for (let i = 0; Date.now() - start < 32_000; i++) {
    const candidate = i % 3 === 2 ? 'bia' : 'ana';
    assert.equal((await vote(server, poll.id, candidate)).status, 202);
    cast[candidate] += 1;
    await new Promise((r) => setTimeout(r, Math.max(0, start + (i + 1) * 330 - Date.now())));
  }
  assert.equal(await page.getByTestId('live-alerts').textContent(), '', 'no alert while the votes flow');
  const alert = page.getByTestId('live-alerts').getByText(/^Queda brusca de votos: de \d+,\d para \d+,\d votos por segundo/);
  await alert.waitFor({ timeout: 20_000 });
  await assertAccessible(page, 'votes-per-second alert and per-minute chart');
  // Every vote is in the per-minute chart, whichever minutes they fell in.
  await page.waitForFunction((n) => [...document.querySelectorAll('[data-testid="minutes-chart"] .hour-col')]
    .reduce((a, col) => a + Number(col.dataset.total), 0) === n, cast.ana + cast.bia, { timeout: 10_000 });
  // By participant: each minute's segments add up to what each one got.
  assert.deepEqual(await chartVotes(page), cast);
  const columns = await page.locator('[data-testid="minutes-chart"] .hour-col').count();
  assert.ok(columns >= 1 && columns <= 3, `${columns} minutes`);
  // The same minutes as CSV, each in UTC and in local time.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Exportar CSV por minuto' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `paredao-${poll.id}-por-minuto.csv`);
  const rows = readFileSync(await download.path(), 'utf8').split('\r\n').filter(Boolean).map((l) => l.split(','));
  assert.deepEqual(rows[0], ['minuto_utc', 'minuto_local', 'total', 'Ana', 'Bia']);
  assert.equal(rows.length - 1, columns);
  for (const [utc, local] of rows.slice(1)) {
    assert.match(utc, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    assert.equal(new Date(local).getTime(), new Date(utc).getTime(), `${local} is ${utc}`);
    assert.match(local, /-03:00$/);
  }
  assert.deepEqual([3, 4].map((k) => rows.slice(1).reduce((a, r) => a + Number(r[k]), 0)), [cast.ana, cast.bia]);
  await fetch(`${server.url}/api/v1/polls/${poll.id}/close`, { method: 'POST', headers: adminHeaders(server) });
  // A closed paredão takes no votes: no alarm about it.
  await page.waitForFunction(() => document.querySelector('[data-testid="live-alerts"]')?.textContent === '');
  assert.deepEqual(errors, []);
});

/** The votes in the console's per-minute chart, by participant id. */
function chartVotes(page) {
  return page.locator('[data-testid="minutes-chart"] .hour-seg').evaluateAll((segs) =>
    segs.reduce((acc, s) => ({ ...acc, [s.dataset.candidate]: (acc[s.dataset.candidate] ?? 0) + Number(s.dataset.votes) }), {}));
}

test('the per-minute chart starts from the server\'s count of the minutes before the console opened', { timeout: 150_000 }, async (t) => {
  const poll = await createPoll(server, {
    title: 'Paredão de antes',
    candidates: [{ id: 'ana', name: 'Ana' }, { id: 'bia', name: 'Bia' }],
  });
  await openPoll(server, poll.id);
  for (const candidate of ['ana', 'ana', 'ana', 'bia', 'bia']) assert.equal((await vote(server, poll.id, candidate)).status, 202);
  // The console opens in a later minute: those five votes are all in minutes already over.
  const minute = Math.floor(Date.now() / 60_000);
  while (Math.floor(Date.now() / 60_000) === minute) await new Promise((r) => setTimeout(r, 250));
  const { page, errors } = await signedIn(t);
  await page.locator(`a.poll-link[data-poll-id="${poll.id}"]`).click();
  await page.getByRole('heading', { level: 1, name: 'Paredão de antes' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="minutes-chart"] .hour-seg').length > 0);
  assert.deepEqual(await chartVotes(page), { ana: 3, bia: 2 }, 'the minutes before the console opened');
  // And the votes cast with the console open are added to them.
  await page.locator('.live-indicator[data-state="ok"]').waitFor();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await vote(server, poll.id, 'bia')).status, 202);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="minutes-chart"] .hour-seg')]
    .reduce((a, s) => a + Number(s.dataset.votes), 0) === 6, null, { timeout: 20_000 });
  assert.deepEqual(await chartVotes(page), { ana: 3, bia: 3 });
  await fetch(`${server.url}/api/v1/polls/${poll.id}/close`, { method: 'POST', headers: adminHeaders(server) });
  assert.deepEqual(errors, []);
});

test('the on-air view shows the total, names and shares across the screen; the console works on a phone', { timeout: 120_000 }, async (t) => {
  const poll = await createPoll(server, {
    title: 'Paredão no telão',
    candidates: [{ id: 'ana', name: 'Ana Clara' }, { id: 'bia', name: 'Bia' }, { id: 'caio', name: 'Caio' }],
  });
  await openPoll(server, poll.id);
  for (const candidate of ['ana', 'ana', 'bia']) assert.equal((await vote(server, poll.id, candidate)).status, 202);
  const { page, errors } = await signedIn(t);
  await page.locator(`a.poll-link[data-poll-id="${poll.id}"]`).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="grand-total"]')?.textContent === '3');
  await page.getByTestId('on-air').click();
  const live = page.locator('section.live.on-air');
  await live.waitFor();
  const box = await live.boundingBox();
  assert.ok(box.x <= 0 && box.y <= 0 && box.width >= WIDE.width - 1 && box.height >= WIDE.height - 1, `covers the screen: ${JSON.stringify(box)}`);
  const sizes = await page.evaluate(() => ({
    total: parseFloat(getComputedStyle(document.querySelector('[data-testid="grand-total"]')).fontSize),
    name: parseFloat(getComputedStyle(document.querySelector('.cand-row')).fontSize),
  }));
  // From across a studio: the total about a ninth of the screen's width, the names a twentieth.
  assert.ok(sizes.total >= 0.1 * WIDE.width && sizes.name >= 0.04 * WIDE.width, JSON.stringify(sizes));
  assert.equal(await page.getByTestId('hours-chart').isVisible(), false, 'the per-hour chart is left out');
  assert.deepEqual(await page.locator('.cand-pct').allTextContents(), ['66,67%', '33,33%', '0,00%']);
  await page.screenshot({ path: join(SHOTS, 'admin-on-air.png') });
  await assertAccessible(page, 'on-air view');
  await page.getByRole('button', { name: 'Sair do modo telão' }).click();
  await page.waitForFunction(() => !document.querySelector('section.live')?.classList.contains('on-air'));

  // The same console on a phone: nothing wider than the screen, the actions reachable.
  const phone = await signedIn(t, { width: 360, height: 740 });
  await phone.page.locator(`a.poll-link[data-poll-id="${poll.id}"]`).click();
  await phone.page.waitForFunction(() => document.querySelector('[data-testid="grand-total"]')?.textContent === '3');
  const width = await phone.page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scrolling on a phone: ${width} px`);
  await phone.page.getByRole('button', { name: 'Encerrar votação' }).waitFor();
  await phone.page.screenshot({ path: join(SHOTS, 'admin-phone.png'), fullPage: true });
  await assertAccessible(phone.page, 'console on a phone');
  await fetch(`${server.url}/api/v1/polls/${poll.id}/close`, { method: 'POST', headers: adminHeaders(server) });
  assert.deepEqual([...errors, ...phone.errors], []);
});

test('when the defences start holding votes, the live view says so at the top', { timeout: 120_000 }, async (t) => {
  const poll = await createPoll(server, {
    title: 'Paredão vigiado',
    candidates: [{ id: 'ana', name: 'Ana' }, { id: 'bia', name: 'Bia' }],
  });
  await openPoll(server, poll.id);
  const { page, errors } = await signedIn(t);
  await page.locator(`a.poll-link[data-poll-id="${poll.id}"]`).click();
  await page.getByText('Nenhum voto retido agora.').waitFor();
  // This machine's network is watched: its votes are held (answered 202, not counted yet).
  const watched = await fetch(`${server.url}/api/v1/polls/${poll.id}/watch`, {
    method: 'PUT', headers: adminHeaders(server), body: JSON.stringify({ networks: ['127.0.0.1/32'] }),
  });
  assert.equal(watched.status, 200);
  for (let i = 0; i < 12; i++) assert.equal((await vote(server, poll.id, 'bia')).status, 202);
  const alert = page.getByTestId('live-alerts').getByText('Votos retidos subindo: +12 no último minuto (12 retidos agora). Veja “Votos retidos” abaixo.');
  await alert.waitFor({ timeout: 15_000 });
  await assertAccessible(page, 'held-votes alert');
  assert.equal(await page.getByTestId('grand-total').textContent(), '0', 'held votes are not counted');
  await fetch(`${server.url}/api/v1/polls/${poll.id}/close`, { method: 'POST', headers: adminHeaders(server) });
  assert.deepEqual(errors, []);
});
