// Paredão — the viewer's vote page.
//   /            the first open poll of GET /api/v1/polls (the list is open-first)
//   /p/{poll_id} that poll (GET /api/v1/polls/{poll_id})
// The real ALTCHA widget fetches and solves the poll's challenge; once the viewer has chosen a
// participant and the check is solved, the vote is posted and the receipt is shown.
import 'altcha';
import 'altcha/i18n/pt-br';
import type { AltchaWidgetElement } from 'altcha';
// The memory-hard derivation (--pow-algorithm SCRYPT) solves in a worker of its own, fetched only
// when a challenge asks for it.
import ScryptWorker from 'altcha/workers/scrypt?worker';
import './style.css';
import {
  api, ApiError, ID_PATTERN, problemFromResponse,
  type Candidate, type Poll, type Results, type VoteAccepted,
} from './api';
import { avatar, formatDateTime, formatShort, h, resultsList } from './ui';
import { MSG, messageFor, recheckMessage, resendingMessage } from './messages';

const app = document.getElementById('app') as HTMLElement;

/** How many times a refused human check is redone on its own before asking the viewer. */
const AUTO_REDO_LIMIT = 2;
const AUTO_WAIT_LIMIT = 3; // Retry-After waits in a row before the viewer is asked
const MAX_TIMER_MS = 24 * 3600 * 1000;

let activePage: VotePage | null = null;
let generation = 0; // bumps on every navigation so late answers of an old view are dropped

// Every challenge request of the widget goes through here, so a refused challenge (poll closed,
// busy server, no network) gets the same friendly message as a refused vote.
globalThis.$altcha.algorithms.set('SCRYPT', () => new ScryptWorker());
globalThis.$altcha.defaults.set({
  language: 'pt-br',
  fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
    const page = activePage;
    let res: Response;
    try {
      res = await fetch(input, { ...init, cache: 'no-store' });
    } catch (err) {
      page?.onChallengeError(new ApiError(0, 'network', String(err)));
      throw err;
    }
    if (!res.ok) page?.onChallengeError(await problemFromResponse(res.clone()));
    return res;
  },
});

// ---------------------------------------------------------------- generic views

function setView(title: string, ...nodes: Node[]): void {
  document.title = title ? `${title} · Paredão` : 'Paredão — vote para eliminar';
  app.replaceChildren(...nodes);
  app.removeAttribute('aria-busy');
}

function loadingView(): void {
  app.setAttribute('aria-busy', 'true');
  app.replaceChildren(
    h('div', { class: 'state state-loading', role: 'status' },
      h('span', { class: 'spinner', 'aria-hidden': 'true' }),
      h('span', {}, 'Carregando o paredão…')),
  );
}

interface Action { label: string; run?: () => void; href?: string; primary?: boolean }

function actionNode(a: Action): HTMLElement {
  if (a.href) return h('a', { class: `btn ${a.primary ? 'btn-primary' : 'btn-secondary'}`, href: a.href }, a.label);
  return h('button', { type: 'button', class: `btn ${a.primary ? 'btn-primary' : 'btn-secondary'}`, onclick: () => a.run?.() }, a.label);
}

function messageView(opts: { icon: string; title: string; text: string; actions?: Action[]; extra?: Node }): void {
  setView(opts.title,
    h('section', { class: 'state card-surface', 'aria-labelledby': 'state-title' },
      h('div', { class: 'state-icon', 'aria-hidden': 'true' }, opts.icon),
      h('h1', { id: 'state-title', class: 'state-title', tabindex: '-1' }, opts.title),
      h('p', { class: 'state-text' }, opts.text),
      opts.extra ?? null,
      opts.actions?.length ? h('div', { class: 'actions' }, ...opts.actions.map(actionNode)) : null,
    ));
}

function errorView(err: ApiError): void {
  if (err.code === 'not_found') {
    messageView({
      icon: '🔎', title: MSG.notFound,
      text: 'Confira o endereço. Os paredões abertos aparecem na página inicial.',
      actions: [{ label: 'Ir para a página inicial', href: '/', primary: true }],
    });
    return;
  }
  messageView({
    icon: '⚠️', title: 'Não foi possível carregar o paredão',
    text: messageFor(err),
    actions: [{ label: 'Tentar novamente', run: () => void route(), primary: true }],
  });
}

