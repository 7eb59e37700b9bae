// The widget's SCRYPT solver, in a web worker (decisions 0016 and 0017). It speaks the widget's
// own worker protocol ({type: "work" | "abort", challenge, counterStart, counterStep, counterMode,
// timeout}, answered with a solution, null or {error}) and searches with the widget's own loop
// (`solveChallenge` from altcha/lib); only the derivation differs. It derives in WebAssembly with
// SIMD (scrypt_wasm.ts), and where the browser cannot run that, with @noble/hashes. Either is
// synchronous, with nothing set up per call; the worker that ships with the widget instantiates
// two WebAssembly modules and awaits a lock for every one of the ~1,500 derivations of a solve.
import { scrypt } from '@noble/hashes/scrypt.js';
import { solveChallenge, type DeriveKeyFunction, type SolveChallengeOptions } from 'altcha/lib';
import { wasmScrypt, type Scrypt } from './scrypt_wasm';

type WorkMessage = { type: 'work' | 'abort' } & Omit<SolveChallengeOptions, 'deriveKey' | 'controller'>;

const simd = wasmScrypt();
const derive: Scrypt = simd ??
  ((password, salt, n, r, p, keyLength) => scrypt(password, salt, { N: n, r, p, dkLen: keyLength }));
// Which one this browser uses: the browser tests read it (Playwright evaluates in the worker).
(globalThis as { paredaoScrypt?: string }).paredaoScrypt = simd ? 'wasm' : 'javascript';

/** scrypt as the challenge's parameters ask: N = cost, r = memoryCost, p = parallelism. */
const deriveKey: DeriveKeyFunction = async (parameters, salt, password) => {
  const { cost, keyLength = 32, memoryCost = 8, parallelism = 1 } = parameters;
  return {
    parameters: { memoryCost, parallelism },
    derivedKey: derive(password, salt, cost, memoryCost, parallelism, keyLength),
  };
};

let controller: AbortController | undefined;

globalThis.onmessage = async (message: MessageEvent<WorkMessage>) => {
  const { type, challenge, counterMode, counterStart, counterStep, timeout } = message.data;
  if (type === 'abort') {
    controller?.abort();
    return;
  }
  if (type !== 'work') return;
  controller = new AbortController();
  try {
    const solution = await solveChallenge({
      challenge, controller, counterMode, counterStart, counterStep, timeout, deriveKey,
    });
    globalThis.postMessage(solution);
  } catch (err) {
    // As text: the widget reads it with `new Error(…)`, and retries with half the workers only
    // when it says "Out of memory" (V8's failed allocations, and ours, are RangeErrors).
    const text = err instanceof Error ? err.message : String(err);
    globalThis.postMessage({ error: err instanceof RangeError ? `Out of memory: ${text}` : text });
  }
};
