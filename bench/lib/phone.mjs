// An emulated mid-range phone for the page benchmarks: Debian's Chromium with its whole process
// tree (renderers and web workers included) capped by a cgroup to PHONE_CPU cores of this
// machine, told it has PHONE_CORES cores (the ALTCHA widget starts one worker per core). DevTools'
// CPU throttling alone would not do: it slows the page's main thread, not its web workers.
// Needs root (the cgroup). Loopback only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '../../tests/node_modules/playwright-core/index.mjs';

const CGROUP = '/sys/fs/cgroup/cpu/paredao-phone';

/** DevTools' "Fast 3G" preset, as Chromium's own network panel defines it. */
export const FAST_3G = {
  offline: false, latency: 150 * 3.75, downloadThroughput: (1.6 * 1000 * 1000) / 8 * 0.9,
  uploadThroughput: (750 * 1000) / 8 * 0.9,
};

/**
 * Launches Chromium inside a cgroup capped to `cpu` cores. Returns { browser, newPhonePage(opts),
 * processesCapped(), close() }; newPhonePage({cpuSlowdown, network}) gives a fresh 360×740
 * context (empty cache) with DevTools' CPU throttling and network emulation applied.
 */
export async function launchPhone({ cpu = 1.0, cores = 4 } = {}) {
  mkdirSync(CGROUP, { recursive: true });
  writeFileSync(join(CGROUP, 'cpu.cfs_period_us'), '100000');
  writeFileSync(join(CGROUP, 'cpu.cfs_quota_us'), String(Math.round(cpu * 100000)));
  // Chromium starts inside the cgroup, so every process it forks is capped with it.
  const launcher = join(tmpdir(), `phone-chromium-${process.pid}.sh`);
  writeFileSync(launcher, `#!/bin/sh\necho $$ > ${CGROUP}/cgroup.procs\nexec ${process.env.CHROMIUM_PATH || '/usr/bin/chromium'} "$@"\n`,
    { mode: 0o755 });
  const browser = await chromium.launch({
    executablePath: launcher,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update'],
  });
  return {
    browser,
    async newPhonePage({ cpuSlowdown = 1, network = null } = {}) {
      const context = await browser.newContext({
        viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
        locale: 'pt-BR', timezoneId: 'America/Sao_Paulo',
      });
      await context.addInitScript(`Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => ${cores} });`);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      if (cpuSlowdown > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
      if (network) {
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', network);
      }
      return { context, page };
    },
    processesCapped: () => readFileSync(join(CGROUP, 'cgroup.procs'), 'utf8').trim().split('\n').length,
    async close() {
      await browser.close().catch(() => {});
      try {
        execFileSync('sh', ['-c', `cat ${CGROUP}/cgroup.procs | while read p; do echo $p > /sys/fs/cgroup/cpu/cgroup.procs; done`]);
      } catch { /* empty */ }
      try { rmdirSync(CGROUP); } catch { /* busy: left for the next run */ }
      rmSync(launcher, { force: true });
    },
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
