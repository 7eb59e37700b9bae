// Browser test of the production console (/admin → web/dist/admin.html): Debian's Chromium, driven
// by playwright-core, against the real `paredao serve` binary serving web/dist with --web-dir.
// A producer signs in with the admin token, creates a paredão through the form, opens it, watches
// votes arrive (cast through the API with the harness), exports the per-hour CSV and closes it.
//
// Needs: build/paredao (or PAREDAO_BIN) and web/dist with admin.html (cd web && npm run build).
// Screenshots (admin-signin.png, admin-create.png, admin-live.png) go to tests/output/screenshots/,
// or to docs/screenshots/ (the ones the README shows) when UPDATE_SCREENSHOTS=1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowserSession, SHOTS, assertAccessible } from '../lib/browser.mjs';
import { createPoll, adminHeaders, vote } from '../lib/harness.mjs';

const PHONE = { width: 360, height: 740 };
const WIDE = { width: 1440, height: 900 };
const TZ = 'America/Sao_Paulo';
const STEP_MS = 15_000;
const TEST_MS = 120_000;
const LAG_MS = 8_000; // stats may lag accepted votes by 2 s; the console polls every second

let server;
let browser;
let session;

before(async () => {
  session = await startBrowserSession('admin.html');
  ({ server, browser } = session);
});

after(async () => { await session?.close(); });

/** A page in pt-BR / São Paulo time; uncaught page errors fail the test. */
async function newPage(t, viewport) {
  const context = await browser.newContext({ viewport, locale: 'pt-BR', timezoneId: TZ, acceptDownloads: true });
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err));
  t.after(async () => { await context.close().catch(() => {}); });
  return { page, pageErrors };
}

/** Opens /admin; a 404 means the server does not serve the console route yet: that is a failure. */
async function openConsole(page) {
  const res = await page.goto(`${server.url}/admin`);
  assert.notEqual(res.status(), 404,
    'GET /admin answered 404: the server must serve web/dist/admin.html at /admin (route missing, or web/dist built without admin.html)');
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'] ?? '', /^text\/html/);
}

async function apiPoll(id) {
  const res = await fetch(`${server.url}/api/v1/polls/${id}`, { headers: adminHeaders(server) });
  assert.equal(res.status, 200);
  return res.json();
}

async function apiStats(id) {
  const res = await fetch(`${server.url}/api/v1/polls/${id}/stats`, { headers: adminHeaders(server) });
  assert.equal(res.status, 200);
  return res.json();
}

/** "YYYY-MM-DDTHH:mm" of `date` in TZ: what a datetime-local input holds. */
function localInputValue(date) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

const storage = (page) => page.evaluate(() => ({
  session: sessionStorage.getItem('paredao.admin-token'),
  sessionKeys: sessionStorage.length,
  localKeys: localStorage.length,
}));

test('sign-in screen: accessible, a wrong token is refused with a message', { timeout: TEST_MS }, async (t) => {
  const { page, pageErrors } = await newPage(t, PHONE);
  await openConsole(page);
  assert.equal(await page.locator('html').getAttribute('lang'), 'pt-BR');
  await page.getByRole('heading', { level: 1, name: 'Console de produção' }).waitFor();
  const token = page.getByLabel('Token de administrador');
  assert.equal(await token.getAttribute('type'), 'password');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'token', 'the token field has the focus');
  assert.equal(await page.getByRole('button', { name: 'Sair' }).count(), 0, 'no "Sair" before signing in');
  await assertAccessible(page, 'sign-in');
  await page.screenshot({ path: join(SHOTS, 'admin-signin.png'), fullPage: true });

  const checked = page.waitForResponse((r) => r.url().endsWith('/api/v1/polls/__token_check__/stats'));
  await token.fill('not-the-admin-token');
  await page.getByRole('button', { name: 'Entrar' }).click();
  const res = await checked;
  assert.equal(res.status(), 401);
  assert.equal(res.request().headers().authorization, 'Bearer not-the-admin-token');
  await page.getByRole('alert').getByText('Token incorreto. Confira o token de administrador e tente de novo.').waitFor();
  assert.equal(await token.getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await storage(page), { session: null, sessionKeys: 0, localKeys: 0 });
  await assertAccessible(page, 'wrong token');
  assert.deepEqual(pageErrors, []);
});

