// The console's alert on refused votes in the distributed mode (issue 16): two api copies behind
// the HAProxy balancer, the console signed in through it, reading GET /metrics from whichever copy
// its connection lands on. A broker blocking publishers (RabbitMQ's memory alarm) makes every copy
// answer votes with 503; the console says so at the top, from a copy's own counters compared only
// with that copy's (process_start_time_seconds), and clears once votes are taken again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { launchChromium, signedInConsole } from '../lib/browser.mjs';
import { adminHeaders, createPoll, openPoll, repoRoot, solve } from '../lib/harness.mjs';
import { startStack } from '../lib/stack.mjs';

const serversScript = join(repoRoot, 'deploy', 'local', 'servers.sh');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One request on `agent`'s connection: { status, body }. */
function request(method, url, body, agent) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Votes for `ms`, a few a second, each vote (its challenge and its POST) on a connection of its
 * own, so that the balancer (round robin per connection) spreads the votes over the copies: with
 * a connection per request, the challenges went to one copy and every vote to the other, and the
 * console, reading the first, saw no vote refused. Their statuses. */
async function voteFor(stack, pollId, ms) {
  const statuses = [];
  for (const end = Date.now() + ms; Date.now() < end;) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const challenge = await request('GET', `${stack.url}/api/v1/polls/${pollId}/challenge`, undefined, agent);
      assert.equal(challenge.status, 200, challenge.body);
      const altcha = await solve(JSON.parse(challenge.body));
      const res = await request('POST', `${stack.url}/api/v1/polls/${pollId}/votes`, JSON.stringify({ candidate_id: 'ana', altcha }), agent);
      statuses.push(res.status);
    } finally {
      agent.destroy();
    }
    await sleep(250);
  }
  return statuses;
}

test('every api copy refusing votes (broker memory alarm): the console says so at the top, then clears', { timeout: 240_000 }, async (t) => {
  const stack = await startStack({ apiCopies: 2, args: ['--web-dir', join(repoRoot, 'web', 'dist')] });
  const browser = await launchChromium();
  let alarm = false;
  t.after(async () => {
    if (alarm) execFileSync(serversScript, ['ctl', 'set_vm_memory_high_watermark', '0.4']);
    await browser.close().catch(() => {});
    await stack.stop();
    stack.cleanup();
  });
  const poll = await createPoll(stack, { title: 'Broker cheio', candidates: [{ id: 'ana', name: 'Ana' }, { id: 'bia', name: 'Bia' }] });
  await openPoll(stack, poll.id);
  const { page, errors } = await signedInConsole(t, { server: stack, browser });
  // Which copies the console's readings came from.
  const copies = new Set();
  page.on('response', async (res) => {
    if (!res.url().endsWith('/metrics')) return;
    const started = /^process_start_time_seconds (\S+)$/m.exec(await res.text().catch(() => ''));
    if (started) copies.add(started[1]);
  });
  await page.locator(`a.poll-link[data-poll-id="${poll.id}"]`).click();
  await page.locator('.live-indicator[data-state="ok"]').waitFor();
  const alerts = page.getByTestId('live-alerts');

  // Votes taken for 16 s (a reading spans 15 s before it says anything): no alert.
  const taken = await voteFor(stack, poll.id, 16_000);
  assert.deepEqual([...new Set(taken)], [202]);
  assert.equal(await alerts.textContent(), '', 'no alert while every vote is taken');

  // The broker blocks publishers: no copy can make a vote durable, every vote gets 503.
  execFileSync(serversScript, ['ctl', 'set_vm_memory_high_watermark', '0.00001']);
  alarm = true;
  const alert = alerts.getByText(/^Votos recusados \(503\): \d+,\d\d% dos votos \(\d+ de \d+ no último minuto\) não puderam ser gravados e não contaram\./);
  let refused = 0;
  for (const end = Date.now() + 40_000; Date.now() < end && !(await alert.isVisible());) {
    refused += (await voteFor(stack, poll.id, 2_000)).filter((s) => s === 503).length;
  }
  assert.ok(refused >= 3, `${refused} votes refused with 503`);
  // Both copies refused some: whichever the console reads has something to say.
  for (const backend of stack.backends) {
    const text = await (await fetch(`${backend}/metrics`)).text();
    assert.match(text, /^paredao_http_requests_total\{[^}]*route="votes"[^}]*status="503"[^}]*\} [1-9]/m, `${backend} refused votes too`);
  }
  await alert.waitFor({ timeout: 1_000 });
  console.log(`# the console read /metrics from ${copies.size} api cop${copies.size === 1 ? 'y' : 'ies'}; ${refused} votes refused`);

  // The alarm cleared: votes are taken again, and the closed paredão takes none, so no alert.
  execFileSync(serversScript, ['ctl', 'set_vm_memory_high_watermark', '0.4']);
  alarm = false;
  let again = [];
  for (const end = Date.now() + 20_000; Date.now() < end && !again.includes(202);) again = await voteFor(stack, poll.id, 1_000);
  assert.ok(again.includes(202), 'votes are taken again once the alarm clears');
  const closed = await fetch(`${stack.url}/api/v1/polls/${poll.id}/close`, { method: 'POST', headers: adminHeaders(stack) });
  assert.equal(closed.status, 200);
  await page.waitForFunction(() => document.querySelector('[data-testid="live-alerts"]')?.textContent === '', null, { timeout: 20_000 });
  assert.deepEqual(errors, []);
});
