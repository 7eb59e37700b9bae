// The vote page's scrypt in WebAssembly (web/wasm/scrypt.c, decision 0017), as built for the
// page (web/wasm/build/scrypt.wasm, by `npm run build` in web/): the keys of RFC 7914's test
// vectors, and the same keys as OpenSSL's (node:crypto, the library the server verifies with) for
// every shape the challenges can take; shapes it cannot take are refused, never half derived.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../lib/harness.mjs';

const WASM = join(repoRoot, 'web', 'wasm', 'build', 'scrypt.wasm');

async function instantiate() {
  assert.ok(existsSync(WASM), `${WASM} missing: run "npm run build" in web/`);
  const { instance } = await WebAssembly.instantiate(readFileSync(WASM));
  return instance.exports;
}

/** One derivation through the module's exports, as src/scrypt_wasm.ts makes it. */
function derive(wasm, password, salt, n, r, p, keyLength) {
  const at = wasm.scrypt_reserve(password.length, salt.length, keyLength, n, r, p);
  assert.notEqual(at, 0, `no room for N=${n} r=${r} p=${p}`);
  const memory = new Uint8Array(wasm.memory.buffer);
  memory.set(password, at);
  memory.set(salt, at + password.length);
  const key = wasm.scrypt_derive();
  return Buffer.from(new Uint8Array(wasm.memory.buffer, key, keyLength));
}

test('the keys of RFC 7914\'s test vectors', async () => {
  const wasm = await instantiate();
  const vectors = [
    ['', '', 16, 1, 1, '77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906'],
    ['password', 'NaCl', 1024, 8, 16, 'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640'],
    ['pleaseletmein', 'SodiumChloride', 16384, 8, 1, '7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887'],
  ];
  for (const [password, salt, n, r, p, expected] of vectors) {
    const key = derive(wasm, Buffer.from(password), Buffer.from(salt), n, r, p, 64);
    assert.equal(key.toString('hex'), expected, `N=${n} r=${r} p=${p}`);
  }
});

test('the same keys as OpenSSL for the shapes of the challenges, one instance reused', async () => {
  const wasm = await instantiate();
  let shapes = 0;
  // The default (N 64, r 8, 20-byte passwords: a 16-byte nonce and the counter; 16-byte salts),
  // then other costs, block sizes, parallelism, key lengths and sizes of password and salt,
  // including HMAC keys longer than SHA-256's block (hashed first).
  for (let i = 0; i < 200; i++) {
    const shape = i < 50
      ? { n: 64, r: 8, p: 1, keyLength: 32, password: 20, salt: 16 }
      : { n: 2 ** (1 + (i % 10)), r: 1 + (i % 9), p: 1 + (i % 3), keyLength: 1 + ((i * 13) % 97),
        password: (i * 7) % 150, salt: (i * 11) % 90 };
    const password = randomBytes(shape.password);
    const salt = randomBytes(shape.salt);
    const expected = scryptSync(password, salt, shape.keyLength, { N: shape.n, r: shape.r, p: shape.p, maxmem: 256 * 1024 * 1024 });
    assert.equal(derive(wasm, password, salt, shape.n, shape.r, shape.p, shape.keyLength).toString('hex'),
      expected.toString('hex'), JSON.stringify(shape));
    shapes++;
  }
  assert.equal(shapes, 200);
});

test('shapes scrypt does not define, or that cannot fit, are refused and nothing is derived', async () => {
  const wasm = await instantiate();
  // N not a power of two, N below 2, r or p or the key empty, memory past 4 GiB.
  for (const [n, r, p, keyLength] of [[48, 8, 1, 32], [1, 8, 1, 32], [0, 8, 1, 32], [64, 0, 1, 32], [64, 8, 0, 32],
    [64, 8, 1, 0], [2 ** 22, 1024, 1, 32]]) {
    assert.equal(wasm.scrypt_reserve(20, 16, keyLength, n, r, p), 0, `N=${n} r=${r} p=${p} key=${keyLength}`);
    assert.equal(wasm.scrypt_derive(), 0, 'a refused shape leaves nothing to derive');
  }
  // And a valid shape after them derives as OpenSSL does.
  const password = randomBytes(20);
  const salt = randomBytes(16);
  assert.equal(derive(wasm, password, salt, 64, 8, 1, 32).toString('hex'),
    scryptSync(password, salt, 32, { N: 64, r: 8, p: 1 }).toString('hex'));
});
