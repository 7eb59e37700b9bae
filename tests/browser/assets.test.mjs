// The vote page's weight and delivery: under 100 KB compressed (page, script and styles; photos
// apart), hashed asset names cached for a year, and the pre-compressed copies (brotli, gzip)
// served as the client accepts them — checked over real HTTP against the binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startServer, repoRoot } from '../lib/harness.mjs';

const WEB_DIST = join(repoRoot, 'web', 'dist');
const BUDGET = 100 * 1024;

let server;
before(async () => {
  assert.ok(existsSync(join(WEB_DIST, 'index.html')), 'web/dist is not built (make web)');
  server = await startServer({ args: ['--web-dir', WEB_DIST] });
});
after(async () => { await server?.stop(); server?.cleanup(); });

/** The files the vote page loads: index.html and the scripts and styles it references. */
function pageFiles() {
  const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  assert.ok(refs.some((r) => r.endsWith('.js')) && refs.some((r) => r.endsWith('.css')), `no script or style in index.html: ${refs}`);
  return ['/index.html', ...new Set(refs)];
}

function get(path, acceptEncoding) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path,
      headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the page, its script and styles weigh under 100 KB compressed, with brotli and with gzip', () => {
  for (const ext of ['.br', '.gz']) {
    let total = 0;
    for (const file of pageFiles()) {
      const path = join(WEB_DIST, file + ext);
      assert.ok(existsSync(path), `no pre-compressed ${file}${ext}`);
      total += statSync(path).size;
    }
    assert.ok(total < BUDGET, `${ext}: ${total} bytes, over the ${BUDGET}-byte budget`);
  }
});

test('each file is served pre-compressed as the client accepts, identical once decoded', async () => {
  for (const file of pageFiles()) {
    const plain = readFileSync(join(WEB_DIST, file));
    const url = file === '/index.html' ? '/' : file;
    const br = await get(url, 'gzip, deflate, br');
    assert.equal(br.status, 200);
    assert.equal(br.headers['content-encoding'], 'br', file);
    assert.match(br.headers.vary ?? '', /accept-encoding/i);
    assert.ok(brotliDecompressSync(br.body).equals(plain), `${file}: brotli body differs`);
    const gz = await get(url, 'gzip');
    assert.equal(gz.headers['content-encoding'], 'gzip', file);
    assert.ok(gunzipSync(gz.body).equals(plain), `${file}: gzip body differs`);
    const identity = await get(url, undefined);
    assert.equal(identity.headers['content-encoding'], undefined);
    assert.ok(identity.body.equals(plain));
    const refused = await get(url, 'br;q=0, gzip;q=0');
    assert.equal(refused.headers['content-encoding'], undefined, 'q=0 refuses a coding');
  }
});

test('hashed assets are cached for a year; the pages are revalidated', async () => {
  for (const file of pageFiles()) {
    const res = await get(file === '/index.html' ? '/' : file, 'br');
    const expected = file.startsWith('/assets/') ? /max-age=31536000.*immutable/ : /no-cache/;
    assert.match(res.headers['cache-control'] ?? '', expected, file);
  }
});
