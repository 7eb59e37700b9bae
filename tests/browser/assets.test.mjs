// The vote page's weight and delivery: under 100 KB compressed (the page with its inlined script,
// styles and data, the human check's script and its worker; photos apart), hashed asset names
// cached for a year, the pre-compressed copies (brotli, gzip) served as the client accepts them,
// and the page itself made per request (its poll and first challenge written in), gzip-coded
// when accepted and never stored — checked over real HTTP against the binary.
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

/** The files the vote page loads besides itself: the scripts it preloads (the check, its worker). */
function assetFiles() {
  const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  assert.ok(refs.some((r) => /\/check-/.test(r)) && refs.some((r) => /\/scrypt_worker-/.test(r)),
    `index.html preloads the check and its worker: ${refs}`);
  assert.match(html, /<style>/, 'the styles are in the page');
  assert.match(html, /<script type="module">/, 'the first script is in the page');
  return [...new Set(refs)];
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

test('the page, its scripts and styles weigh under 100 KB compressed, with brotli and with gzip', async () => {
  const page = await get('/', 'gzip, deflate, br');
  assert.equal(page.headers['content-encoding'], 'gzip');
  for (const ext of ['.br', '.gz']) {
    let total = page.body.length;
    for (const file of assetFiles()) {
      const path = join(WEB_DIST, file + ext);
      assert.ok(existsSync(path), `no pre-compressed ${file}${ext}`);
      total += statSync(path).size;
    }
    assert.ok(total < BUDGET, `${ext}: ${total} bytes, over the ${BUDGET}-byte budget`);
  }
});

test('the page is made per request: the built page with its data, gzip-coded when accepted, never stored', async () => {
  const built = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  assert.ok(built.includes('<!--paredao-boot-->'), 'the built page has the marker');
  for (const path of ['/', '/index.html', '/p/no-such-poll']) {
    const gz = await get(path, 'gzip, deflate, br');
    assert.equal(gz.status, 200);
    assert.equal(gz.headers['content-encoding'], 'gzip', path);
    assert.match(gz.headers.vary ?? '', /accept-encoding/i);
    assert.equal(gz.headers['cache-control'], 'no-store', path);
    const html = gunzipSync(gz.body).toString();
    const identity = await get(path, undefined);
    assert.equal(identity.headers['content-encoding'], undefined);
    const plain = identity.body.toString();
    const boot = /<script id="paredao-boot" type="application\/json">(.*?)<\/script>/.exec(plain);
    assert.ok(boot, `${path}: the data is written in`);
    assert.equal(plain.replace(boot[0], '<!--paredao-boot-->'), built, `${path}: the rest is the built page`);
    assert.equal(html.replace(/<script id="paredao-boot"[^>]*>.*?<\/script>/, '<!--paredao-boot-->'), built);
    const data = JSON.parse(boot[1]);
    if (path === '/p/no-such-poll') assert.deepEqual(data, {}, 'an unknown poll: no data');
    else assert.deepEqual(Object.keys(data), ['home'], `${path}: the list, and no challenge with nothing open`);
    const refused = await get(path, 'gzip;q=0');
    assert.equal(refused.headers['content-encoding'], undefined, 'q=0 refuses a coding');
  }
  const head = await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: '/', method: 'HEAD' }, (res) => { res.resume(); resolve(res); });
    req.on('error', reject);
    req.end();
  });
  assert.equal(head.statusCode, 200, 'HEAD: the page, no challenge spent');
});

test('each asset is served pre-compressed as the client accepts, identical once decoded', async () => {
  for (const file of assetFiles()) {
    const plain = readFileSync(join(WEB_DIST, file));
    const url = file;
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

test('hashed assets are cached for a year; the console page is revalidated', async () => {
  for (const file of assetFiles()) {
    const res = await get(file, 'br');
    assert.match(res.headers['cache-control'] ?? '', /max-age=31536000.*immutable/, file);
  }
  assert.match((await get('/admin', 'br')).headers['cache-control'] ?? '', /no-cache/);
});
