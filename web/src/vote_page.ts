// The vote page of an open poll: large portraits to tap, the human check solving from the first
// moment and again while each receipt shows, so that a repeat vote is one tap that goes out at
// once (issue 16). Everything the viewer must see — progress, errors, the next action — is in
// the dock fixed at the bottom of the screen, within thumb reach and always in view.
import { api, ApiError, problemFromResponse, type Poll, type VoteAccepted } from './api';
import { avatar, countdownClock, formatShort, h } from './ui';
import type { CheckState, HumanCheck } from './check';
import { HeadStart, PAGE_SOLVERS, solverWorkers } from './head_start';
import {
  busyMessage, MSG, messageFor, recheckMessage, resendingMessage, statusText,
} from './messages';
import { countSessionVote, receiptContent } from './receipt';

/** How many times a refused human check is redone on its own before asking the viewer. */
const AUTO_REDO_LIMIT = 2;
const AUTO_WAIT_LIMIT = 3; // Retry-After waits in a row before the viewer is asked
const MAX_TIMER_MS = 24 * 3600 * 1000;

// The widget's code is fetched with the page (its HTML preloads it) and evaluated once the
// participants are on screen, so that their first paint never waits for it.
let checkModule: Promise<typeof import('./check')> | null = null;
function loadCheck(): Promise<typeof import('./check')> {
  checkModule ??= new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
    .then(() => import('./check'));
  return checkModule;
}

/** What the vote page asks of the page around it. */
export interface PageNav {
  /** The poll is no longer open; `lostVote`: the participant of a vote it refused for that. */
  showNotOpen(poll: Poll, lostVote?: string): void;
  showError(err: ApiError): void;
}

export function pollHead(poll: Poll, meta?: string): HTMLElement {
  const label = poll.status === 'open' ? 'Votação aberta' : poll.status === 'closed' ? 'Votação encerrada' : 'Em breve';
  return h('div', { class: 'poll-head' },
    h('p', { class: `badge badge-${poll.status}` }, h('span', { class: 'badge-dot', 'aria-hidden': 'true' }), label),
    h('h1', { id: 'poll-title', class: 'poll-title', tabindex: '-1' }, poll.title),
    meta ? h('p', { class: 'poll-meta' }, meta) : null);
}

export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}

export class VotePage {
  private check: HumanCheck | null = null;
  private headStart: HeadStart | null = null; // the first check, solving before the widget came
  private checkState: CheckState = 'unverified';
  private solveStarted = 0;
  private readonly solveTimes: number[] = [];
  private selected: string | null = null;
  private pending = false; // the viewer asked for a vote that has not gone out yet
  private payload: string | null = null;
  private readonly usedPayloads = new Set<string>();
  private submitting = false;
  private onReceipt = false;
  private autoRedo = 0;
  private autoWait = 0; // waits for Retry-After in a row, resent or re-checked by the page itself
  private notBefore = 0; // honour Retry-After even if the viewer taps again at once
  private challengeRefused = false;
  private waitTimer: number | undefined;
  private recheckWaiting = false; // a new check starts when the server's Retry-After has passed
  private countdown: number | undefined;
  private ticker: number | undefined;
  private destroyed = false;

  private readonly pollEl: HTMLElement;
  private readonly receiptEl: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly dock: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly progressEl: HTMLElement;
  private readonly errorEl: HTMLElement;
  private readonly errorText: HTMLElement;
  private readonly errorAction: HTMLElement;
  private readonly announceEl: HTMLElement;
  private readonly againEl: HTMLElement;
  private readonly againButton: HTMLButtonElement;
  private readonly checkHost: HTMLElement;
  private readonly cards = new Map<string, HTMLButtonElement>();
  /** The widget has asked for solver workers (after that, no head start). */
  private solverAsked = false;
  private readonly onlineAgain = () => { if (this.challengeRefused) this.retry(); };
  // The page keeps room below its content for the dock, whatever the dock holds.
  private readonly dockSize = new ResizeObserver(() =>
    document.body.style.setProperty('--dock-h', `${this.dock.offsetHeight}px`));

