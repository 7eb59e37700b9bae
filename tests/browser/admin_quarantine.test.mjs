// Browser test of the console's review of held votes (web/src/admin/review.ts; api.md, "The edge"),
// against the real `paredao serve` with --quarantine-pace 2 and loopback trusted as a proxy, so that
// votes cast with X-Forwarded-For come from networks of their own. One network past the pace and
// another get votes held (reason pace); the producer sees the groups, watches a network through the
// form (a vote from it is then held, reason watched), releases one group and voids the rest behind
// confirmations, reads the decisions and downloads the audit. Every step is checked against the
// API: the quarantine, watch and audit routes are exact, stats may lag 2 s.
//
// Needs: build/paredao (or PAREDAO_BIN) and web/dist with admin.html (cd web && npm run build).
// The screenshot admin-quarantine.png goes to tests/output/screenshots/ (or docs/screenshots/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowserSession, SHOTS, assertAccessible } from '../lib/browser.mjs';
import { createPoll, openPoll, adminHeaders, solve } from '../lib/harness.mjs';

const WIDE = { width: 1440, height: 900 };
const PHONE = { width: 360, height: 740 };
const TZ = 'America/Sao_Paulo';
const STEP_MS = 15_000;
const TEST_MS = 180_000;
const LAG_MS = 8_000; // stats may lag 2 s; the console re-reads the held votes every 5 s
const PACE = 2;

const FAST = '203.0.113.7'; // 7 votes: the first PACE + 1 count, 4 are held
const SECOND = '198.51.100.9'; // 5 votes: 3 count, 2 are held
const HUMAN = '192.0.2.1'; // 2 votes, both count
const WATCHED = '192.0.2.77'; // inside the watched 192.0.2.64/26: its vote is held
const WATCH = '192.0.2.64/26';

let server;
let browser;
let session;

before(async () => {
  session = await startBrowserSession('admin.html', {
    args: ['--quarantine-pace', String(PACE), '--trusted-proxies', '127.0.0.1/32', '--vote-limit', '0'],
  });
  ({ server, browser } = session);
});

after(async () => { await session?.close(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(fn, ms = LAG_MS) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value || Date.now() > end) return value;
    await sleep(150);
  }
}

