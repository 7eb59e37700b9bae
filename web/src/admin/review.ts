// What production judges (shared/api.md, "The edge"): the votes held apart by the bot defences,
// grouped by network and reason, largest first; releasing or voiding them, one group or all,
// after a confirmation; the decisions taken; the poll's watch list; and the audit download.
// The held votes are re-read every few seconds (and at once after a decision), never while the
// tab is hidden; the watch list, which only production changes, far less often.
import { ApiError, type Poll } from '../api';
import { h } from '../ui';
import { cidrProblem } from './cidr';
import type { AdminClient, Decision, HeldFilter, HeldGroup, Quarantine } from './client';
import { confirmAction } from './confirm';

const REFRESH_MS = 5000;
const WATCH_EVERY = 6; // the watch list is re-read every 6th refresh (30 s)

const REASONS: Record<string, string> = { pace: 'ritmo acima do humano', watched: 'rede vigiada' };
export const reasonText = (reason: string): string => REASONS[reason] ?? reason;

const intFmt = new Intl.NumberFormat('pt-BR');
const clockFmt = new Intl.DateTimeFormat('pt-BR', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const whenFmt = new Intl.DateTimeFormat('pt-BR', {
  day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});
const kbFmt = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1 });

/** "1 voto", "3 votos"; with a participle: "1 voto liberado", "3 votos anulados". */
export function votesText(n: number, participle = ''): string {
  const one = n === 1;
  return `${intFmt.format(n)} ${one ? 'voto' : 'votos'}${participle ? ` ${participle}${one ? '' : 's'}` : ''}`;
}

const when = (iso: string): HTMLElement => {
  const at = new Date(iso);
  return h('time', { datetime: iso }, Number.isNaN(at.getTime()) ? iso : whenFmt.format(at));
};

function filterText(d: { network: string | null; reason: string | null }): string {
  if (!d.network && !d.reason) return 'todos os votos retidos';
  return [d.network ? `rede ${d.network}` : '', d.reason ? reasonText(d.reason) : ''].filter(Boolean).join(' · ');
}

function bytesText(n: number): string {
  return n < 1024 * 1024 ? `${kbFmt.format(n / 1024)} KB` : `${kbFmt.format(n / (1024 * 1024))} MB`;
}

/** Puts `text` in a live region so that it is read even when it repeats the last message. */
function say(region: HTMLElement, text: string): void {
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
}

const groupKey = (g: { network: string; reason: string }) => `${g.network} ${g.reason}`;

export interface ReviewHooks {
  onUnauthorized(): void;
  /** The votes held now, at each reading (the live view's alerts follow them). */
  onHeld?(total: number): void;
}

export class ReviewView {
  readonly el: HTMLElement;
  private readonly title = h('h2', { id: 'review-title', class: 'review-title', tabindex: '-1' }, 'Votos retidos');
  private readonly updated = h('p', { class: 'review-updated', 'data-state': 'waiting' }, 'Carregando…');
  private readonly total = h('p', { class: 'held-total' });
  private readonly allActions: HTMLElement;
  private readonly result = h('p', { class: 'review-result', role: 'status', 'aria-atomic': 'true' });
  private readonly error = h('div', { class: 'action-error', role: 'alert' });
  private readonly groups = h('ul', { class: 'held-list', role: 'list', 'aria-labelledby': 'review-title' });
  private readonly decisions = h('div', { class: 'decisions-body' });
  private readonly auditButton: HTMLButtonElement;
  private readonly watchList = h('ul', { class: 'watch-list', role: 'list', 'aria-labelledby': 'watch-list-title' });
  private readonly watchInput = h('input', {
    id: 'watch-cidr', name: 'network', type: 'text', autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'off', inputmode: 'url', 'aria-describedby': 'watch-hint',
  });
  private readonly watchSubmit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Vigiar');
  private readonly watchError = h('div', { class: 'form-error', id: 'watch-error', role: 'alert' });
  private readonly watchResult = h('p', { class: 'review-result', role: 'status', 'aria-atomic': 'true' });

  private held: Quarantine | null = null;
  private signature = '';
  private networks: string[] = [];
  private failing = false;
  private timer = 0;
  private ticks = 0;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly names: Map<string, string>;
  private readonly order: Map<string, number>;
  private readonly onVisible = () => { if (!document.hidden) this.refreshNow(); };