  constructor(private readonly poll: Poll, private readonly nav: PageNav, private readonly firstChallenge?: object) {
    const head = pollHead(poll, poll.closes_at ? `Encerra em ${formatShort(poll.closes_at)}` : undefined);
    this.titleEl = head.querySelector('h1') as HTMLElement;
    if (poll.closes_at) head.append(this.closingTimer(Date.parse(poll.closes_at)));

    const list = h('ul', { class: 'cards', role: 'list', style: portraitGrid(poll.candidates.length) });
    for (const c of poll.candidates) {
      // The whole portrait is the button. Its name reads "Votar para eliminar <name>"; the
      // short "Eliminar" on it is for the eye only.
      const button = h('button', {
        type: 'button', class: 'card', 'aria-pressed': 'false', 'data-candidate-id': c.id,
        onclick: () => this.select(c.id),
      },
      h('span', { class: 'sr-only' }, 'Votar para eliminar '),
      avatar(c),
      h('span', { class: 'card-name' }, c.name),
      h('span', { class: 'card-cta', 'aria-hidden': 'true' }, 'Eliminar'));
      this.cards.set(c.id, button);
      list.append(h('li', { class: 'card-item' }, button));
    }

    this.pollEl = h('section', { class: 'poll', 'aria-labelledby': 'poll-title' },
      head,
      h('h2', { class: 'section-title' }, 'Quem você quer eliminar?'),
      list,
      h('p', { class: 'hint' }, 'Vote quantas vezes quiser. A verificação anti-robô é automática: não há nada para marcar.'),
      poll.show_partial_results ? null : h('p', { class: 'hidden-note' }, MSG.hiddenPartials));
    this.receiptEl = h('section', { class: 'receipt', 'aria-labelledby': 'receipt-title', hidden: true });

    this.statusEl = h('p', { id: 'vote-status', class: 'vote-status', role: 'status', 'aria-live': 'polite' });
    this.progressEl = h('div', { class: 'progress', 'aria-hidden': 'true', hidden: true }, h('span', { class: 'progress-fill' }));
    // Only the text is the alert: the button's countdown must not be read out every second.
    this.errorText = h('p', { class: 'alert-text', role: 'alert' });
    this.errorAction = h('div', { class: 'alert-action' });
    this.errorEl = h('div', { id: 'vote-error', class: 'alert', hidden: true }, this.errorText, this.errorAction);
    this.announceEl = h('p', { class: 'sr-only', role: 'status' });
    this.againButton = h('button', {
      type: 'button', class: 'btn btn-vote-again', 'data-testid': 'vote-again', onclick: () => this.voteAgain(),
    });
    this.againEl = h('div', { class: 'dock-actions', hidden: true },
      this.againButton,
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => this.changeParticipant() }, 'Trocar participante'));
    this.dock = h('div', { class: 'dock' },
      h('div', { class: 'dock-inner' }, this.errorEl, this.againEl, this.statusEl, this.progressEl, this.announceEl));
    this.checkHost = h('div', { class: 'check-host' });
  }

  /** The elements of the page, for the view to show. */
  nodes(): Node[] { return [this.pollEl, this.receiptEl, this.dock, this.checkHost]; }

  mount(): void {
    document.body.classList.add('has-dock');
    this.dockSize.observe(this.dock);
    this.updateDock();
    // When the participants are on screen and can be tapped (the frame after they are laid
    // out), for bench/phone_first_vote.mjs, like the marks of the check and the receipt.
    // Then, once that frame is painted (the task after it), the first check starts solving
    // while the widget's code is still on its way: starting the workers takes a slow phone's
    // main thread for a while, and the participants come first.
    requestAnimationFrame(() => {
      performance.mark('paredao:participants');
      window.setTimeout(() => {
        // Not once the widget has asked for its workers itself (its code came first, cached).
        if (this.destroyed || this.solverAsked) return;
        this.headStart = HeadStart.begin(this.firstChallenge);
        if (this.headStart) performance.mark('paredao:head-start');
      });
    });
    window.addEventListener('online', this.onlineAgain);
    void loadCheck().then(({ HumanCheck }) => {
      if (this.destroyed) return;
      this.check = new HumanCheck(api.challengeUrl(this.poll.id), {
        onState: (state, payload) => this.onCheckState(state, payload),
        onChallengeRefused: (res, cause) => {
          if (!res) { this.onChallengeError(new ApiError(0, 'network', String(cause))); return; }
          void problemFromResponse(res).then((err) => this.onChallengeError(err));
        },
      }, {
        algorithms: Object.keys(PAGE_SOLVERS),
        workers: solverWorkers(),
        create: (algorithm) => {
          this.solverAsked = true;
          return (this.headStart?.take(algorithm) ?? PAGE_SOLVERS[algorithm]()) as Worker;
        },
      }, this.firstChallenge);
      this.checkHost.append(this.check.element);
      // Solving from the first moment: by the time a portrait is tapped the vote can go out.
      this.startCheck();
    }, (err) => {
      if (!this.destroyed) this.showError(messageFor(new ApiError(0, 'network', String(err))), { label: 'Atualizar a página', run: () => location.reload() });
    });
    if (this.poll.closes_at) {
      const delay = Date.parse(this.poll.closes_at) - Date.now() + 1500;
      if (delay < MAX_TIMER_MS) window.setTimeout(() => void this.refreshIfClosed(), Math.max(0, delay));
    }
  }

  destroy(): void {
    this.destroyed = true;
    document.body.classList.remove('has-dock');
    this.dockSize.disconnect();
    document.body.style.removeProperty('--dock-h');
    window.removeEventListener('online', this.onlineAgain);
    window.clearTimeout(this.waitTimer);
    window.clearInterval(this.countdown);
    window.clearInterval(this.ticker);
    this.check?.destroy();
    this.endHeadStart();
  }

  /** The head start serves the first solve only: the workers the widget did not take stop. */
  private endHeadStart(): void {
    this.headStart?.dispose();
    this.headStart = null;
  }

  /** "Faltam 01:23:45" until closes_at, each second. Not a live region: read when asked. */
  private closingTimer(closesAt: number): HTMLElement {
    const el = h('p', { class: 'poll-countdown', role: 'timer', 'aria-live': 'off' });
    const tick = () => {
      if (this.destroyed) { window.clearInterval(timer); return; }
      const left = Math.max(0, Math.floor((closesAt - Date.now()) / 1000));
      el.textContent = `Faltam ${countdownClock(left)}`;
      if (left === 0) window.clearInterval(timer);
    };
    const timer = window.setInterval(tick, 1000);
    tick();
    return el;
  }

  // ------------------------------------------------------------ the viewer's taps

  private select(id: string): void {
    if (this.submitting || this.destroyed) return;
    this.selected = id;
    for (const [cid, button] of this.cards) button.setAttribute('aria-pressed', String(cid === id));
    this.requestVote();
  }

  /** One tap on the receipt: the same participant again, with the check solved meanwhile. */
  private voteAgain(): void {
    if (this.submitting || this.destroyed || !this.selected) return;
    this.requestVote();
  }

  private requestVote(): void {
    performance.mark('paredao:vote-requested');
    this.pending = true;
    if (this.recheckWaiting) {
      // The server asked for a wait before the next check: the vote goes out after it.
      this.updateDock();
      return;
    }
    this.clearError();
    this.autoRedo = 0;
    if (this.payload) void this.submit();
    else if (this.checkState !== 'verifying') this.startCheck();
    this.updateDock();
  }

  /** Back to the portraits; the next tap on one votes at once. */
  private changeParticipant(): void {
    if (this.submitting) return;
    this.pending = false;
    this.selected = null;
    for (const button of this.cards.values()) button.setAttribute('aria-pressed', 'false');
    this.clearError();
    this.onReceipt = false;
    this.receiptEl.hidden = true;
    this.pollEl.hidden = false;
    this.updateDock();
    window.scrollTo({ top: 0 });
    this.titleEl.focus();
    void this.refreshIfClosed();
  }

  /** The viewer's "Tentar de novo": a fresh check, and the pending vote goes out once solved. */
  private retry(): void {
    this.clearError();
    this.autoRedo = 0;
    this.autoWait = 0;
    this.startCheck();
    this.updateDock();
  }

  // ------------------------------------------------------------ the check

  private startCheck(): void {
    this.challengeRefused = false;
    this.payload = null;
    this.check?.solve();
  }

  private onCheckState(state: CheckState, payload: string | null): void {
    if (this.destroyed) return;
    const previous = this.checkState;
    if (state === 'verifying' && this.checkState !== 'verifying') {
      this.solveStarted = performance.now();
      performance.mark('paredao:check-start');
    }
    if (state !== 'verifying' && this.checkState === 'verifying') this.endHeadStart();
    if (state === 'verified' && this.checkState === 'verifying') {
      this.solveTimes.push(performance.now() - this.solveStarted);
      performance.mark('paredao:check-solved');
    }
    this.checkState = state;
    if (state === 'verified' && payload && !this.usedPayloads.has(payload)) {
      this.payload = payload;
      if (this.pending) void this.submit();
    } else if (state !== 'verified') {
      this.payload = null;
    }
    // A check solved long ago expires (5 minutes): solve a fresh one, never a dead end. (One
    // expiring while it is being solved ends in its own error or refusal, handled below.)
    if (state === 'expired' && !this.submitting && previous !== 'verifying') this.startCheck();
    if (state === 'error' && !this.challengeRefused && !this.submitting) {
      this.showError(MSG.checkFailed, { label: 'Tentar de novo', run: () => this.retry() });
    }
    this.updateDock();
  }

  /** GET …/challenge refused (or no network): its own message, not the widget's. */
  private onChallengeError(err: ApiError): void {
    if (this.destroyed) return;
    this.challengeRefused = true;
    this.handleError(err, false);
  }

  // ------------------------------------------------------------ the vote

  private async submit(): Promise<void> {
    const candidate = this.selected;
    const payload = this.payload;
    if (!this.pending || !candidate || !payload || this.submitting) return;
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      window.clearTimeout(this.waitTimer);
      this.waitTimer = window.setTimeout(() => void this.submit(), wait);
      return;
    }
    this.clearError();
    this.submitting = true;
    this.usedPayloads.add(payload);
    this.payload = null;
    this.updateDock();
    try {
      const accepted = await api.vote(this.poll.id, candidate, payload);
      if (this.destroyed) return;
      this.pending = false;
      this.autoRedo = 0;
      this.autoWait = 0;
      this.showReceipt(accepted);
      // The next vote's check solves while the fan reads this receipt.
      this.startCheck();
    } catch (err) {
      if (this.destroyed) return;
      const error = asApiError(err);
      // 429 and 503 mean "not recorded": the payload was not used and goes out again as it is.
      if (error.code === 'rate_limited' || error.code === 'unavailable') {
        this.usedPayloads.delete(payload);
        this.payload = payload;
      }
      this.handleError(error, true);
    } finally {
      this.submitting = false;
      this.updateDock();
    }
  }

  private handleError(err: ApiError, fromVote: boolean): void {
    const waitable = err.code === 'rate_limited' || err.code === 'unavailable';
    if (waitable && this.autoWait < AUTO_WAIT_LIMIT) {
      this.waitAndGoOn(err.code as 'rate_limited' | 'unavailable', err.retryAfter, fromVote);
      return;
    }
    switch (err.code) {
      case 'human_check_failed':
        if (this.autoRedo < AUTO_REDO_LIMIT) {
          this.autoRedo += 1;
          this.startCheck(); // the vote stays pending: it goes out again once the new check is solved
        } else {
          this.pending = false;
          this.showError(MSG.humanCheck, { label: 'Tentar de novo', run: () => { this.pending = true; this.retry(); } });
        }
        return;
      case 'poll_not_open':
      case 'not_found':
        void this.reloadPoll(err);
        return;
      case 'rate_limited':
      case 'unavailable': {
        // The viewer decides now: the vote is not pending until "Tentar de novo" (a check that
        // expires and is solved again must not send it by itself minutes later).
        const wanted = this.pending;
        this.pending = false;
        this.notBefore = Date.now() + Math.min(60, err.retryAfter ?? 0) * 1000;
        this.showError(busyMessage(wanted ? this.candidateName(this.selected) : ''), {
          label: 'Tentar de novo', run: () => { this.pending = wanted; this.resume(fromVote); }, wait: err.retryAfter,
        });
        return;
      }
      case 'unknown_candidate':
        this.pending = false;
        this.showError(messageFor(err, fromVote), { label: 'Atualizar a página', run: () => location.reload() });
        return;
      default:
        // The vote is not pending any more: "Tentar de novo" asks for it again, and meanwhile
        // a fresh check solves so that it can go out at once.
        if (fromVote) { this.pending = false; this.startCheck(); }
        this.showError(messageFor(err, fromVote), {
          label: 'Tentar de novo',
          run: () => { if (fromVote) { this.requestVote(); } else { this.retry(); } },
        });
    }
  }

  /** After a busy answer: resend the kept payload, or start a new check. */
  private resume(fromVote: boolean): void {
    this.autoWait = 0;
    this.clearError();
    if (fromVote && this.payload) void this.submit();
    else this.retry();
    this.updateDock();
  }

  /**
   * Waits out the server's Retry-After, saying so, then sends the same vote again (or, for a
   * refused check, starts a new one). Never more than AUTO_WAIT_LIMIT times in a row: then the
   * viewer decides.
   */
  private waitAndGoOn(code: 'rate_limited' | 'unavailable', retryAfter: number | null | undefined, fromVote: boolean): void {
    this.autoWait += 1;
    const seconds = Math.min(60, Math.max(1, Math.ceil(retryAfter ?? 1)));
    this.notBefore = Date.now() + seconds * 1000;
    window.clearTimeout(this.waitTimer);
    const resend = fromVote && this.payload !== null;
    this.recheckWaiting = !resend;
    this.showError(resend ? resendingMessage(code, this.candidateName(this.selected), seconds)
      : recheckMessage(code, seconds));
    this.waitTimer = window.setTimeout(() => {
      if (this.destroyed) return;
      this.recheckWaiting = false;
      this.clearError();
      if (resend && this.payload) void this.submit();
      else if (!resend) this.startCheck();
      this.updateDock();
    }, seconds * 1000);
  }

  private async reloadPoll(cause: ApiError): Promise<void> {
    const lost = this.pending ? this.candidateName(this.selected) : undefined;
    try {
      const poll = await api.getPoll(this.poll.id);
      if (this.destroyed) return;
      if (poll.status === 'open') {
        // Status changed back and forth under us: just ask for a new try.
        this.showError(messageFor(cause), { label: 'Tentar de novo', run: () => this.retry() });
        return;
      }
      this.nav.showNotOpen(poll, lost);
    } catch (err) {
      if (!this.destroyed) this.nav.showError(asApiError(err));
    }
  }

  private async refreshIfClosed(): Promise<void> {
    if (this.destroyed || this.submitting) return;
    try {
      const poll = await api.getPoll(this.poll.id);
      if (!this.destroyed && poll.status !== 'open' && !this.submitting) {
        this.nav.showNotOpen(poll, this.pending ? this.candidateName(this.selected) : undefined);
      }
    } catch {
      // Keep the page; a vote would say the poll is closed anyway.
    }
  }

  private showReceipt(v: VoteAccepted): void {
    const first = !this.onReceipt;
    const count = countSessionVote(this.poll.id);
    this.receiptEl.replaceChildren(receiptContent(this.poll, v, count));
    // A repeat keeps the focus on "Votar de novo": this says the new receipt is there.
    this.announceEl.textContent = `Voto registrado para eliminar ${this.candidateName(v.candidate_id)}.${count > 0 ? ` Seu ${count}º voto nesta sessão.` : ''}`;
    performance.mark('paredao:receipt');
    this.onReceipt = true;
    this.pollEl.hidden = true;
    this.receiptEl.hidden = false;
    this.updateDock();
    window.scrollTo({ top: 0 });
    // The first receipt takes the focus; a repeat leaves it on "Votar de novo" (the status
    // line announces the new receipt) so that a keyboard can repeat with Enter.
    if (first) (this.receiptEl.querySelector('#receipt-title') as HTMLElement | null)?.focus();
  }

  // ------------------------------------------------------------ the dock

  private candidateName(id: string | null): string {
    return this.poll.candidates.find((c) => c.id === id)?.name ?? '';
  }

  private updateDock(): void {
    if (this.destroyed) return;
    const name = this.pending || this.submitting ? this.candidateName(this.selected) : '';
    const solving = this.checkState === 'verifying' || (this.check === null);
    const ready = this.payload !== null;
    let text: string;
    if (this.onReceipt && !this.pending && !this.submitting) {
      text = ready ? 'Próximo voto pronto: um toque e ele sai.' : 'Preparando o próximo voto (verificação automática)…';
    } else {
      text = statusText({ name, submitting: this.submitting, solving, ready });
    }
    if (this.statusEl.textContent !== text) this.statusEl.textContent = text;
    // One voice: while an error speaks, the status line is quiet.
    this.statusEl.hidden = this.errorEl.hidden !== true;
    this.statusEl.classList.toggle('is-working', this.submitting || (solving && (this.pending || !this.onReceipt)));
    this.statusEl.classList.toggle('is-ready', ready && !this.pending && !this.submitting);
    this.setProgress(solving && !this.submitting && this.errorEl.hidden === true);

    this.againEl.hidden = !this.onReceipt;
    const again = this.candidateName(this.selected);
    const [main, sub] = this.submitting ? ['Registrando…', `voto em ${again}`] : ['Votar de novo', `em ${again}`];
    if (this.againButton.textContent !== `${main} ${sub}`) {
      this.againButton.replaceChildren(h('span', { class: 'again-main' }, main), ' ', h('span', { class: 'again-sub' }, sub));
    }
    if (this.submitting || this.pending) this.againButton.setAttribute('aria-disabled', 'true');
    else this.againButton.removeAttribute('aria-disabled');
    this.pollEl.setAttribute('aria-busy', String(this.submitting));
    for (const button of this.cards.values()) {
      if (this.submitting) button.setAttribute('aria-disabled', 'true');
      else button.removeAttribute('aria-disabled');
    }
  }

  /**
   * The solve's progress, estimated: the share of this phone's usual solve time gone by, eased
   * so it slows near the end and never claims to be done before it is (a proof of work has no
   * exact progress to report).
   */
  private setProgress(on: boolean): void {
    this.progressEl.hidden = !on;
    window.clearInterval(this.ticker);
    if (!on) return;
    const fill = this.progressEl.firstElementChild as HTMLElement;
    const typical = this.solveTimes.length
      ? this.solveTimes.reduce((a, b) => a + b, 0) / this.solveTimes.length : 3000;
    const draw = () => {
      const elapsed = this.checkState === 'verifying' ? performance.now() - this.solveStarted : 0;
      fill.style.width = `${Math.round(95 * (1 - Math.exp(-elapsed / typical)))}%`;
    };
    draw();
    this.ticker = window.setInterval(draw, 250);
  }

  private showError(text: string, action?: { label: string; run: () => void; wait?: number | null }): void {
    window.clearInterval(this.countdown);
    const parts: Node[] = [];
    if (action) {
      const button = h('button', { type: 'button', class: 'btn btn-alert', onclick: () => { if (!button.disabled) action.run(); } }, action.label);
      let left = Math.min(60, Math.max(0, Math.ceil(action.wait ?? 0)));
      const tick = () => {
        button.disabled = left > 0;
        button.textContent = left > 0 ? `${action.label} (${left} s)` : action.label;
        if (left <= 0) window.clearInterval(this.countdown);
        left -= 1;
      };
      tick();
      if (left >= 0) this.countdown = window.setInterval(tick, 1000);
      parts.push(button);
    }
    this.errorText.textContent = text;
    this.errorAction.replaceChildren(...parts);
    this.errorEl.hidden = false;
    this.updateDock();
  }

  private clearError(): void {
    window.clearInterval(this.countdown);
    this.errorEl.hidden = true;
    this.errorText.textContent = '';
    this.errorAction.replaceChildren();
    this.statusEl.hidden = false;
  }
}

/** Portraits per row on a phone (all of them up to three, then two) and their shape (square
 * from four on, so that the first row and the dock fit one screen). */
function portraitGrid(count: number): string {
  return count <= 3 ? `--cols:${Math.max(2, count)}` : '--cols:2;--portrait:1';
}