async function adminJson(path, init = {}) {
  const res = await fetch(`${server.url}${path}`, { ...init, headers: adminHeaders(server) });
  const text = await res.text();
  assert.equal(res.status, 200, `${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** One vote from the network of `from` (named by X-Forwarded-For); the HTTP status. */
async function voteAs(pollId, from, candidate) {
  const headers = { 'x-forwarded-for': from };
  const challenge = await fetch(`${server.url}/api/v1/polls/${pollId}/challenge`, { headers });
  assert.equal(challenge.status, 200, await challenge.clone().text());
  const altcha = await solve(await challenge.json());
  const res = await fetch(`${server.url}/api/v1/polls/${pollId}/votes`, {
    method: 'POST', headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ candidate_id: candidate, altcha }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** "07/12, 14:03:09": how the console writes a time, in TZ. */
const localTime = (iso) => new Intl.DateTimeFormat('pt-BR', {
  timeZone: TZ, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
}).format(new Date(iso));

/** The held groups as the console shows them. */
const shownGroups = (page) => page.locator('.held-list .held').evaluateAll((items) => items.map((el) => ({
  network: el.querySelector('.held-network code').textContent,
  reason: el.querySelector('.reason-tag').textContent,
  votes: el.querySelector('.held-votes').textContent,
  candidates: [...el.querySelectorAll('.held-cands li')].map((li) => [
    li.querySelector('.held-cand-name').textContent, li.querySelector('.held-cand-votes').textContent]),
  times: [...el.querySelectorAll('.held-times time')].map((t) => [t.getAttribute('datetime'), t.textContent]),
})));

const shownNetworks = (page) => page.locator('.watch-list .watch-item code').allTextContents();

test('production reviews held votes from /admin: groups, watch list, release, void, decisions, audit', { timeout: TEST_MS }, async (t) => {
  const poll = await createPoll(server, {
    id: 'revisao', title: 'Paredão da revisão',
    candidates: [{ id: 'a', name: 'Ana' }, { id: 'b', name: 'Bia' }, { id: 'c', name: 'Caio' }],
  });
  await openPoll(server, poll.id);
  const base = `/api/v1/polls/${poll.id}`;
  let accepted = 0;
  const cast = async (from, candidates) => {
    for (const c of candidates) {
      const status = await voteAs(poll.id, from, c);
      assert.equal(status, 202, `vote from ${from} for ${c}`);
      accepted++;
    }
  };
  await cast(FAST, ['a', 'a', 'a', 'b', 'b', 'b', 'c']); // held: Bia 3, Caio 1
  await cast(SECOND, ['a', 'a', 'a', 'a', 'c']); // held: Ana 1, Caio 1
  await cast(HUMAN, ['b', 'c']);

  const held0 = await adminJson(`${base}/quarantine`);
  assert.deepEqual(held0.groups.map((g) => [g.network, g.reason, g.votes]),
    [[`${FAST}/32`, 'pace', 4], [`${SECOND}/32`, 'pace', 2]], 'the server holds what the pace says');

  const context = await browser.newContext({ viewport: WIDE, locale: 'pt-BR', timezoneId: TZ, acceptDownloads: true });
  context.setDefaultTimeout(STEP_MS);
  t.after(async () => { await context.close().catch(() => {}); });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err));
  const reads = []; // when the console read the held votes: it must not hammer the server
  const puts = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path === `${base}/quarantine` && r.method() === 'GET') reads.push(Date.now());
    if (path === `${base}/watch` && r.method() === 'PUT') puts.push(r.postData());
  });

  // Sign in, open the paredão.
  const started = Date.now();
  await page.goto(`${server.url}/admin`);
  await page.getByLabel('Token de administrador').fill(server.adminToken);
  await page.keyboard.press('Enter');
  await page.locator(`a.poll-link[data-poll-id="${poll.id}"]`).click();
  await page.getByRole('heading', { level: 1, name: 'Paredão da revisão' }).waitFor();
  const review = page.getByRole('region', { name: 'Votos retidos' });
  await review.locator(`.held[data-network="${FAST}/32"]`).waitFor();

  // The held groups, largest first, with names, reasons in words and local times.
  const groups = await shownGroups(page);
  assert.deepEqual(groups.map(({ times, ...g }) => g), [
    { network: `${FAST}/32`, reason: 'ritmo acima do humano', votes: '4 votos', candidates: [['Bia', '3'], ['Caio', '1']] },
    { network: `${SECOND}/32`, reason: 'ritmo acima do humano', votes: '2 votos', candidates: [['Ana', '1'], ['Caio', '1']] },
  ]);
  for (const [i, g] of held0.groups.entries()) {
    assert.deepEqual(groups[i].times, [[g.first_at, localTime(g.first_at)], [g.last_at, localTime(g.last_at)]]);
  }
  assert.match(await review.locator('.held-times').first().textContent(), /^Primeiro voto .+ · último .+ \(hora local\)$/);
  assert.equal((await review.locator('.held-total').textContent()).trim(), '6 votos retidos em 2 grupos');
  assert.match(await review.locator('.review-updated').textContent(), /^Atualizado às \d{2}:\d{2}:\d{2}$/);
  await page.getByText('Nenhuma decisão tomada ainda.').waitFor();
  await assertAccessible(page, 'held votes');

  // Watch a network. A typo is caught in the page (nothing is sent); what only the server refuses
  // (a leading zero) shows the server's own detail; a good network goes into the list.
  const watchBox = page.getByRole('region', { name: 'Vigiar uma rede' });
  await watchBox.getByText('Nenhuma rede vigiada.').waitFor();
  const input = page.getByLabel('Rede a vigiar (CIDR)');
  await input.fill('192.0.2.300/24');
  await input.press('Enter');
  await watchBox.getByRole('alert').getByText('“192.0.2.300” não é um endereço IPv4 nem IPv6.', { exact: false }).waitFor();
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'watch-cidr');
  await input.fill('192.0.2.64/33');
  await input.press('Enter');
  await watchBox.getByText('O prefixo de uma rede IPv4 é um número de 0 a 32 (depois da barra).').waitFor();
  assert.deepEqual(puts, [], 'nothing is sent for what the page can tell is wrong');

  const refused = page.waitForResponse((r) => r.url().endsWith(`${base}/watch`) && r.request().method() === 'PUT');
  await input.fill('192.0.2.010/32');
  await input.press('Enter');
  const refusal = await refused;
  assert.equal(refusal.status(), 400);
  const problem = await refusal.json();
  await watchBox.getByText('O servidor recusou esta rede. Confira o endereço e o prefixo.').waitFor();
  assert.equal((await watchBox.locator('.form-error-detail').textContent()), `Resposta do servidor: ${problem.detail}`);
  await assertAccessible(page, 'watch form refused by the server');
  assert.deepEqual(await adminJson(`${base}/watch`), { networks: [] }, 'a refused list changes nothing');

  await input.fill(WATCH);
  await input.press('Enter');
  await watchBox.getByRole('status').getByText(`Rede ${WATCH} vigiada: os próximos votos dela ficam retidos.`).waitFor();
  assert.equal(await input.getAttribute('aria-invalid'), null);
  assert.equal(await input.inputValue(), '');
  await input.fill('2001:db8::/48');
  await input.press('Enter');
  await watchBox.getByRole('status').getByText('Rede 2001:db8::/48 vigiada', { exact: false }).waitFor();
  assert.deepEqual(await adminJson(`${base}/watch`), { networks: [WATCH, '2001:db8::/48'] });
  assert.deepEqual(await shownNetworks(page), [WATCH, '2001:db8::/48']);
  await watchBox.getByRole('button', { name: 'Remover a rede 2001:db8::/48 da vigilância' }).click();
  await watchBox.getByRole('status').getByText('Rede 2001:db8::/48 removida da vigilância.').waitFor();
  assert.deepEqual(await adminJson(`${base}/watch`), { networks: [WATCH] }, 'PUT replaced the list');
  assert.deepEqual(await shownNetworks(page), [WATCH]);
  assert.deepEqual(JSON.parse(puts.at(-1)), { networks: [WATCH] });

  // A vote from inside the watched network is held for that reason, and shows up by itself.
  await cast(WATCHED, ['a']);
  await review.locator(`.held[data-network="${WATCHED}/32"]`).waitFor({ timeout: LAG_MS });
  assert.deepEqual((await shownGroups(page)).map((g) => [g.network, g.reason, g.votes, g.candidates]), [
    [`${FAST}/32`, 'ritmo acima do humano', '4 votos', [['Bia', '3'], ['Caio', '1']]],
    [`${SECOND}/32`, 'ritmo acima do humano', '2 votos', [['Ana', '1'], ['Caio', '1']]],
    [`${WATCHED}/32`, 'rede vigiada', '1 voto', [['Ana', '1']]],
  ]);
  await assertAccessible(page, 'held votes with a watched network');
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  await page.screenshot({ path: join(SHOTS, 'admin-quarantine.png'), fullPage: true });

  const before = await waitFor(async () => {
    const s = await adminJson(`${base}/stats`);
    return s.total + s.quarantined + s.voided === accepted ? s : null;
  });
  assert.ok(before, 'every 202 is in the stats');
  assert.deepEqual([before.total, before.quarantined, before.voided], [8, 7, 0]);

  // Release one group: the dialog says what and how many; Escape cancels and changes nothing.
  const release = review.getByRole('button', { name: `Liberar os 2 votos retidos da rede ${SECOND}/32 (ritmo acima do humano)` });
  await release.click();
  const dialog = page.getByRole('dialog', { name: 'Liberar votos retidos?' });
  await dialog.waitFor();
  assert.deepEqual(await dialog.locator('.confirm-text p').allTextContents(), [
    `Liberar os 2 votos retidos da rede ${SECOND}/32 por ritmo acima do humano?`,
    'Eles passam a contar na apuração e no resultado, cada um na hora em que chegou.',
    'Se mais votos desta rede forem retidos pelo mesmo motivo antes de você confirmar, eles também serão liberados.',
  ]);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancelar', 'the safe choice has the focus');
  await assertAccessible(page, 'release confirmation');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.match(await page.evaluate(() => document.activeElement?.textContent), /^Liberar os 2 votos retidos da rede 198\.51\.100\.9\/32/,
    'the focus is back on the button');
  assert.equal((await adminJson(`${base}/quarantine`)).groups.length, 3, 'cancel changes nothing');

  await page.keyboard.press('Enter');
  await dialog.waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Liberar 2 votos');
  const released = page.waitForResponse((r) => r.url().endsWith(`${base}/quarantine/release`));
  await page.keyboard.press('Enter');
  const releasedRes = await released;
  assert.equal(releasedRes.status(), 200);
  assert.deepEqual(JSON.parse(releasedRes.request().postData()), { network: `${SECOND}/32`, reason: 'pace' });
  assert.deepEqual(await releasedRes.json(), { votes: 2 });
  await review.getByRole('status').getByText(`2 votos liberados (rede ${SECOND}/32, ritmo acima do humano).`).waitFor();
  await review.locator(`.held[data-network="${SECOND}/32"]`).waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'review-title', 'the focus goes to the section once the group is gone');
  const held1 = await adminJson(`${base}/quarantine`);
  assert.deepEqual(held1.groups.map((g) => [g.network, g.reason, g.votes]), [[`${FAST}/32`, 'pace', 4], [`${WATCHED}/32`, 'watched', 1]]);
  assert.equal((await review.locator('.held-total').textContent()).trim(), '5 votos retidos em 2 grupos');
  const afterRelease = await waitFor(async () => {
    const s = await adminJson(`${base}/stats`);
    return s.total === 10 ? s : null;
  });
  assert.ok(afterRelease, 'the released votes are counted');
  assert.deepEqual([afterRelease.total, afterRelease.quarantined, afterRelease.voided], [10, 5, 0]);
  assert.deepEqual(afterRelease.by_candidate.map((c) => [c.candidate_id, c.votes, c.quarantined, c.voided]),
    [['a', 7, 1, 0], ['b', 1, 3, 0], ['c', 2, 1, 0]], 'exactly the group released: Ana 1, Caio 1 from the second network');
  await assertAccessible(page, 'after a release');

  // Void all the rest.
  await review.getByRole('button', { name: 'Anular todos' }).click();
  const voidDialog = page.getByRole('dialog', { name: 'Anular votos retidos?' });
  await voidDialog.waitFor();
  assert.deepEqual(await voidDialog.locator('.confirm-text p').allTextContents(), [
    'Anular todos os 5 votos retidos deste paredão (2 grupos)?',
    'Eles ficam fora de todas as contagens para sempre: isto não pode ser desfeito.',
    'Votos retidos que chegarem antes de você confirmar também serão anulados.',
  ]);
  await assertAccessible(page, 'void confirmation');
  const voided = page.waitForResponse((r) => r.url().endsWith(`${base}/quarantine/void`));
  await voidDialog.getByRole('button', { name: 'Anular 5 votos' }).click();
  const voidedRes = await voided;
  assert.deepEqual(JSON.parse(voidedRes.request().postData()), {});
  assert.deepEqual(await voidedRes.json(), { votes: 5 });
  await review.getByRole('status').getByText('5 votos anulados.').waitFor();
  await review.getByText('Nada retido', { exact: false }).waitFor();
  assert.equal((await review.locator('.held-total').textContent()).trim(), 'Nenhum voto retido agora.');
  assert.equal(await review.getByRole('button', { name: 'Anular todos' }).count(), 0, 'nothing left to void');
  const afterVoid = await waitFor(async () => {
    const s = await adminJson(`${base}/stats`);
    return s.voided === 5 ? s : null;
  });
  assert.ok(afterVoid, 'the voided votes are in the stats');
  assert.deepEqual([afterVoid.total, afterVoid.quarantined, afterVoid.voided], [10, 0, 5]);
  assert.deepEqual(afterVoid.by_candidate.map((c) => [c.candidate_id, c.votes, c.quarantined, c.voided]),
    [['a', 7, 0, 1], ['b', 1, 0, 3], ['c', 2, 0, 1]]);

  // The decisions, newest first, as the server records them.
  const held2 = await adminJson(`${base}/quarantine`);
  assert.deepEqual(held2.groups, []);
  const decisions = [...held2.decisions].sort((x, y) => x.at.localeCompare(y.at) || (x.action === 'release' ? -1 : 1));
  assert.deepEqual(decisions.map(({ at, ...d }) => d), [
    { action: 'release', network: `${SECOND}/32`, reason: 'pace', votes: 2 },
    { action: 'void', network: null, reason: null, votes: 5 },
  ]);
  const rows = await review.locator('.decisions-table tbody tr').evaluateAll((trs) => trs.map((tr) =>
    [tr.querySelector('time').getAttribute('datetime'), ...[...tr.cells].map((td) => td.textContent)]));
  assert.deepEqual(rows, [
    [decisions[1].at, localTime(decisions[1].at), 'Anulação', 'todos os votos retidos', '5'],
    [decisions[0].at, localTime(decisions[0].at), 'Liberação', `rede ${SECOND}/32 · ritmo acima do humano`, '2'],
  ]);
  await assertAccessible(page, 'decisions');

  // The audit: one line per 202, each in its final state with its original reason.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    review.getByRole('button', { name: 'Baixar auditoria' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `auditoria-${poll.id}.ndjson`);
  const text = readFileSync(await download.path(), 'utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, accepted, 'one line per vote answered 202');
  const audit = lines.map((l) => JSON.parse(l));
  const tally = {};
  for (const v of audit) {
    const key = `${v.network} ${v.state} ${v.reason ?? '-'}`;
    tally[key] = (tally[key] ?? 0) + 1;
  }
  assert.deepEqual(tally, {
    [`${FAST}/32 counted -`]: 3,
    [`${FAST}/32 voided pace`]: 4,
    [`${SECOND}/32 counted -`]: 3,
    [`${SECOND}/32 counted pace`]: 2,
    [`${HUMAN}/32 counted -`]: 2,
    [`${WATCHED}/32 voided watched`]: 1,
  });
  await review.getByRole('status').getByText(`Auditoria baixada: ${accepted} votos em auditoria-${poll.id}.ndjson.`).waitFor();
  await review.getByRole('button', { name: 'Baixar auditoria' }).waitFor();

  // The console re-read the held votes every few seconds, not more (plus once after each decision).
  const seconds = (Date.now() - started) / 1000;
  assert.ok(reads.length <= seconds / 5 + 2 + 3, `${reads.length} reads of the held votes in ${seconds.toFixed(0)} s`);

  // Phone width: nothing overflows sideways.
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scroll at 360 px (overflow ${overflow}px)`);
  await assertAccessible(page, 'review at 360 px');
  assert.deepEqual(pageErrors, []);
});