// ---------------------------------------------------------------- routing

function pollIdFromPath(): string | null | undefined {
  const m = /^\/p\/([^/]+)\/?$/.exec(location.pathname);
  if (!m) return undefined; // not a poll page: home
  let id: string;
  try { id = decodeURIComponent(m[1]); } catch { return null; }
  return ID_PATTERN.test(id) ? id : null;
}

async function route(): Promise<void> {
  const gen = ++generation;
  activePage?.destroy();
  activePage = null;
  loadingView();
  const id = pollIdFromPath();
  try {
    if (id === null) throw new ApiError(404, 'not_found', 'invalid poll id');
    if (id !== undefined) {
      const poll = await api.getPoll(id);
      if (gen === generation) showPoll(poll);
      return;
    }
    const polls = await api.listPolls();
    if (gen !== generation) return;
    const open = polls.find((p) => p.status === 'open');
    if (open) showPoll(open);
    else emptyView(polls.find((p) => p.status === 'closed'));
  } catch (err) {
    if (gen === generation) errorView(asApiError(err));
  }
}

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}

function emptyView(lastClosed: Poll | undefined): void {
  messageView({
    icon: '🗳️',
    title: 'Nenhum paredão aberto agora',
    text: 'Quando a votação de um novo paredão começar, ela aparece aqui. Volte daqui a pouco!',
    actions: [
      { label: 'Atualizar', run: () => void route(), primary: true },
      ...(lastClosed ? [{ label: `Resultado: ${lastClosed.title}`, href: `/p/${encodeURIComponent(lastClosed.id)}` }] : []),
    ],
  });
}

function showPoll(poll: Poll): void {
  activePage?.destroy();
  activePage = null;
  if (poll.status === 'open') {
    activePage = new VotePage(poll);
    activePage.mount();
  } else {
    void notOpenView(poll);
  }
}

function statusBadge(poll: Poll): HTMLElement {
  const label = poll.status === 'open' ? 'Votação aberta' : poll.status === 'closed' ? 'Votação encerrada' : 'Em breve';
  return h('p', { class: `badge badge-${poll.status}` }, h('span', { class: 'badge-dot', 'aria-hidden': 'true' }), label);
}

function pollHead(poll: Poll, meta?: string): HTMLElement {
  return h('div', { class: 'poll-head' },
    statusBadge(poll),
    h('h1', { id: 'poll-title', class: 'poll-title', tabindex: '-1' }, poll.title),
    meta ? h('p', { class: 'poll-meta' }, meta) : null);
}

/** A closed or not yet open poll: a friendly notice, and the final result once there is one. */
async function notOpenView(poll: Poll): Promise<void> {
  const gen = generation;
  const closed = poll.status === 'closed';
  const notice = h('p', { class: 'notice', role: 'status' }, closed ? MSG.closed : MSG.notStarted);
  const section = h('section', { class: 'poll', 'aria-labelledby': 'poll-title' },
    pollHead(poll, closed
      ? (poll.closes_at ? `Encerrada em ${formatShort(poll.closes_at)}` : undefined)
      : (poll.opens_at ? `Abre em ${formatShort(poll.opens_at)}` : undefined)),
    notice);
  if (!closed) {
    section.append(
      h('h2', { class: 'section-title' }, 'Participantes'),
      h('ul', { class: 'cards cards-preview', role: 'list' }, ...poll.candidates.map((c) =>
        h('li', { class: 'card' }, avatar(c), h('div', { class: 'card-body' }, h('h3', { class: 'card-name' }, c.name))))),
      h('div', { class: 'actions' }, actionNode({ label: 'Atualizar', run: () => void route(), primary: true })),
    );
    // A scheduled poll opens by itself: look again shortly after its opening time.
    if (poll.opens_at) schedule(gen, Date.parse(poll.opens_at) - Date.now() + 1500, () => void route());
  }
  if (pollIdFromPath() !== undefined) {
    section.append(h('p', { class: 'back-link' }, h('a', { href: '/' }, 'Ver o paredão aberto agora')));
  }
  setView(poll.title, section);
  if (closed) {
    try {
      const results = await api.getResults(poll.id);
      if (gen !== generation) return;
      notice.after(resultsBlock('Resultado final', results));
    } catch {
      // Results unavailable (or still hidden): the notice alone is enough.
    }
  }
}

