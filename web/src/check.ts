// The human check: the real ALTCHA widget, loaded apart from the page's first script so that the
// participants show before its code has even arrived (issue 16). It runs without any face of its
// own (display "invisible"): there is nothing for the viewer to tick, the page says what it is
// doing, and the widget's checkbox can never contradict the page.
import 'altcha';
import 'altcha/i18n/pt-br';
import type { AltchaWidgetElement } from 'altcha';
// Nothing else of the page is imported here: this module is its own file, and the page's first
// script is written into the HTML (vite.config.ts), where it could not be imported from. So the
// page gives the solver's workers (head_start.ts) to the constructor.

export type CheckState = 'unverified' | 'verifying' | 'verified' | 'expired' | 'error' | 'code';

/** The page's own solvers: for the algorithms named, `create` gives the widget a worker (the
 * memory-hard SCRYPT, the default, solves in ours: decision 0016), `workers` of them per solve. */
export interface PageSolvers {
  algorithms: string[];
  workers: number;
  create(algorithm: string): Worker;
}

export interface CheckEvents {
  onState(state: CheckState, payload: string | null): void;
  /** GET …/challenge was answered with an error (`res`) or could not be sent (`res` null). */
  onChallengeRefused(res: Response | null, cause?: unknown): void;
}

let current: HumanCheck | null = null;

globalThis.$altcha.defaults.set({
  language: 'pt-br',
  display: 'invisible',
  // The page shows its own progress; no artificial wait once a solution is found.
  minDuration: 0,
  fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
    const check = current;
    let res: Response;
    try {
      res = await fetch(input, { ...init, cache: 'no-store' });
    } catch (err) {
      check?.events.onChallengeRefused(null, err);
      throw err;
    }
    if (!res.ok) check?.events.onChallengeRefused(res.clone());
    return res;
  },
});

export class HumanCheck {
  readonly element: AltchaWidgetElement;
  private first: string | null;
  private state: CheckState = 'unverified';

  /** `first`: a challenge the page came with, solved before any is fetched from `url`. */
  constructor(private readonly url: string, readonly events: CheckEvents, private readonly solvers: PageSolvers,
    first?: object) {
    current = this;
    for (const algorithm of solvers.algorithms) globalThis.$altcha.algorithms.set(algorithm, () => solvers.create(algorithm));
    this.first = first ? JSON.stringify(first) : null;
    this.element = document.createElement('altcha-widget') as AltchaWidgetElement;
    this.element.setAttribute('challenge', this.first ?? url);
    this.element.setAttribute('language', 'pt-br');
    this.element.setAttribute('display', 'invisible');
    this.element.setAttribute('name', 'altcha');
    this.element.addEventListener('statechange', (ev) => {
      const detail = (ev as CustomEvent<{ state: CheckState; payload: string | null }>).detail;
      this.state = detail.state;
      this.events.onState(detail.state, detail.payload);
    });
  }

  getState(): CheckState { return this.state; }

  /**
   * Starts a fresh solve (the page's own challenge first, unless it has expired, then fetched
   * ones). A solve already running is left to finish: restarting it would abort it, and the
   * widget would then report the aborted run as an error after the new one began.
   */
  solve(): void {
    if (this.state === 'verifying') return;
    this.whenMounted(async (w) => {
      const source = this.takeFirst() ?? this.url;
      await w.configure({ challenge: source, workers: this.solvers.workers });
      w.reset();
      void w.verify();
    });
  }

  reset(): void { this.whenMounted((w) => w.reset()); }

  /** Stops any solve (its workers) and forgets the page. */
  destroy(): void {
    this.reset();
    if (current === this) current = null;
  }

  /** The page's own challenge, once, if it is still good for a while (a tab left in the
   * background may show the page long after it came). */
  private takeFirst(): string | null {
    const first = this.first;
    this.first = null;
    if (!first) return null;
    try {
      const expiresAt = Number((JSON.parse(first) as { parameters?: { expiresAt?: number } }).parameters?.expiresAt);
      if (Number.isFinite(expiresAt) && expiresAt * 1000 < Date.now() + 30_000) return null;
    } catch {
      return null;
    }
    return first;
  }

  /** The widget's methods exist once it is in the document and mounted (its `load` event). */
  private whenMounted(run: (w: AltchaWidgetElement) => void | Promise<void>): void {
    if (typeof this.element.verify === 'function') { void run(this.element); return; }
    this.element.addEventListener('load', () => void run(this.element), { once: true });
  }
}
