// What every browser test shares: Debian's Chromium driven by playwright-core (launched with the
// flags this closed network needs), the real binary serving the built web/dist, and where
// screenshots go (tests/output/screenshots, or docs/screenshots with UPDATE_SCREENSHOTS=1).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { startServer, repoRoot, binaryPath } from './harness.mjs';

export const WEB_DIST = join(repoRoot, 'web', 'dist');
export const SHOTS = process.env.UPDATE_SCREENSHOTS === '1'
  ? join(repoRoot, 'docs', 'screenshots')
  : join(repoRoot, 'tests', 'output', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Debian's Chromium, headless, for the tests; `extraArgs` after the usual flags. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
    timeout: 30_000,
  });
}

/**
 * Checks that the binary and `page` (e.g. 'index.html') are built, starts the server serving
 * web/dist (startServer's `serverOptions` besides) and launches Chromium. Returns
 * { server, browser, close() }.
 */
export async function startBrowserSession(page, serverOptions = {}) {
  assert.ok(existsSync(binaryPath), `paredao binary not found at ${binaryPath} (build it first)`);
  assert.ok(existsSync(join(WEB_DIST, page)),
    `web/dist/${page} missing: run "npm ci && npm run build" in ${join(repoRoot, 'web')}`);
  mkdirSync(SHOTS, { recursive: true });
  const server = await startServer({ ...serverOptions, args: ['--web-dir', WEB_DIST, ...(serverOptions.args ?? [])] });
  const browser = await launchChromium();
  return {
    server,
    browser,
    async close() {
      await browser.close().catch(() => {});
      await Promise.race([server.stop(), new Promise((r) => setTimeout(r, 10_000))]);
      await server.kill();
      server.cleanup();
    },
  };
}

/** Fails on serious or critical axe-core violations of the page as it is now. */
export async function assertAccessible(page, label) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [], `${label}: accessibility violations`);
}

/**
 * A fresh context on the production console of `session`'s server at `viewport` (1280×800 by
 * default), signed in with its token and closed after the test `t`; uncaught page errors are
 * collected in `errors`.
 */
export async function signedInConsole(t, session, { viewport = { width: 1280, height: 800 }, stepMs = 15_000 } = {}) {
  const context = await session.browser.newContext({
    viewport, locale: 'pt-BR', timezoneId: 'America/Sao_Paulo', acceptDownloads: true,
  });
  context.setDefaultTimeout(stepMs);
  t.after(async () => { await context.close().catch(() => {}); });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err));
  await page.goto(`${session.server.url}/admin`);
  await page.getByLabel('Token de administrador').fill(session.server.adminToken);
  await page.keyboard.press('Enter');
  return { page, errors };
}