function schedule(gen: number, delay: number, run: () => void): void {
  if (!(delay < MAX_TIMER_MS)) return;
  window.setTimeout(() => { if (gen === generation) run(); }, Math.max(0, delay));
}

function resultsBlock(title: string, results: Results | null, highlight?: string): HTMLElement {
  const block = h('section', { class: 'results-block', 'aria-labelledby': 'results-title' },
    h('h2', { id: 'results-title', class: 'section-title' }, title));
  if (!results) {
    block.append(h('p', { class: 'hidden-note' }, MSG.hiddenPartials));
  } else {
    block.append(
      resultsList(results.candidates, highlight),
      h('p', { class: 'results-asof' }, `Atualizado em ${formatDateTime(results.as_of)}`),
    );
  }
  return block;
}

// ---------------------------------------------------------------- the vote page

type WidgetState = 'unverified' | 'verifying' | 'verified' | 'expired' | 'error' | 'code';

class VotePage {
  private selected: string | null = null;
  private payload: string | null = null;
  private readonly usedPayloads = new Set<string>();
  private widgetState: WidgetState = 'unverified';
  private submitting = false;
  private autoRedo = 0;
  private challengeErrorShown = false;
  private countdown: number | undefined;
  private notBefore = 0; // honour Retry-After even if the viewer re-ticks the widget at once
  private autoWait = 0; // waits for Retry-After in a row, resent or re-checked by the page itself
  private waitTimer: number | undefined;
  private destroyed = false;
  private readonly gen = generation;

  private readonly pollEl: HTMLElement;
  private readonly receiptEl: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly errorEl: HTMLElement;
  private readonly checkEl: HTMLElement;
  private readonly widget: AltchaWidgetElement;
  private readonly cards = new Map<string, { item: HTMLElement; button: HTMLButtonElement }>();

  constructor(private poll: Poll) {
    const head = pollHead(poll, poll.closes_at ? `Encerra em ${formatShort(poll.closes_at)}` : undefined);
    this.titleEl = head.querySelector('h1') as HTMLElement;
    if (poll.closes_at) head.append(this.closingTimer(Date.parse(poll.closes_at)));

    const list = h('ul', { class: 'cards', role: 'list' });
    for (const c of poll.candidates) {
      const button = h('button', {
        type: 'button', class: 'btn btn-vote', 'aria-pressed': 'false', 'data-candidate-id': c.id,
        onclick: () => this.select(c.id),
      }, 'Votar para eliminar', h('span', { class: 'sr-only' }, ` ${c.name}`));
      const item = h('li', { class: 'card', 'data-candidate-id': c.id },
        avatar(c),
        h('div', { class: 'card-body' },
          h('h3', { class: 'card-name' }, c.name),
          button),
        h('span', { class: 'card-chosen', 'aria-hidden': 'true' }, 'Sua escolha'));
      this.cards.set(c.id, { item, button });
      list.append(item);
    }

    this.widget = document.createElement('altcha-widget') as AltchaWidgetElement;
    this.widget.setAttribute('challenge', api.challengeUrl(poll.id));
    this.widget.setAttribute('language', 'pt-br');
    this.widget.setAttribute('name', 'altcha');
    this.widget.addEventListener('statechange', (ev) => {
      const detail = (ev as CustomEvent<{ state: WidgetState; payload: string | null }>).detail;
      this.onWidgetState(detail.state, detail.payload);
    });

    this.statusEl = h('p', { id: 'vote-status', class: 'vote-status', role: 'status', 'aria-live': 'polite' });
    this.errorEl = h('div', { id: 'vote-error', class: 'alert', role: 'alert', hidden: true });
    this.checkEl = h('section', { class: 'check card-surface', 'aria-labelledby': 'check-title' },
      h('h2', { id: 'check-title', class: 'check-title' }, 'Confirme o seu voto'),
      this.statusEl,
      this.widget,
      this.errorEl);

    this.pollEl = h('section', { class: 'poll', 'aria-labelledby': 'poll-title' },
      head,
      h('h2', { class: 'section-title' }, 'Quem você quer eliminar?'),
      h('p', { class: 'hint' }, 'Toque em “Votar para eliminar”. A verificação anti-robô já está sendo feita para você. Vote quantas vezes quiser.'),
      list,
      this.checkEl,
      poll.show_partial_results ? null : h('p', { class: 'hidden-note' }, MSG.hiddenPartials));
    this.receiptEl = h('section', { class: 'receipt', 'aria-labelledby': 'receipt-title', hidden: true });
  }

