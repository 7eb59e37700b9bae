// Browser test of the viewer's vote page (web/): Debian's Chromium, driven by playwright-core,
// against the real `paredao serve` binary serving the built page (web/dist) with --web-dir.
// The real ALTCHA widget fetches and solves the challenges (--pow-difficulty 1000 keeps it fast).
//
// Needs: build/paredao (or PAREDAO_BIN) and web/dist (cd web && npm ci && npm run build).
// Screenshots (vote-page.png, receipt.png) go to tests/output/screenshots/, or to
// docs/screenshots/ (the ones the README shows) when UPDATE_SCREENSHOTS=1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startBrowserSession, SHOTS, assertAccessible } from '../lib/browser.mjs';
import { createPoll, openPoll, adminHeaders } from '../lib/harness.mjs';

const PHONE = { width: 360, height: 740 };
const TZ = 'America/Sao_Paulo';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STEP_MS = 30_000; // bound for one UI step that includes solving a challenge
const TEST_MS = 120_000;

let server;
let browser;
let session;

before(async () => {
  session = await startBrowserSession('index.html');
  ({ server, browser } = session);
});

after(async () => { await session?.close(); });

/** A phone-sized page in pt-BR / São Paulo time; uncaught page errors fail the test. */
async function phonePage(t) {
  const context = await browser.newContext({
    viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'pt-BR', timezoneId: TZ,
  });
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err));
  t.after(async () => { await context.close().catch(() => {}); });
  return { page, pageErrors };
}

async function closePoll(pollId) {
  const res = await fetch(`${server.url}/api/v1/polls/${pollId}/close`, { method: 'POST', headers: adminHeaders(server) });
  assert.equal(res.status, 200, `close poll: ${res.status} ${await res.text()}`);
}

async function stats(pollId) {
  const res = await fetch(`${server.url}/api/v1/polls/${pollId}/stats`, { headers: adminHeaders(server) });
  assert.equal(res.status, 200);
  return res.json();
}

/** The stats once they count `total` votes, or after 5 s (they may lag accepted votes by 2 s). */
async function statsCounting(pollId, total) {
  const deadline = Date.now() + 5000;
  let s = await stats(pollId);
  while (s.total < total && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    s = await stats(pollId);
  }
  return s;
}

function voteButton(page, name) {
  return page.getByRole('button', { name: `Votar para eliminar ${name}`, exact: true });
}

/** Clicks (or presses) a participant's vote action and returns the 202 body once the receipt shows. */
async function castVote(page, pollId, act) {
  const accepted = page.waitForResponse(
    (r) => r.url().endsWith(`/api/v1/polls/${pollId}/votes`) && r.request().method() === 'POST' && r.status() === 202,
    { timeout: STEP_MS });
  await act();
  const res = await accepted;
  const body = await res.json();
  await page.getByRole('heading', { name: 'Voto registrado' }).waitFor({ state: 'visible' });
  return body;
}

async function receiptPercents(page) {
  return page.locator('.receipt .results .result').evaluateAll((items) =>
    items.map((el) => ({ id: el.getAttribute('data-candidate-id'), percent: Number(el.getAttribute('data-percent')) })));
}

