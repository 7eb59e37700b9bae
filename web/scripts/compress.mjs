// After `vite build`: writes a gzip (.gz) and a brotli (.br) copy beside every text file of
// dist/, at the highest levels, so that the server sends them as they are (no compression work
// per request) to clients that accept them. Node's own zlib: no extra dependency.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const TEXT = /\.(html|js|mjs|css|svg|json|webmanifest|txt)$/;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let plain = 0, gz = 0, br = 0;
for (const path of files(dist)) {
  if (!TEXT.test(path)) continue;
  const content = readFileSync(path);
  const gzipped = gzipSync(content, { level: 9 });
  const brotli = brotliCompressSync(content, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
    },
  });
  writeFileSync(`${path}.gz`, gzipped);
  writeFileSync(`${path}.br`, brotli);
  plain += content.length;
  gz += gzipped.length;
  br += brotli.length;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`compressed dist/: ${kb(plain)} → gzip ${kb(gz)}, brotli ${kb(br)}`);