  /** "Faltam 01:23:45" until closes_at, ticking each second (days first when far away). Not a
   * live region: a screen reader reads it when asked, it does not announce every second. */
  private closingTimer(closesAt: number): HTMLElement {
    const el = h('p', { class: 'poll-countdown', role: 'timer', 'aria-live': 'off' });
    const two = (n: number) => String(n).padStart(2, '0');
    const tick = () => {
      if (this.destroyed || this.gen !== generation) { window.clearInterval(timer); return; }
      const left = Math.max(0, Math.floor((closesAt - Date.now()) / 1000));
      const days = Math.floor(left / 86400);
      const clock = `${two(Math.floor((left % 86400) / 3600))}:${two(Math.floor((left % 3600) / 60))}:${two(left % 60)}`;
      el.textContent = days > 0 ? `Faltam ${days} d ${clock}` : `Faltam ${clock}`;
      if (left === 0) window.clearInterval(timer);
    };
    const timer = window.setInterval(tick, 1000);
    tick();
    return el;
  }

  mount(): void {
    setView(this.poll.title, this.pollEl, this.receiptEl);
    this.updateStatus();
    // The check solves in the background while the viewer chooses: by the time a card is
    // tapped the vote can go out at once.
    this.startCheck();
    // An open poll closes by itself at closes_at: look again shortly after.
    if (this.poll.closes_at) {
      schedule(this.gen, Date.parse(this.poll.closes_at) - Date.now() + 1500, () => void this.refreshIfClosed());
    }
  }

  destroy(): void {
    this.destroyed = true;
    window.clearTimeout(this.waitTimer);
    window.clearInterval(this.countdown);
  }

  /** The widget's exported methods exist once it has mounted (after its `load` event). */
  private withWidget(run: (w: AltchaWidgetElement) => void): void {
    if (typeof this.widget.verify === 'function') { run(this.widget); return; }
    this.widget.addEventListener('load', () => run(this.widget), { once: true });
  }

  private startCheck(): void {
    this.challengeErrorShown = false;
    this.payload = null;
    this.withWidget((w) => { void w.verify(); });
  }

  private select(id: string): void {
    if (this.submitting || this.destroyed) return;
    this.selected = id;
    for (const [cid, { item, button }] of this.cards) {
      const on = cid === id;
      item.classList.toggle('is-selected', on);
      button.setAttribute('aria-pressed', String(on));
    }
    this.clearError();
    this.autoRedo = 0;
    if (this.payload) {
      void this.submit();
    } else {
      if (this.widgetState !== 'verifying') this.startCheck();
      this.checkEl.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
    this.updateStatus();
  }

  private onWidgetState(state: WidgetState, payload: string | null): void {
    if (this.destroyed) return;
    this.widgetState = state;
    if (state === 'verified' && payload && !this.usedPayloads.has(payload)) {
      this.payload = payload;
      if (this.selected) void this.submit();
    } else if (state !== 'verified') {
      this.payload = null;
    }
    // A check solved long ago expires (5 minutes): solve a fresh one, never a dead end.
    if (state === 'expired' && !this.submitting) this.startCheck();
    if (state === 'error') {
      if (this.challengeErrorShown) {
        // Our own message already explains the refused challenge: put the widget back to its
        // plain "not verified" look instead of showing a second, generic error.
        this.withWidget((w) => w.reset());
      } else if (!this.submitting) {
        this.showError(MSG.checkFailed, { label: 'Tentar novamente', run: () => this.retry() });
      }
    }
    this.updateStatus();
  }

  /** Called by the widget's fetch when GET …/challenge is refused. */
  onChallengeError(err: ApiError): void {
    if (this.destroyed) return;
    this.challengeErrorShown = true;
    this.handleError(err, false);
  }

  private async submit(): Promise<void> {
    const candidate = this.selected;
    const payload = this.payload;
    if (!candidate || !payload || this.submitting) return;
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      window.setTimeout(() => void this.submit(), wait);
      return;
    }
    this.clearError();
    this.submitting = true;
    this.usedPayloads.add(payload);
    this.payload = null;
    this.setBusy(true);
    this.updateStatus();
    try {
      const accepted = await api.vote(this.poll.id, candidate, payload);
      if (this.destroyed) return;
      this.autoRedo = 0;
      this.autoWait = 0;
      this.showReceipt(accepted);
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
      this.setBusy(false);
      this.updateStatus();
    }
  }