async function checkReceipt(page, body, candidateName) {
  const receipt = page.locator('section.receipt');
  const shownId = (await receipt.getByTestId('vote-id').textContent()).trim();
  assert.match(shownId, UUID_RE, 'vote id has the UUID format');
  assert.equal(shownId, body.vote_id, 'the receipt shows the vote id of the 202 answer');
  const time = receipt.locator('time.vote-time');
  assert.equal(await time.getAttribute('datetime'), body.accepted_at);
  const hms = new Intl.DateTimeFormat('pt-BR', { timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .format(new Date(body.accepted_at));
  const dmy = new Intl.DateTimeFormat('pt-BR', { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' })
    .format(new Date(body.accepted_at));
  const shownTime = await time.textContent();
  assert.ok(shownTime.includes(hms) && shownTime.includes(dmy), `receipt time "${shownTime}" is ${dmy} ${hms} (local, pt-BR)`);
  assert.match(await receipt.locator('.receipt-lead').textContent(), new RegExp(`Você votou para eliminar ${candidateName}`));
}

function sum(list) { return list.reduce((a, b) => a + b.percent, 0); }

test('no open paredão: a friendly empty state that opens the vote by itself when the host opens it', { timeout: TEST_MS }, async (t) => {
  const { page, pageErrors } = await phonePage(t);
  await page.goto(`${server.url}/`);
  await page.getByRole('heading', { name: 'Nenhum paredão aberto agora' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'pt-BR');
  await page.getByText('Esta página abre a votação sozinha').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Atualizar' }).count(), 0, 'nothing to tap: it looks by itself');
  await assertAccessible(page, 'empty state');
  const poll = await createPoll(server, {
    id: 'paredao-chamado', title: 'Paredão chamado agora',
    candidates: [{ id: 'rui', name: 'Rui' }, { id: 'sol', name: 'Sol' }],
  });
  await openPoll(server, poll.id);
  const opened = Date.now();
  await page.getByRole('heading', { level: 1, name: 'Paredão chamado agora' }).waitFor({ timeout: 15_000 });
  await voteButton(page, 'Sol').waitFor();
  const seconds = (Date.now() - opened) / 1000;
  assert.ok(seconds < 10, `opened ${seconds.toFixed(1)} s after the host (looks every 4 to 6 s)`);
  await closePoll(poll.id);
  assert.deepEqual(pageErrors, []);
});

/** Fails unless the element is wholly inside the 360×740 screen as it is now. */
async function assertInView(locator, label) {
  const box = await locator.boundingBox();
  assert.ok(box, `${label}: not laid out`);
  assert.ok(box.y >= 0 && box.y + box.height <= PHONE.height && box.x >= 0 && box.x + box.width <= PHONE.width,
    `${label}: at y=${Math.round(box.y)}..${Math.round(box.y + box.height)}, outside the ${PHONE.width}×${PHONE.height} screen`);
}

test('phone: first vote, then five repeats of one tap each with the check already solved, then a change of participant in two taps', { timeout: 4 * TEST_MS }, async (t) => {
  const poll = await createPoll(server, {
    id: 'paredao-browser', title: 'Paredão da semana',
    candidates: [{ id: 'ana', name: 'Ana Clara' }, { id: 'bruno', name: 'Bruno Souza' }, { id: 'carla', name: 'Carla' }],
  });
  await openPoll(server, poll.id);
  const { page, pageErrors } = await phonePage(t);
  const requests = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${server.url}/api/v1/polls/${poll.id}/`)) requests.push(`${r.method()} ${r.url().split('/').pop()}`);
  });

  await page.goto(`${server.url}/`);
  await page.getByRole('heading', { level: 1, name: 'Paredão da semana' }).waitFor();
  for (const name of ['Ana Clara', 'Bruno Souza', 'Carla']) await voteButton(page, name).waitFor();
  // The page came with its poll and its first challenge: nothing was asked of the API yet.
  assert.deepEqual(requests, [], 'the poll and the first challenge are in the HTML');
  // The check solves by itself, in the background, with nothing to tick.
  await page.waitForFunction(() => document.querySelector('altcha-widget')?.getState() === 'verified');
  await page.getByText('Tudo pronto: toque em quem você quer eliminar.').waitFor();
  assert.equal(await page.getByText(/não sou um robô/i).evaluateAll((els) => els.filter((e) => e.checkVisibility()).length), 0,
    'no checkbox to tick');
  assert.equal(await page.locator('altcha-widget').isVisible(), false);
  await assertAccessible(page, 'vote page');
  await page.screenshot({ path: join(SHOTS, 'vote-page.png') });

  // First vote: one tap on a portrait.
  const first = await castVote(page, poll.id, () => voteButton(page, 'Bruno Souza').tap());
  assert.equal(first.poll_id, poll.id);
  assert.equal(first.candidate_id, 'bruno');
  await checkReceipt(page, first, 'Bruno Souza');
  assert.equal(await page.getByTestId('session-votes').textContent(), 'Seu 1º voto nesta sessão.');
  const p1 = await receiptPercents(page);
  assert.deepEqual(p1.map((r) => r.id), ['ana', 'bruno', 'carla'], 'every participant, in creation order');
  // Results may lag accepted votes by up to 2 s (contract): all zero is then allowed for the first vote.
  assert.ok(Math.abs(sum(p1) - 100) < 0.05 || p1.every((r) => r.percent === 0), `percentages ${JSON.stringify(p1)}`);
  await page.getByRole('button', { name: 'Compartilhar a votação' }).waitFor();

  // Five repeats in a row, as a fan does all night: the next check solves while the receipt
  // shows; "Votar de novo" is on screen, and one tap sends the vote with no challenge to wait for.
  const again = page.getByTestId('vote-again');
  const times = [];
  let last = first;
  for (let i = 2; i <= 6; i++) {
    await page.getByText('Próximo voto pronto: um toque e ele sai.').waitFor();
    if (i === 2) {
      await assertAccessible(page, 'receipt');
      await page.screenshot({ path: join(SHOTS, 'receipt.png') });
    }
    await assertInView(again, `"Votar de novo" (repeat ${i - 1})`);
    assert.equal(await again.textContent(), 'Votar de novo em Bruno Souza');
    const before = requests.length;
    const tapped = Date.now();
    const body = await castVote(page, poll.id, () => again.tap());
    times.push(Date.now() - tapped);
    assert.equal(body.candidate_id, 'bruno');
    assert.notEqual(body.vote_id, last.vote_id);
    assert.deepEqual(requests.slice(before, before + 1), ['POST votes'], 'the tap sent the vote at once: its check was already solved');
    await page.getByTestId('session-votes').getByText(`Seu ${i}º voto nesta sessão.`).waitFor();
    assert.equal(await page.getByTestId('vote-id').textContent(), body.vote_id);
    last = body;
  }
  t.diagnostic(`five repeats, one tap each, tap to receipt (ms): ${times.join(', ')}`);

  // Change participant: two taps.
  await page.getByText('Próximo voto pronto: um toque e ele sai.').waitFor();
  await page.getByRole('button', { name: 'Trocar participante' }).tap();
  await page.getByRole('heading', { level: 1, name: 'Paredão da semana' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'poll-title');
  const changed = await castVote(page, poll.id, () => voteButton(page, 'Ana Clara').tap());
  assert.equal(changed.candidate_id, 'ana');
  await checkReceipt(page, changed, 'Ana Clara');

  // By keyboard: the focus stays on "Votar de novo" after a repeat, so Enter repeats again.
  await page.getByText('Próximo voto pronto: um toque e ele sai.').waitFor();
  await again.focus();
  const keyed = await castVote(page, poll.id, () => page.keyboard.press('Enter'));
  assert.equal(keyed.candidate_id, 'ana');
  await page.getByTestId('session-votes').getByText('Seu 8º voto nesta sessão.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'vote-again');
  const p2 = await receiptPercents(page);
  assert.ok(Math.abs(sum(p2) - 100) < 0.05, `percentages add up to 100: ${JSON.stringify(p2)}`);
  // The bars grow from zero to their share (animated by a CSS transition).
  await page.waitForFunction(() => [...document.querySelectorAll('.receipt .result')].every((li) =>
    li.querySelector('.bar-fill')?.style.width === `${li.getAttribute('data-percent')}%`));

  // Exactly the eight votes counted.
  const s = await statsCounting(poll.id, 8);
  assert.equal(s.total, 8);
  assert.deepEqual(s.by_candidate.map((c) => [c.candidate_id, c.votes]), [['ana', 2], ['bruno', 6], ['carla', 0]]);
  await closePoll(poll.id);
  assert.deepEqual(pageErrors, []);
});

test('hidden partials: the receipt says the result is only published at the end', { timeout: TEST_MS }, async (t) => {
  const poll = await createPoll(server, {
    id: 'paredao-oculto', title: 'Paredão secreto', show_partial_results: false,
    candidates: [{ id: 'davi', name: 'Davi' }, { id: 'elis', name: 'Elis' }],
  });
  await openPoll(server, poll.id);
  const { page, pageErrors } = await phonePage(t);
  await page.goto(`${server.url}/p/${poll.id}`);
  await page.getByRole('heading', { level: 1, name: 'Paredão secreto' }).waitFor();
  const body = await castVote(page, poll.id, () => voteButton(page, 'Elis').click());
  assert.equal(body.results, null);
  await checkReceipt(page, body, 'Elis');
  await page.locator('section.receipt')
    .getByText('O resultado parcial deste paredão só será divulgado no encerramento.').waitFor();
  assert.equal(await page.locator('section.receipt .results').count(), 0);
  await closePoll(poll.id);
  assert.deepEqual(pageErrors, []);
});

test('a refused human check is redone automatically; a busy or limited vote is resent as it is after Retry-After', { timeout: TEST_MS }, async (t) => {
  const poll = await createPoll(server, {
    id: 'paredao-erros', title: 'Paredão dos erros',
    candidates: [{ id: 'fabi', name: 'Fabi' }, { id: 'gil', name: 'Gil' }],
  });
  await openPoll(server, poll.id);
  const { page, pageErrors } = await phonePage(t);
  const votesUrl = `${server.url}/api/v1/polls/${poll.id}/votes`;
  const payloads = [];
  const statuses = [];
  page.on('response', (r) => { if (r.url() === votesUrl) statuses.push(r.status()); });
  const problem = (status, code, retryAfter) => ({
    status, contentType: 'application/problem+json', headers: { 'retry-after': String(retryAfter) },
    body: JSON.stringify({ type: 'about:blank', title: code, status, detail: code, code }),
  });
  // 1st POST: the altcha payload's signature is tampered with on its way: the real server refuses it (422).
  // 2nd: answered 503 + Retry-After 1, 3rd: 429 + Retry-After 2, without reaching the server.
  // 4th: goes through. The 2nd, 3rd and 4th must carry the same payload: 429 and 503 use nothing.
  await page.route(votesUrl, async (route) => {
    const sent = JSON.parse(route.request().postData());
    payloads.push(sent.altcha);
    if (payloads.length === 1) {
      const decoded = JSON.parse(Buffer.from(sent.altcha, 'base64').toString());
      const sig = decoded.challenge.signature;
      decoded.challenge.signature = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
      sent.altcha = Buffer.from(JSON.stringify(decoded)).toString('base64');
      await route.continue({ postData: JSON.stringify(sent) });
    } else if (payloads.length === 2) {
      await route.fulfill(problem(503, 'unavailable', 1));
    } else if (payloads.length === 3) {
      await route.fulfill(problem(429, 'rate_limited', 2));
    } else {
      await route.continue();
    }
  });
  await page.goto(`${server.url}/p/${poll.id}`);
  await page.getByRole('heading', { level: 1, name: 'Paredão dos erros' }).waitFor();
  const alert = page.locator('#vote-error');
  const accepted = page.waitForResponse((r) => r.url() === votesUrl && r.status() === 202, { timeout: STEP_MS });
  await voteButton(page, 'Gil').click();
  await alert.getByText('O serviço está ocupado agora. Seu voto para Gil ainda não foi contado e será reenviado automaticamente em instantes.').waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await assertInView(alert, 'the busy message, page at the top');
  await assertAccessible(page, 'busy message');
  await alert.getByText('Muitos votos seguidos saindo da sua rede agora. Seu voto para Gil ainda não foi contado e será reenviado automaticamente em 2 segundos.').waitFor();
  const body = await (await accepted).json();
  await page.getByRole('heading', { name: 'Voto registrado' }).waitFor();
  assert.equal(await alert.isVisible(), false, 'the message goes once the vote is in');
  assert.equal(body.candidate_id, 'gil');
  assert.deepEqual(statuses, [422, 503, 429, 202], 'the refused check was redone, the rest resent by the page itself');
  assert.equal(payloads.length, 4);
  assert.notEqual(payloads[1], payloads[0], 'a new check after the 422');
  assert.equal(payloads[2], payloads[1], 'the same payload after the 503');
  assert.equal(payloads[3], payloads[1], 'the same payload after the 429');
  assert.equal((await statsCounting(poll.id, 1)).total, 1, 'only the accepted vote is counted');
  await closePoll(poll.id);
  assert.deepEqual(pageErrors, []);
});

test('errors in view at 360×740, in one voice: three refused checks, then a lost connection; each says the vote was not counted and what to do', { timeout: 2 * TEST_MS }, async (t) => {
  const poll = await createPoll(server, {
    id: 'paredao-falhas', title: 'Paredão das falhas',
    candidates: [{ id: 'ugo', name: 'Ugo' }, { id: 'vera', name: 'Vera' }, { id: 'wil', name: 'Wil' }, { id: 'xu', name: 'Xu' }],
  });
  await openPoll(server, poll.id);
  const { page, pageErrors } = await phonePage(t);
  const votesUrl = `${server.url}/api/v1/polls/${poll.id}/votes`;
  const statuses = [];
  page.on('response', (r) => { if (r.url() === votesUrl) statuses.push(r.status()); });
  // Every vote's check is refused (the payload's signature is tampered with on its way, so the
  // real server answers 422): the page redoes the check twice by itself, then asks.
  let tamper = true;
  await page.route(votesUrl, async (route) => {
    if (!tamper) { await route.continue(); return; }
    const sent = JSON.parse(route.request().postData());
    const decoded = JSON.parse(Buffer.from(sent.altcha, 'base64').toString());
    const sig = decoded.challenge.signature;
    decoded.challenge.signature = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    sent.altcha = Buffer.from(JSON.stringify(decoded)).toString('base64');
    await route.continue({ postData: JSON.stringify(sent) });
  });
  await page.goto(`${server.url}/p/${poll.id}`);
  await voteButton(page, 'Xu').tap();
  const alert = page.locator('#vote-error');
  await alert.getByText('A verificação automática não foi aceita, e seu voto não foi contado. Toque em “Tentar de novo”: uma nova começa na hora.').waitFor();
  assert.deepEqual(statuses, [422, 422, 422]);
  await page.evaluate(() => window.scrollTo(0, 0));
  await assertInView(alert, 'the refused check, page at the top');
  // One voice: nothing on the screen says "verified" while the alert says it was not accepted
  // (the widget has no face of its own: its texts are in the page, never shown).
  const shown = (locator) => locator.evaluateAll((els) => els.filter((e) => e.checkVisibility()).length);
  assert.equal(await shown(page.getByText(/verificad[oa]/i)), 0);
  assert.equal(await shown(page.getByText(/não sou um robô/i)), 0);
  await assertAccessible(page, 'refused check');
  await page.screenshot({ path: join(SHOTS, 'vote-error.png') });

  // The connection drops as the vote goes out: it may or may not have arrived, and it says so.
  tamper = false;
  await page.unroute(votesUrl);
  await page.route(votesUrl, (route) => route.abort('internetdisconnected'));
  await alert.getByRole('button', { name: 'Tentar de novo' }).tap();
  await alert.getByText('A conexão caiu antes da resposta: este voto pode não ter sido contado. Confira sua internet e toque em “Tentar de novo”.').waitFor();
  await assertInView(alert, 'the lost connection');
  await page.unroute(votesUrl);
  const body = await castVote(page, poll.id, () => alert.getByRole('button', { name: 'Tentar de novo' }).tap());
  assert.equal(body.candidate_id, 'xu');
  assert.equal(await alert.isVisible(), false);
  assert.equal((await statsCounting(poll.id, 1)).total, 1, 'only the accepted vote is counted');
  await closePoll(poll.id);
  assert.deepEqual(pageErrors, []);
});

test('a page shown long after it came (its challenge expired) asks for a fresh one, with no false alarm', { timeout: TEST_MS }, async (t) => {
  const poll = await createPoll(server, {
    id: 'paredao-aba', title: 'Paredão da aba esquecida',
    candidates: [{ id: 'yan', name: 'Yan' }, { id: 'zoe', name: 'Zoe' }],
  });
  await openPoll(server, poll.id);
  const { page, pageErrors } = await phonePage(t);
  // The page as a tab left in the background would show it: its challenge expired a while ago.
  await page.route(`${server.url}/p/${poll.id}`, async (route) => {
    const res = await route.fetch();
    const html = (await res.text()).replace(/"expiresAt":\d+/, `"expiresAt":${Math.floor(Date.now() / 1000) - 60}`);
    await route.fulfill({ response: res, body: html, headers: { ...res.headers(), 'content-encoding': 'identity' } });
  });
  const fetched = page.waitForResponse((r) => r.url().endsWith(`/api/v1/polls/${poll.id}/challenge`) && r.status() === 200);
  await page.goto(`${server.url}/p/${poll.id}`);
  await fetched;
  await page.getByText('Tudo pronto: toque em quem você quer eliminar.').waitFor();
  assert.equal(await page.locator('#vote-error').isVisible(), false, 'no error shown');
  const body = await castVote(page, poll.id, () => voteButton(page, 'Zoe').tap());
  assert.equal(body.candidate_id, 'zoe');
  await closePoll(poll.id);
  assert.deepEqual(pageErrors, []);
});

test('a tap while the server asks to wait before the next check waits too, then votes by itself', { timeout: TEST_MS }, async (t) => {
  const poll = await createPoll(server, {
    id: 'paredao-espera', title: 'Paredão da espera',
    candidates: [{ id: 'ari', name: 'Ari' }, { id: 'bel', name: 'Bel' }],
  });
  await openPoll(server, poll.id);
  const { page, pageErrors } = await phonePage(t);
  const challengeUrl = `${server.url}/api/v1/polls/${poll.id}/challenge`;
  const asked = [];
  await page.route(challengeUrl, async (route) => {
    asked.push(Date.now());
    if (asked.length === 1) {
      await route.fulfill({
        status: 429, contentType: 'application/problem+json', headers: { 'retry-after': '3' },
        body: JSON.stringify({ type: 'about:blank', title: 'rate_limited', status: 429, detail: 'slow down', code: 'rate_limited' }),
      });
    } else {
      await route.continue();
    }
  });
  await page.goto(`${server.url}/p/${poll.id}`);
  await castVote(page, poll.id, () => voteButton(page, 'Bel').tap()); // the page's own challenge
  // The next check is refused with Retry-After 3: the page says it starts again by itself.
  await page.locator('#vote-error').getByText('A verificação recomeça automaticamente em 3 segundos.').waitFor();
  const refusedAt = asked[0];
  const accepted = page.waitForResponse((r) => r.url().endsWith(`/api/v1/polls/${poll.id}/votes`) && r.status() === 202);
  await page.getByTestId('vote-again').tap();
  const body = await (await accepted).json();
  assert.equal(body.candidate_id, 'bel', 'the tapped vote went out by itself after the wait');
  // (A third may follow at once: the check of the vote after this one, solving in advance.)
  assert.ok(asked.length >= 2);
  assert.ok(asked[1] - refusedAt >= 2900, `the next challenge waited for Retry-After: ${asked[1] - refusedAt} ms`);
  await page.getByTestId('session-votes').getByText('Seu 2º voto nesta sessão.').waitFor();
  await closePoll(poll.id);
  assert.deepEqual(pageErrors, []);
});

test('closed paredão: friendly message, also when it closes while the page is open', { timeout: TEST_MS }, async (t) => {
  const closed = await createPoll(server, {
    id: 'paredao-fechado', title: 'Paredão encerrado',
    candidates: [{ id: 'hugo', name: 'Hugo' }, { id: 'iris', name: 'Iris' }],
  });
  await openPoll(server, closed.id);
  await closePoll(closed.id);
  const { page, pageErrors } = await phonePage(t);
  await page.goto(`${server.url}/p/${closed.id}`);
  await page.getByRole('heading', { level: 1, name: 'Paredão encerrado' }).waitFor();
  await page.getByText('A votação deste paredão está encerrada.').waitFor();
  assert.equal(await page.getByRole('button', { name: /Votar para eliminar/ }).count(), 0);
  await assertAccessible(page, 'closed poll');

  // Open when the page loads, closed before the viewer votes: the challenge (or the vote) is
  // refused with poll_not_open and the page says the vote is closed.
  const late = await createPoll(server, {
    id: 'paredao-tarde', title: 'Paredão que fecha',
    candidates: [{ id: 'joao', name: 'João' }, { id: 'kiki', name: 'Kiki' }],
  });
  await openPoll(server, late.id);
  await page.goto(`${server.url}/p/${late.id}`);
  await voteButton(page, 'Kiki').waitFor();
  await closePoll(late.id);
  await voteButton(page, 'Kiki').click();
  // The vote tapped after the closing says it was not counted, where the eye is.
  const lost = page.getByText('Seu voto para eliminar Kiki não foi contado: a votação foi encerrada antes de ele chegar.');
  await lost.waitFor();
  await assertInView(lost, 'the vote not counted');
  await page.getByText('A votação deste paredão está encerrada.').waitFor();
  await page.getByRole('heading', { level: 1, name: 'Paredão que fecha' }).waitFor();
  assert.equal(await page.getByRole('button', { name: /Votar para eliminar/ }).count(), 0);
  assert.equal((await stats(late.id)).total, 0);
  assert.deepEqual(pageErrors, []);
});

test('countdown to closing: ticks every second, and the page closes by itself at zero', { timeout: TEST_MS }, async (t) => {
  const inNinetyMinutes = new Date(Date.now() + 90 * 60_000 + 30_000).toISOString();
  const later = await createPoll(server, {
    id: 'paredao-relogio', title: 'Paredão com relógio', closes_at: inNinetyMinutes,
    candidates: [{ id: 'lia', name: 'Lia' }, { id: 'max', name: 'Max' }],
  });
  await openPoll(server, later.id);
  const { page, pageErrors } = await phonePage(t);
  await page.goto(`${server.url}/p/${later.id}`);
  const timer = page.getByRole('timer');
  await timer.waitFor();
  const first = await timer.textContent();
  assert.match(first, /^Faltam 01:30:\d\d$/, first);
  await page.waitForTimeout(1200);
  const second = await timer.textContent();
  assert.notEqual(second, first, 'the countdown ticks');
  await assertAccessible(page, 'countdown');

  const soon = await createPoll(server, {
    id: 'paredao-contagem', title: 'Paredão quase no fim', closes_at: new Date(Date.now() + 4000).toISOString(),
    candidates: [{ id: 'nina', name: 'Nina' }, { id: 'otto', name: 'Otto' }],
  });
  await openPoll(server, soon.id);
  await page.goto(`${server.url}/p/${soon.id}`);
  assert.match(await page.getByRole('timer').textContent(), /^Faltam 00:00:0\d$/);
  await page.getByText('A votação deste paredão está encerrada.').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByRole('button', { name: /Votar para eliminar/ }).count(), 0);
  assert.deepEqual(pageErrors, []);
});
