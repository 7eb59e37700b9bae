// The widget's SCRYPT solver, in a web worker (decision 0016). It speaks the widget's own worker
// protocol ({type: "work" | "abort", challenge, counterStart, counterStep, counterMode, timeout},
// answered with a solution, null or {error}) and searches with the widget's own loop
// (`solveChallenge` from altcha/lib); only the derivation differs. The worker that ships with the
// widget derives through hash-wasm, which instantiates two WebAssembly modules and awaits a lock
// for every one of the ~1,500 derivations of a solve: in this browser that overhead was more than
// the scrypt itself, and the viewer waited twice as long as the work asks. @noble/hashes derives
// synchronously, with nothing set up per call.
import { scrypt } from '@noble/hashes/scrypt.js';
import { solveChallenge, type DeriveKeyFunction, type SolveChallengeOptions } from 'altcha/lib';

type WorkMessage = { type: 'work' | 'abort' } & Omit<SolveChallengeOptions, 'deriveKey' | 'controller'>;

/** scrypt as the challenge's parameters ask: N = cost, r = memoryCost, p = parallelism. */
const deriveKey: DeriveKeyFunction = async (parameters, salt, password) => {
  const { cost, keyLength = 32, memoryCost = 8, parallelism = 1 } = parameters;
  return {
    parameters: { memoryCost, parallelism },
    derivedKey: scrypt(password, salt, { N: cost, r: memoryCost, p: parallelism, dkLen: keyLength }),
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
    // when it says "Out of memory" (V8's failed allocations are RangeErrors).
    const text = err instanceof Error ? err.message : String(err);
    globalThis.postMessage({ error: err instanceof RangeError ? `Out of memory: ${text}` : text });
  }
};