  private handleError(err: ApiError, fromVote: boolean): void {
    const waitable = err.code === 'rate_limited' || err.code === 'unavailable';
    // A refused vote may have used up its check: show the widget unverified again. One answered
    // 429 or 503 did not: its check is kept for the resend.
    if (fromVote && err.code !== 'human_check_failed' && !waitable) this.withWidget((w) => w.reset());
    if (waitable && this.autoWait < AUTO_WAIT_LIMIT) {
      this.waitAndGoOn(err.code as 'rate_limited' | 'unavailable', err.retryAfter, fromVote);
      return;
    }
    switch (err.code) {
      case 'human_check_failed':
        if (this.autoRedo < AUTO_REDO_LIMIT) {
          this.autoRedo += 1;
          this.clearError();
          this.startCheck(); // the selection stays: the vote goes out again once the new check is solved
        } else {
          this.showError(MSG.humanCheck, { label: 'Refazer a verificação', run: () => this.retry() });
        }
        return;
      case 'poll_not_open':
      case 'not_found':
        void this.reloadPoll(err);
        return;
      case 'rate_limited':
      case 'unavailable':
        this.notBefore = Date.now() + Math.min(60, err.retryAfter ?? 0) * 1000;
        this.showError(MSG.busy, { label: 'Tentar novamente', run: () => this.retry(), wait: err.retryAfter });
        return;
      case 'unknown_candidate':
        this.showError(messageFor(err), { label: 'Atualizar a página', run: () => location.reload() });
        return;
      default:
        this.showError(messageFor(err), { label: 'Tentar novamente', run: () => this.retry() });
    }
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
    this.showError(resend ? resendingMessage(code, this.candidateName(this.selected), seconds)
      : recheckMessage(code, seconds));
    this.waitTimer = window.setTimeout(() => {
      if (this.destroyed) return;
      this.clearError();
      if (resend && this.payload) void this.submit();
      else if (!resend) this.startCheck();
    }, seconds * 1000);
  }

  /** A fresh check, then the vote goes out for the participant still selected. */
  private retry(): void {
    this.clearError();
    this.autoRedo = 0;
    this.autoWait = 0;
    this.startCheck();
    this.updateStatus();
  }

  private async reloadPoll(cause: ApiError): Promise<void> {
    try {
      const poll = await api.getPoll(this.poll.id);
      if (this.destroyed) return;
      if (poll.status === 'open') {
        // Status changed back and forth under us: just ask for a new try.
        this.showError(messageFor(cause), { label: 'Tentar novamente', run: () => this.retry() });
        return;
      }
      showPoll(poll);
    } catch (err) {
      if (!this.destroyed) errorView(asApiError(err));
    }
  }

  private async refreshIfClosed(): Promise<void> {
    if (this.destroyed || this.submitting || !this.receiptEl.hidden) return;
    try {
      const poll = await api.getPoll(this.poll.id);
      if (!this.destroyed && poll.status !== 'open' && this.receiptEl.hidden && !this.submitting) showPoll(poll);
    } catch {
      // Keep the page; a vote would say the poll is closed anyway.
    }
  }

  private setBusy(busy: boolean): void {
    this.pollEl.setAttribute('aria-busy', String(busy));
    for (const { button } of this.cards.values()) {
      if (busy) button.setAttribute('aria-disabled', 'true');
      else button.removeAttribute('aria-disabled');
    }
  }