  constructor(private readonly client: AdminClient, private readonly poll: Poll, private readonly hooks: ReviewHooks) {
    this.names = new Map(poll.candidates.map((c) => [c.id, c.name]));
    this.order = new Map(poll.candidates.map((c, i) => [c.id, i]));
    this.auditButton = h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => void this.downloadAudit() },
      'Baixar auditoria');
    this.allActions = h('div', { class: 'held-actions', hidden: true },
      h('button', { type: 'button', class: 'btn btn-go btn-small', onclick: () => this.confirmDecision('release', null) }, 'Liberar todos'),
      h('button', { type: 'button', class: 'btn btn-stop btn-small', onclick: () => this.confirmDecision('void', null) }, 'Anular todos'));
    this.groups.append(h('li', { class: 'list-note' }, 'Carregando os votos retidos…'));
    this.decisions.append(h('p', { class: 'list-note' }, 'Carregando…'));
    this.watchList.append(h('li', { class: 'list-note' }, 'Carregando…'));

    const watchForm = h('form', { class: 'watch-form', novalidate: true, onsubmit: (e: Event) => void this.addWatch(e) },
      h('div', { class: 'field' },
        h('label', { for: 'watch-cidr' }, 'Rede a vigiar (CIDR)'),
        h('p', { class: 'field-hint', id: 'watch-hint' },
          'Endereço/prefixo, como 203.0.113.0/24 ou 2001:db8::/48; um endereço sozinho (203.0.113.7) vigia só ele.'),
        h('div', { class: 'watch-row' }, this.watchInput, this.watchSubmit)),
      this.watchError);
    this.watchInput.addEventListener('input', () => {
      if (this.watchInput.getAttribute('aria-invalid') !== 'true') return;
      this.clearWatchError();
    });

    this.el = h('div', { class: 'review-wrap' },
      h('section', { class: 'review card-surface', 'aria-labelledby': 'review-title' },
        h('div', { class: 'review-head' }, this.title, this.updated, this.auditButton),
        h('p', { class: 'review-lead' },
          'Votos que as defesas contra robôs separaram: o eleitor recebeu a confirmação, mas eles não entram em nenhuma contagem até você decidir. ',
          'Liberar faz com que contem, cada um na hora em que chegou; anular os descarta para sempre. Horários em hora local.'),
        h('div', { class: 'held-summary' }, this.total, this.allActions),
        this.result,
        this.error,
        this.groups,
        h('section', { class: 'decisions', 'aria-labelledby': 'decisions-title' },
          h('h3', { id: 'decisions-title', class: 'review-subtitle' }, 'Decisões tomadas'),
          this.decisions)),
      h('section', { class: 'watch card-surface', 'aria-labelledby': 'watch-title' },
        h('h2', { id: 'watch-title', class: 'review-title' }, 'Vigiar uma rede'),
        h('p', { class: 'review-lead' },
          'Os votos que chegarem de uma rede vigiada ficam retidos (motivo: rede vigiada) até você liberar ou anular. Vale só para este paredão.'),
        h('h3', { id: 'watch-list-title', class: 'review-subtitle' }, 'Redes vigiadas'),
        this.watchList,
        this.watchResult,
        watchForm));
  }

  start(): void {
    document.addEventListener('visibilitychange', this.onVisible);
    void this.tick();
  }

  destroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    document.removeEventListener('visibilitychange', this.onVisible);
  }

  /** Re-reads now (after a decision), or right after the read under way. */
  private refreshNow(): void {
    if (this.running) { this.again = true; return; }
    clearTimeout(this.timer);
    void this.tick();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.running = true;
    const watchToo = this.ticks++ % WATCH_EVERY === 0;
    try {
      if (!document.hidden) {
        const [held, networks] = await Promise.all([
          this.client.quarantine(this.poll.id),
          watchToo ? this.client.watch(this.poll.id) : Promise.resolve(null),
        ]);
        if (this.stopped) return;
        this.failing = false;
        this.render(held);
        if (networks) this.renderWatch(networks);
      }
    } catch (err) {
      if (this.stopped) return;
      if (err instanceof ApiError && err.status === 401) { this.hooks.onUnauthorized(); return; }
      this.failing = true;
      if (watchToo) this.ticks = 0; // the watch list is asked again next time
    } finally {
      this.running = false;
    }
    this.setUpdated();
    if (this.again) { this.again = false; void this.tick(); return; }
    this.timer = window.setTimeout(() => void this.tick(), REFRESH_MS);
  }

  private setUpdated(): void {
    const at = this.held ? new Date(this.held.as_of) : null;
    const last = at && !Number.isNaN(at.getTime()) ? clockFmt.format(at) : null;
    this.updated.dataset.state = this.failing ? 'error' : last ? 'ok' : 'waiting';
    this.updated.textContent = this.failing
      ? `Falha ao atualizar — tentando de novo${last ? ` (última atualização às ${last})` : ''}`
      : last ? `Atualizado às ${last}` : 'Carregando…';
  }

  // ------------------------------------------------------------ held votes

  private render(held: Quarantine): void {
    this.held = held;
    const groups = [...held.groups].sort((a, b) => b.votes - a.votes);
    this.hooks.onHeld?.(groups.reduce((s, g) => s + g.votes, 0));
    const signature = JSON.stringify([groups, held.decisions]);
    if (signature === this.signature) return;
    this.signature = signature;

    const sum = groups.reduce((s, g) => s + g.votes, 0);
    this.total.dataset.value = String(sum);
    this.total.replaceChildren(...(sum === 0
      ? ['Nenhum voto retido agora.']
      : [h('strong', { 'data-testid': 'held-total' }, votesText(sum)),
        groups.length === 1 ? ' retidos em 1 grupo' : ` retidos em ${intFmt.format(groups.length)} grupos`]));
    this.allActions.hidden = groups.length === 0;

    // Keep the keyboard focus on the same button when the list is drawn again.
    const focused = document.activeElement as HTMLElement | null;
    const focusKey = focused && this.groups.contains(focused) ? focused.dataset.focusKey : undefined;
    this.groups.replaceChildren(...(groups.length === 0
      ? [h('li', { class: 'list-note' }, 'Nada retido: todos os votos aceitos estão contados (ou já foram anulados).')]
      : groups.map((g) => this.groupItem(g))));
    if (focusKey) {
      const again = this.groups.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focusKey)}"]`);
      (again ?? this.title).focus();
    }
    this.renderDecisions(held.decisions);
  }

  private groupItem(g: HeldGroup): HTMLElement {
    const key = groupKey(g);
    const reason = reasonText(g.reason);
    const byCandidate = g.by_candidate
      .filter((c) => c.votes > 0)
      .sort((a, b) => b.votes - a.votes || (this.order.get(a.candidate_id) ?? 0) - (this.order.get(b.candidate_id) ?? 0));
    const what = ` os ${votesText(g.votes)} retidos da rede ${g.network} (${reason})`;
    return h('li', { class: 'held', 'data-network': g.network, 'data-reason': g.reason, 'data-votes': String(g.votes) },
      h('div', { class: 'held-top' },
        h('h3', { class: 'held-network' }, h('span', { class: 'sr-only' }, 'Rede '), h('code', {}, g.network)),
        h('span', { class: `reason-tag reason-${g.reason === 'watched' ? 'watched' : 'pace'}` }, reason),
        h('span', { class: 'held-votes' }, votesText(g.votes))),
      h('ul', { class: 'held-cands', role: 'list', 'aria-label': 'Votos retidos por participante' },
        ...byCandidate.map((c) => h('li', { 'data-candidate-id': c.candidate_id },
          h('span', { class: 'held-cand-name' }, this.names.get(c.candidate_id) ?? c.candidate_id),
          ' ', h('span', { class: 'held-cand-votes' }, intFmt.format(c.votes))))),
      h('p', { class: 'held-times' }, 'Primeiro voto ', when(g.first_at), ' · último ', when(g.last_at), ' (hora local)'),
      h('div', { class: 'held-actions' },
        h('button', { type: 'button', class: 'btn btn-go btn-small', 'data-focus-key': `release ${key}`,
          onclick: () => this.confirmDecision('release', g) }, 'Liberar', h('span', { class: 'sr-only' }, what)),
        h('button', { type: 'button', class: 'btn btn-stop btn-small', 'data-focus-key': `void ${key}`,
          onclick: () => this.confirmDecision('void', g) }, 'Anular', h('span', { class: 'sr-only' }, what))));
  }

  private renderDecisions(decisions: Decision[]): void {
    if (decisions.length === 0) {
      this.decisions.replaceChildren(h('p', { class: 'list-note' }, 'Nenhuma decisão tomada ainda.'));
      return;
    }
    // Newest first; the server's order breaks ties (decisions in the same second).
    const rows = decisions.map((d, i) => ({ d, i })).sort((a, b) => b.d.at.localeCompare(a.d.at) || b.i - a.i);
    this.decisions.replaceChildren(
      h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Tabela das decisões' },
        h('table', { class: 'decisions-table' },
          h('caption', { class: 'sr-only' }, 'Decisões sobre votos retidos, as mais recentes primeiro, em hora local'),
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Quando'), h('th', { scope: 'col' }, 'Ação'),
            h('th', { scope: 'col' }, 'Quais'), h('th', { scope: 'col', class: 'num' }, 'Votos'))),
          h('tbody', {}, ...rows.map(({ d }) => h('tr', { 'data-action': d.action },
            h('td', {}, when(d.at)),
            h('td', {}, h('span', { class: `decision-tag decision-${d.action}` }, d.action === 'release' ? 'Liberação' : 'Anulação')),
            h('td', {}, filterText(d)),
            h('td', { class: 'num' }, intFmt.format(d.votes))))))));
  }

  /** Asks, then releases or voids one group (`g`) or everything held (`null`). */
  private confirmDecision(action: Decision['action'], g: HeldGroup | null): void {
    const releasing = action === 'release';
    const groups = this.held?.groups ?? [];
    const votes = g ? g.votes : groups.reduce((s, x) => s + x.votes, 0);
    const filter: HeldFilter = g ? { network: g.network, reason: g.reason } : {};
    const which = g
      ? `os ${votesText(votes)} retidos da rede ${g.network} por ${reasonText(g.reason)}`
      : `todos os ${votesText(votes)} retidos deste paredão (${groups.length === 1 ? '1 grupo' : `${groups.length} grupos`})`;
    const later = g
      ? `Se mais votos desta rede forem retidos pelo mesmo motivo antes de você confirmar, eles também serão ${releasing ? 'liberados' : 'anulados'}.`
      : `Votos retidos que chegarem antes de você confirmar também serão ${releasing ? 'liberados' : 'anulados'}.`;
    const opener = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
    confirmAction({
      title: releasing ? 'Liberar votos retidos?' : 'Anular votos retidos?',
      text: [
        `${releasing ? 'Liberar' : 'Anular'} ${which}?`,
        releasing
          ? 'Eles passam a contar na apuração e no resultado, cada um na hora em que chegou.'
          : 'Eles ficam fora de todas as contagens para sempre: isto não pode ser desfeito.',
        later,
      ],
      confirmLabel: `${releasing ? 'Liberar' : 'Anular'} ${votesText(votes)}`,
      busyLabel: releasing ? 'Liberando…' : 'Anulando…',
      tone: releasing ? 'go' : 'stop',
      // The list may have been drawn again meanwhile: the same group's button, else the title.
      fallbackFocus: () => (opener ? this.groups.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(opener)}"]`) : null) ?? this.title,
      run: async () => {
        this.error.replaceChildren();
        try {
          const answer = await this.client.decide(this.poll.id, action, filter);
          this.refreshNow();
          const text = votesText(answer.votes, releasing ? 'liberado' : 'anulado') +
            (g ? ` (rede ${g.network}, ${reasonText(g.reason)}).` : '.');
          return () => say(this.result, text);
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) { this.hooks.onUnauthorized(); return; }
          const e = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
          const message = e.code === 'network'
            ? 'Sem conexão com o servidor: nada foi feito. Tente de novo.'
            : `Não foi possível ${releasing ? 'liberar' : 'anular'}: ${e.detail}`;
          return () => { this.error.replaceChildren(h('p', {}, message)); };
        }
      },
    });
  }

  // ------------------------------------------------------------ audit

  private async downloadAudit(): Promise<void> {
    const button = this.auditButton;
    button.disabled = true;
    button.textContent = 'Baixando…';
    this.error.replaceChildren();
    try {
      const name = `auditoria-${this.poll.id}.ndjson`;
      const { blob, lines } = await this.client.audit(this.poll.id, (bytes) => {
        button.textContent = `Baixando… ${bytesText(bytes)}`;
      });
      const url = URL.createObjectURL(blob);
      const link = h('a', { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      say(this.result, `Auditoria baixada: ${votesText(lines)} em ${name}.`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) { this.hooks.onUnauthorized(); return; }
      const e = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
      this.error.replaceChildren(h('p', {}, e.code === 'network'
        ? 'A auditoria não chegou inteira (conexão perdida ou parada). Tente de novo.'
        : `Não foi possível baixar a auditoria: ${e.detail}`));
    } finally {
      button.disabled = false;
      button.textContent = 'Baixar auditoria';
    }
  }

  // ------------------------------------------------------------ watch list

  private renderWatch(networks: string[]): void {
    this.networks = networks;
    const focused = document.activeElement as HTMLElement | null;
    const focusKey = focused && this.watchList.contains(focused) ? focused.dataset.focusKey : undefined;
    this.watchList.replaceChildren(...(networks.length === 0
      ? [h('li', { class: 'list-note' }, 'Nenhuma rede vigiada.')]
      : networks.map((n) => h('li', { class: 'watch-item', 'data-network': n },
        h('code', {}, n),
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-focus-key': n, onclick: () => void this.removeWatch(n) },
          'Remover', h('span', { class: 'sr-only' }, ` a rede ${n} da vigilância`))))));
    if (focusKey) this.watchList.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  private clearWatchError(): void {
    this.watchInput.removeAttribute('aria-invalid');
    this.watchInput.setAttribute('aria-describedby', 'watch-hint');
    this.watchError.replaceChildren();
  }

  private showWatchError(message: string, detail?: string): void {
    this.watchError.replaceChildren(h('p', { class: 'form-error-text' }, message));
    if (detail) this.watchError.append(h('p', { class: 'form-error-detail' }, `Resposta do servidor: ${detail}`));
    this.watchInput.setAttribute('aria-invalid', 'true');
    this.watchInput.setAttribute('aria-describedby', 'watch-hint watch-error');
    this.watchInput.focus();
  }

  /** PUT replaces the list: it is read again first, so that a network someone else just added stays. */
  private async putWatch(change: (current: string[]) => string[]): Promise<string[]> {
    const current = await this.client.watch(this.poll.id);
    const kept = await this.client.setWatch(this.poll.id, change(current));
    this.renderWatch(kept);
    return kept;
  }

  private async addWatch(e: Event): Promise<void> {
    e.preventDefault();
    const network = this.watchInput.value.trim();
    const problem = cidrProblem(network);
    this.watchResult.textContent = '';
    if (problem) { this.showWatchError(problem); return; }
    if (this.networks.includes(network)) { this.showWatchError(`A rede ${network} já está na lista.`); return; }
    this.clearWatchError();
    this.watchSubmit.disabled = true;
    this.watchSubmit.textContent = 'Salvando…';
    try {
      const before = this.networks;
      const kept = await this.putWatch((current) => (current.includes(network) ? current : [...current, network]));
      // The server keeps networks in their canonical form (203.0.113.7/24 → 203.0.113.0/24).
      const added = kept.find((n) => !before.includes(n)) ?? network;
      this.watchInput.value = '';
      say(this.watchResult, `Rede ${added} vigiada: os próximos votos dela ficam retidos.`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) { this.hooks.onUnauthorized(); return; }
      const apiErr = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
      if (apiErr.status === 400) this.showWatchError('O servidor recusou esta rede. Confira o endereço e o prefixo.', apiErr.detail);
      else this.showWatchError(apiErr.code === 'network'
        ? 'Sem conexão com o servidor: a lista não mudou. Tente de novo.'
        : 'Não foi possível salvar a lista agora. Tente de novo.', apiErr.detail);
    } finally {
      this.watchSubmit.disabled = false;
      this.watchSubmit.textContent = 'Vigiar';
    }
  }

  private async removeWatch(network: string): Promise<void> {
    const index = this.networks.indexOf(network);
    this.clearWatchError();
    this.watchResult.textContent = '';
    for (const b of this.watchList.querySelectorAll('button')) b.disabled = true;
    try {
      const kept = await this.putWatch((current) => current.filter((n) => n !== network));
      say(this.watchResult, `Rede ${network} removida da vigilância.`);
      const buttons = this.watchList.querySelectorAll<HTMLElement>('button');
      (buttons[Math.min(index, kept.length - 1)] ?? this.watchInput).focus();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) { this.hooks.onUnauthorized(); return; }
      const apiErr = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
      this.watchResult.textContent = '';
      this.showWatchError(`Não foi possível remover a rede ${network}.`, apiErr.detail);
      for (const b of this.watchList.querySelectorAll('button')) b.disabled = false;
    }
  }
}
