// The first check, begun before the widget's code has arrived (issue 16, decision 0016). The page
// comes with its first challenge; on a slow phone the widget's script takes seconds more to arrive
// and run, and the processor sat idle meanwhile. So the page starts the solver's workers on that
// challenge itself, split exactly as the widget splits it, and hands them to the widget through its
// own extension point (`$altcha.algorithms`): when the widget asks for workers and gives them the
// same work, it gets the ones already at it — or their solution, if they have finished. Anything
// else it asks is given to a fresh worker, as if there had been no head start.
import type { Challenge } from 'altcha/lib';
import ScryptWorker from './scrypt_worker?worker';

/** How many workers a solve uses: the widget's own default (one per core, at most 4 where the
 * device reports little memory, at most 16), given to the widget explicitly so that both agree. */
export function solverWorkers(): number {
  const cores = navigator.hardwareConcurrency || 2;
  const memory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory ?? 0;
  return Math.min(16, Math.max(1, memory && memory <= 4 ? Math.min(4, cores) : cores));
}

/** The algorithms the page's own workers solve (check.ts registers them with the widget). */
export const PAGE_SOLVERS: Record<string, () => Worker> = { SCRYPT: () => new ScryptWorker() };

interface WorkMessage {
  type: 'work' | 'abort';
  challenge?: Challenge;
  counterMode?: string;
  counterStart?: number;
  counterStep?: number;
}

/**
 * One of the head start's workers, as the widget sees a worker. Until the widget gives it work,
 * what the real worker says is kept: the solution (given to the widget when it asks for that very
 * work), or nothing at all (a worker stopped because another found the solution says nothing the
 * widget could take for its answer). A worker that ended its search on its own without an answer
 * (its time limit, a tab left in the background) is given the widget's work again.
 */
class HeadStartWorker extends EventTarget {
  private adopted = false;
  private early: Event | null = null;
  private stopped = false; // told to stop: a sibling has the solution
  private idle = false; // its search ended without an answer

  constructor(private worker: Worker, private readonly work: WorkMessage, private readonly onSolved: () => void) {
    super();
    this.listen();
  }

  postMessage(message: WorkMessage): void {
    if (!this.adopted && message.type === 'work') {
      this.adopted = true;
      if (sameWork(message, this.work)) {
        const early = this.early;
        if (early) queueMicrotask(() => this.dispatchEvent(early));
        // Still searching, or stopped for a sibling's solution (replayed by that sibling): the
        // widget's work is under way already.
        if (early || !this.idle || this.stopped) return;
      } else {
        // Other work (a fresh challenge, another split): a fresh worker, as without a head start.
        this.worker.removeEventListener('message', this.relay);
        this.worker.removeEventListener('error', this.relay);
        this.worker.terminate();
        this.worker = PAGE_SOLVERS[message.challenge?.parameters.algorithm ?? '']?.() ?? this.worker;
        this.listen();
      }
    }
    this.worker.postMessage(message);
  }

  terminate(): void { this.worker.terminate(); }

  /** Stops the search before the widget has asked for it (another worker found the solution). */
  stopEarly(): void {
    if (this.adopted) return;
    this.stopped = true;
    this.worker.postMessage({ type: 'abort' });
  }

  private listen(): void {
    this.worker.addEventListener('message', this.relay);
    this.worker.addEventListener('error', this.relay);
  }

  private readonly relay = (ev: Event) => {
    const copy = ev instanceof MessageEvent ? new MessageEvent('message', { data: ev.data }) : new Event('error');
    if (this.adopted) {
      this.dispatchEvent(copy);
    } else if (ev.type === 'error' || (ev instanceof MessageEvent && ev.data)) {
      this.early ??= copy;
      if (ev.type === 'message') this.onSolved();
    } else {
      this.idle = true;
    }
  };
}

function sameWork(a: WorkMessage, b: WorkMessage): boolean {
  return a.counterStart === b.counterStart && a.counterStep === b.counterStep && a.counterMode === b.counterMode &&
    a.challenge?.signature === b.challenge?.signature && a.challenge?.parameters.nonce === b.challenge?.parameters.nonce;
}

/** A challenge the page came with is solved only if it is good for 30 s more at least (a tab left
 * in the background may show the page long after it came). */
export function stillGood(challenge: Challenge): boolean {
  const expiresAt = Number(challenge.parameters?.expiresAt);
  return !Number.isFinite(expiresAt) || expiresAt * 1000 >= Date.now() + 30_000;
}

export class HeadStart {
  private readonly pool: HeadStartWorker[] = [];

  /** Starts solving `challenge` at once, if the page's workers can solve its algorithm and it is
   * still good for a while (the same rule as the widget's first solve, check.ts). */
  static begin(challenge: object | undefined): HeadStart | null {
    const c = challenge as Challenge | undefined;
    const create = PAGE_SOLVERS[c?.parameters?.algorithm ?? ''];
    if (!c || !create || !stillGood(c)) return null;
    return new HeadStart(c, create);
  }

  private constructor(readonly challenge: Challenge, create: () => Worker) {
    const step = solverWorkers();
    for (let start = 0; start < step; start++) {
      // The widget counts in uint32 for the challenges of protocol v2, the only ones we issue.
      const work: WorkMessage = { type: 'work', challenge, counterMode: 'uint32', counterStart: start, counterStep: step };
      const worker = create();
      worker.postMessage(work);
      this.pool.push(new HeadStartWorker(worker, work, () => this.pool.forEach((w) => w.stopEarly())));
    }
  }

  /** For the widget's `$altcha.algorithms`: the head start's workers first, in order, then fresh ones. */
  take(algorithm: string): Worker | HeadStartWorker | null {
    const next = this.pool.shift();
    if (next) return next;
    return PAGE_SOLVERS[algorithm]?.() ?? null;
  }

  /** The workers the widget never asked for. */
  dispose(): void {
    for (const w of this.pool.splice(0)) w.terminate();
  }
}