  private candidateName(id: string | null): string {
    return this.poll.candidates.find((c) => c.id === id)?.name ?? '';
  }

  private updateStatus(): void {
    const name = this.candidateName(this.selected);
    let text: string;
    if (this.submitting) text = `Registrando o seu voto para eliminar ${name}…`;
    else if (this.selected && this.widgetState === 'verifying') text = `Você escolheu eliminar ${name}. Aguarde a verificação…`;
    else if (this.selected) text = `Você escolheu eliminar ${name}. Confirme a verificação abaixo.`;
    else if (this.widgetState === 'verified') text = 'Verificação concluída. Agora escolha quem você quer eliminar.';
    else text = 'Escolha quem você quer eliminar e confirme a verificação.';
    if (this.statusEl.textContent !== text) this.statusEl.textContent = text;
    this.statusEl.classList.toggle('is-working', this.submitting || this.widgetState === 'verifying');
  }

  private showError(text: string, action?: { label: string; run: () => void; wait?: number | null }): void {
    window.clearInterval(this.countdown);
    const parts: Node[] = [h('p', { class: 'alert-text' }, text)];
    if (action) {
      const button = h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => { if (!button.disabled) action.run(); } }, action.label);
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
    this.errorEl.replaceChildren(...parts);
    this.errorEl.hidden = false;
  }

  private clearError(): void {
    window.clearInterval(this.countdown);
    this.errorEl.hidden = true;
    this.errorEl.replaceChildren();
  }

  private showReceipt(v: VoteAccepted): void {
    const candidate: Candidate = this.poll.candidates.find((c) => c.id === v.candidate_id)
      ?? { id: v.candidate_id, name: v.results?.candidates.find((c) => c.id === v.candidate_id)?.name ?? v.candidate_id, photo_url: null };
    const title = h('h1', { id: 'receipt-title', class: 'receipt-title', tabindex: '-1' }, 'Voto registrado');
    const again = h('button', { type: 'button', class: 'btn btn-primary btn-block', onclick: () => this.voteAgain() }, 'Votar novamente');
    this.receiptEl.replaceChildren(
      h('div', { class: 'receipt-card card-surface' },
        h('div', { class: 'receipt-icon', 'aria-hidden': 'true' }, '✓'),
        title,
        h('p', { class: 'receipt-lead' }, 'Você votou para eliminar ', h('strong', {}, candidate.name), '.'),
        h('dl', { class: 'receipt-details' },
          h('div', { class: 'receipt-row' },
            h('dt', {}, 'Participante'),
            h('dd', { class: 'receipt-candidate' }, avatar(candidate, 'sm'), h('span', {}, candidate.name))),
          h('div', { class: 'receipt-row' },
            h('dt', {}, 'Número do voto'),
            h('dd', {}, h('code', { class: 'vote-id', 'data-testid': 'vote-id' }, v.vote_id))),
          h('div', { class: 'receipt-row' },
            h('dt', {}, 'Horário'),
            h('dd', {}, h('time', { class: 'vote-time', datetime: v.accepted_at }, formatDateTime(v.accepted_at)))),
          h('div', { class: 'receipt-row' },
            h('dt', {}, 'Paredão'),
            h('dd', {}, this.poll.title))),
        resultsBlock('Parcial da votação', v.results, v.candidate_id),
        again));
    this.pollEl.hidden = true;
    this.receiptEl.hidden = false;
    window.scrollTo({ top: 0 });
    title.focus();
  }

  private voteAgain(): void {
    this.selected = null;
    this.payload = null;
    this.autoRedo = 0;
    for (const { item, button } of this.cards.values()) {
      item.classList.remove('is-selected');
      button.setAttribute('aria-pressed', 'false');
    }
    this.clearError();
    // A fresh check for the next vote, solving at once in the background.
    this.withWidget((w) => { w.reset(); void w.verify(); });
    this.receiptEl.hidden = true;
    this.receiptEl.replaceChildren();
    this.pollEl.hidden = false;
    this.updateStatus();
    window.scrollTo({ top: 0 });
    this.titleEl.focus();
    void this.refreshIfClosed();
  }
}

void route();
