// scrypt in WebAssembly with SIMD (wasm/scrypt.c, decision 0017), for the solver's worker: about
// 2.8 times as fast as @noble/hashes in this browser's engine, with no warm-up. The module (12 KB,
// 3 KB compressed) is written into the worker's own file: no request more before the first
// derivation.
import moduleBase64 from '../wasm/build/scrypt.wasm.js';

export type Scrypt = (password: Uint8Array, salt: Uint8Array, n: number, r: number, p: number, keyLength: number) => Uint8Array;

interface ScryptExports {
  memory: WebAssembly.Memory;
  scrypt_reserve(password: number, salt: number, key: number, n: number, r: number, p: number): number;
  scrypt_derive(): number;
}

/**
 * The WebAssembly scrypt, or null where this browser cannot run it (no SIMD: Safari before 16.4,
 * for one), for the caller to derive some other way. Its derivations throw a RangeError when the
 * memory they need cannot be had, as V8's own failed allocations do.
 */
export function wasmScrypt(): Scrypt | null {
  let exports: ScryptExports;
  try {
    const bytes = Uint8Array.from(atob(moduleBase64), (c) => c.charCodeAt(0));
    // Synchronous: this runs in a worker, where browsers compile modules of any size this way.
    exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as ScryptExports;
  } catch {
    return null;
  }
  let shape = '';
  let at = 0;
  return (password, salt, n, r, p, keyLength) => {
    const wanted = `${password.length},${salt.length},${keyLength},${n},${r},${p}`;
    if (wanted !== shape) {
      shape = '';
      // Parameters scrypt does not define are an error of the challenge, not of memory (the
      // module's 32-bit arguments would otherwise wrap or round them): as @noble/hashes says.
      const positive = (x: number) => Number.isSafeInteger(x) && x >= 1;
      if (!positive(n) || n < 2 || (n & (n - 1)) !== 0 || n > 2 ** 30 || !positive(r) || !positive(p) || !positive(keyLength)) {
        throw new Error(`scrypt: invalid parameters N=${n}, r=${r}, p=${p}, keyLength=${keyLength}`);
      }
      at = exports.scrypt_reserve(password.length, salt.length, keyLength, n, r, p);
      if (!at) throw new RangeError(`scrypt: no memory for N=${n}, r=${r}, p=${p}`);
      shape = wanted;
    }
    // A view made after the memory last grew (scrypt_reserve may grow it).
    const memory = new Uint8Array(exports.memory.buffer);
    memory.set(password, at);
    memory.set(salt, at + password.length);
    const key = exports.scrypt_derive();
    return memory.slice(key, key + keyLength);
  };
}