test('a producer runs a whole paredão from /admin', { timeout: TEST_MS }, async (t) => {
  // A draft made elsewhere: the console lists drafts (it sends the token).
  await createPoll(server, { id: 'rascunho-api', title: 'Rascunho da API', candidates: [{ name: 'Xu' }, { name: 'Yara' }] });
  const { page, pageErrors } = await newPage(t, WIDE);
  const statsFailures = [];
  page.on('response', (r) => { if (r.url().endsWith('/paredao-console/stats') && r.status() !== 200) statsFailures.push(r.status()); });

  // Sign in with the keyboard only: the field has the focus, Enter submits.
  await openConsole(page);
  await page.getByLabel('Token de administrador').waitFor();
  await page.keyboard.type(server.adminToken);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Escolha um paredão' }).waitFor();
  assert.deepEqual(await storage(page), { session: server.adminToken, sessionKeys: 1, localKeys: 0 });
  assert.ok(!page.url().includes(server.adminToken), 'the token never goes into the URL');
  await page.getByRole('button', { name: 'Sair' }).waitFor();
  const draftLink = page.locator('a.poll-link[data-poll-id="rascunho-api"]');
  await draftLink.waitFor();
  assert.match(await draftLink.textContent(), /Rascunho da API.*Rascunho/);

  // Create: 3 participants (a 4th row added then removed), a closing time, partials on.
  await page.locator('.sidebar').getByRole('link', { name: '+ Novo paredão' }).click();
  await page.getByRole('heading', { level: 1, name: 'Novo paredão' }).waitFor();
  assert.equal(await page.getByRole('checkbox', { name: /Mostrar parciais/ }).isChecked(), true, 'partials on by default');
  await page.getByLabel('Título').fill('Paredão ao vivo');
  await page.getByLabel('Identificador no endereço (opcional)').fill('paredao-console');
  const add = page.getByRole('button', { name: '+ Adicionar participante' });
  await add.click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'cf-name-3', 'a new row takes the focus');
  await add.click();
  assert.equal(await page.locator('.cand-edit').count(), 4);
  await page.getByRole('button', { name: 'Remover participante 4' }).click();
  assert.equal(await page.locator('.cand-edit').count(), 3);
  await page.getByLabel('Nome do participante 1').fill('Ana');
  await page.getByLabel('Foto (URL, opcional) do participante 1').fill('https://example.org/ana.jpg');
  await page.getByLabel('Nome do participante 2').fill('Bruno');
  await page.getByLabel('Nome do participante 3').fill('  ana ');
  const closesLocal = localInputValue(new Date(Date.now() + 26 * 3600 * 1000));
  await page.getByLabel('Encerramento').fill(closesLocal);

  // Duplicate names: the server refuses (400) and the form says so, in Portuguese, at that field.
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/polls') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Criar paredão' }).click();
  assert.equal((await refused).status(), 400);
  const formError = page.locator('#cf-error');
  await formError.getByText('Participante 3: Os nomes dos participantes precisam ser diferentes', { exact: false }).waitFor();
  assert.match(await formError.textContent(), /Resposta do servidor: candidates\[2\]\.name: names must be distinct/);
  assert.equal(await page.getByLabel('Nome do participante 3').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'cf-name-3', 'the refused field has the focus');
  await assertAccessible(page, 'create form with an error');

  await page.getByLabel('Nome do participante 3').fill('Carla');
  assert.equal(await page.getByLabel('Nome do participante 3').getAttribute('aria-invalid'), null, 'editing clears the error');
  assert.equal((await formError.textContent()).trim(), '');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'admin-create.png'), fullPage: true });
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/polls') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Criar paredão' }).click();
  const createdRes = await created;
  assert.equal(createdRes.status(), 201);
  const sent = JSON.parse(createdRes.request().postData());
  assert.match(sent.closes_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00-03:00$/, 'closing time sent with the browser offset');
  assert.equal(sent.opens_at, undefined);
  const poll = await createdRes.json();
  assert.equal(poll.id, 'paredao-console');
  assert.equal(poll.status, 'draft');
  assert.equal(poll.show_partial_results, true);
  assert.equal(poll.closes_at, new Date(`${closesLocal}:00-03:00`).toISOString().replace('.000Z', 'Z'));
  assert.deepEqual(poll.candidates.map((c) => [c.name, c.photo_url]),
    [['Ana', 'https://example.org/ana.jpg'], ['Bruno', null], ['Carla', null]]);

  await page.getByRole('heading', { level: 1, name: 'Paredão ao vivo' }).waitFor();
  const head = page.locator('.poll-head');
  await head.locator('.badge[data-status="draft"]').getByText('Rascunho').waitFor();
  const listed = page.locator('a.poll-link[data-poll-id="paredao-console"]');
  await listed.waitFor();
  assert.equal(await listed.getAttribute('aria-current'), 'page');

  // Open, keyboard only: Cancel first (nothing happens), then confirm.
  const openButton = page.getByRole('button', { name: 'Abrir votação' });
  await openButton.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Abrir a votação?' });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancelar', 'the safe choice has the focus');
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  assert.equal((await apiPoll(poll.id)).status, 'draft', 'cancel leaves the paredão as it was');
  await openButton.focus();
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Abrir agora');
  await page.keyboard.press('Enter');
  await head.locator('.badge[data-status="open"]').getByText('Aberto').waitFor();
  assert.equal((await apiPoll(poll.id)).status, 'open');
  await page.getByRole('button', { name: 'Encerrar votação' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Abrir votação' }).count(), 0);
  await listed.locator('.badge[data-status="open"]').waitFor();

  // Votes through the API: Ana 3, Bruno 2, Carla 1.
  const ids = Object.fromEntries(poll.candidates.map((c) => [c.name, c.id]));
  const plan = ['Ana', 'Bruno', 'Ana', 'Carla', 'Bruno', 'Ana'];
  for (const name of plan) {
    const res = await vote(server, poll.id, ids[name]);
    assert.equal(res.status, 202, `vote for ${name}: ${res.status}`);
  }

  const total = page.getByTestId('grand-total');
  await page.waitForFunction(() => document.querySelector('[data-testid="grand-total"]')?.dataset.value === '6',
    null, { timeout: LAG_MS });
  assert.equal((await total.textContent()).trim(), '6');
  const rows = await page.locator('.live-list .cand').evaluateAll((items) => items.map((el) => ({
    id: el.getAttribute('data-candidate-id'),
    votes: el.querySelector('.cand-votes').textContent,
    pct: el.querySelector('.cand-pct').textContent,
  })));
  assert.deepEqual(rows, [
    { id: ids.Ana, votes: '3', pct: '50,00%' },
    { id: ids.Bruno, votes: '2', pct: '33,33%' },
    { id: ids.Carla, votes: '1', pct: '16,67%' },
  ]);

  // Per-hour chart: the hours the API reports (one, unless the votes straddled an hour), labelled in local time.
  const stats = await apiStats(poll.id);
  assert.equal(stats.total, 6);
  assert.equal(stats.by_hour.length, 1, `all votes in one hour: ${JSON.stringify(stats.by_hour)}`);
  const columns = await page.getByTestId('hours-chart').locator('.hour-col').evaluateAll((cols) =>
    cols.map((c) => ({ hour: c.getAttribute('data-hour'), total: c.getAttribute('data-total'), label: c.querySelector('.hour-label').textContent })));
  const hourLabel = (iso) => new Intl.DateTimeFormat('pt-BR', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
  assert.deepEqual(columns, stats.by_hour.map((x) => ({ hour: x.hour, total: String(x.total), label: hourLabel(x.hour) })));
  const segments = await page.getByTestId('hours-chart').locator('.hour-col').first().locator('.hour-seg').count();
  assert.equal(segments, 3, 'one stacked segment per participant with votes');

  // Votes per second: a number (one decimal, pt-BR); the indicator says when the last update arrived.
  await page.waitForFunction(() => /^\d+,\d$/.test(document.querySelector('[data-testid="votes-per-second"]')?.textContent ?? ''),
    null, { timeout: LAG_MS });
  assert.match(await page.locator('.live-indicator').textContent(), /^Ao vivo · atualizado às \d{2}:\d{2}:\d{2}$/);
  await assertAccessible(page, 'console with the live view');
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  await page.screenshot({ path: join(SHOTS, 'admin-live.png'), fullPage: true });

  // CSV of the per-hour totals, made in the browser.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Exportar CSV por hora' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'paredao-paredao-console-por-hora.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  const lines = csv.split('\r\n');
  assert.equal(lines.pop(), '', 'the file ends with a newline');
  // Each hour in UTC (as the API gives it) and in the console's local time, its offset written.
  const utc = new Date(stats.by_hour[0].hour);
  const local = new Date(utc.getTime() - 3 * 3600_000).toISOString().replace('.000Z', '-03:00');
  assert.deepEqual(lines, ['hora_utc,hora_local,total,Ana,Bruno,Carla', `${stats.by_hour[0].hour},${local},6,3,2,1`]);
  assert.equal(await page.locator('.hours:not(.minutes) .hours-note').textContent(), 'hora local (UTC-03:00)');

  // When a fetch fails the console says so and keeps retrying; it recovers on its own.
  const statsUrl = (url) => url.pathname === `/api/v1/polls/${poll.id}/stats`;
  await page.route(statsUrl, (route) => route.abort());
  await page.locator('.live-indicator[data-state="error"]').getByText(/^Falha ao atualizar — tentando de novo/).waitFor();
  await page.unroute(statsUrl);
  await page.locator('.live-indicator[data-state="ok"]').waitFor();

  // Close: the dialog warns it cannot be undone; confirm; the status changes everywhere.
  await page.getByRole('button', { name: 'Encerrar votação' }).click();
  const closeDialog = page.getByRole('dialog', { name: 'Encerrar a votação?' });
  await closeDialog.getByText(/não pode ser desfeito/).waitFor();
  await assertAccessible(page, 'close confirmation');
  await closeDialog.getByRole('button', { name: 'Encerrar definitivamente' }).click();
  await head.locator('.badge[data-status="closed"]').getByText('Encerrado').waitFor();
  await page.getByText('Votação encerrada: a apuração abaixo é o resultado final.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Encerrar votação' }).count(), 0);
  assert.equal((await apiPoll(poll.id)).status, 'closed');
  await listed.locator('.badge[data-status="closed"]').waitFor();
  await page.waitForFunction(() => /encerrada/.test(document.getElementById('announcer')?.textContent ?? ''));
  assert.equal((await total.textContent()).trim(), '6', 'the final total stays');
  await assertAccessible(page, 'closed paredão');

  // Phone width: nothing overflows sideways.
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scroll at 360 px (overflow ${overflow}px)`);
  await assertAccessible(page, 'console at 360 px');

  // Sair clears the token.
  await page.getByRole('button', { name: 'Sair' }).click();
  await page.getByLabel('Token de administrador').waitFor();
  assert.deepEqual(await storage(page), { session: null, sessionKeys: 0, localKeys: 0 });
  assert.deepEqual(statsFailures, [], 'every stats answer the server gave was 200');
  assert.deepEqual(pageErrors, []);
});
