// Paredão — the production console (/admin). A producer signs in with the admin token (kept in
// sessionStorage only), lists the paredões (drafts included), creates one, opens and closes it,
// watches the live count and judges the votes the edge held apart (review.ts).
// Views by hash: #/novo (create), #/p/{id} (one paredão), else the list.
import '../style.css';
import './admin.css';
import { ApiError, ID_PATTERN, type Poll } from '../api';
import { countdownClock, formatShort, h } from '../ui';
import { AdminClient } from './client';
import { createForm } from './create_form';
import { LiveView } from './live';
import { ReviewView } from './review';

const TOKEN_KEY = 'paredao.admin-token';
const LIST_REFRESH_MS = 10_000;

const app = document.getElementById('app') as HTMLElement;
const announcer = document.getElementById('announcer') as HTMLElement;
const signOutButton = document.getElementById('sign-out') as HTMLButtonElement;

let client: AdminClient | null = null;
let polls: Poll[] = [];
let live: LiveView | null = null;
let review: ReviewView | null = null;
let listTimer = 0;
let generation = 0; // bumps on every view change so late answers of an old view are dropped
let listEl: HTMLElement | null = null;
let panel: HTMLElement | null = null;

/** Says something once to screen readers (status changes only, never the ticking numbers). */
function announce(message: string): void {
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = message; }, 50);
}

const STATUS_LABEL: Record<Poll['status'], string> = { draft: 'Rascunho', open: 'Aberto', closed: 'Encerrado' };

function badge(status: Poll['status']): HTMLElement {
  return h('span', { class: `badge badge-${status}`, 'data-status': status },
    h('span', { class: 'badge-dot', 'aria-hidden': 'true' }), STATUS_LABEL[status]);
}

function timesLine(poll: Poll): string {
  const parts: string[] = [];
  if (poll.opens_at) parts.push(`${poll.status === 'draft' ? 'abre' : 'aberto'} ${formatShort(poll.opens_at)}`);
  if (poll.closes_at) parts.push(`${poll.status === 'closed' ? 'encerrado' : 'encerra'} ${formatShort(poll.closes_at)}`);
  if (parts.length === 0) return poll.status === 'draft' ? 'sem horário: abertura manual' : 'sem horário marcado';
  const text = parts.join(' · ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}

// ---------------------------------------------------------------- session

function signIn(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  client = new AdminClient(token);
  signOutButton.hidden = false;
  showConsole();
}

function signOut(message?: string): void {
  sessionStorage.removeItem(TOKEN_KEY);
  client = null;
  live?.destroy();
  live = null;
  review?.destroy();
  review = null;
  clearInterval(listTimer);
  listEl = panel = null;
  signOutButton.hidden = true;
  showSignIn(message);
}

function expired(): void {
  signOut('O servidor não aceita mais este token. Entre de novo.');
}

function showSignIn(message?: string): void {
  generation++;
  document.title = 'Entrar · Console do Paredão';
  const input = h('input', {
    id: 'token', name: 'token', type: 'password', required: true, autocomplete: 'current-password',
    spellcheck: 'false', 'aria-describedby': 'token-hint',
  });
  const error = h('div', { class: 'form-error', id: 'signin-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Entrar');
  const fail = (text: string) => {
    error.replaceChildren(h('p', { class: 'form-error-text' }, text));
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', 'token-hint signin-error');
    input.focus();
  };
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const token = input.value.trim();
    if (!token) { fail('Digite o token de administrador.'); return; }
    submit.disabled = true;
    submit.textContent = 'Verificando…';
    error.replaceChildren();
    try {
      if (await new AdminClient(token).checkToken()) {
        signIn(token);
        announce('Você entrou no console de produção.');
        return;
      }
      fail('Token incorreto. Confira o token de administrador e tente de novo.');
    } catch (err) {
      fail(asApiError(err).code === 'network'
        ? 'Sem conexão com o servidor. Verifique a rede e tente de novo.'
        : 'O servidor não conseguiu verificar o token agora. Tente de novo.');
    } finally {
      submit.disabled = false;
      submit.textContent = 'Entrar';
    }
  };
  app.className = 'signin-wrap';
  app.replaceChildren(
    h('section', { class: 'signin card-surface', 'aria-labelledby': 'signin-title' },
      h('h1', { id: 'signin-title', class: 'signin-title' }, 'Console de produção'),
      h('p', { class: 'signin-lead' }, 'Crie, abra e acompanhe os paredões ao vivo.'),
      h('form', { class: 'signin-form', novalidate: true, onsubmit: (e: Event) => void onSubmit(e) },
        h('div', { class: 'field' },
          h('label', { for: 'token' }, 'Token de administrador'),
          h('p', { class: 'field-hint', id: 'token-hint' },
            'O token de PAREDAO_ADMIN_TOKEN (ou o que o servidor mostrou ao iniciar). Fica só nesta aba.'),
          input),
        error,
        submit)));
  if (message) fail(message);
  else input.focus();
}

// ---------------------------------------------------------------- console shell

function showConsole(): void {
  listEl = h('ul', { class: 'poll-list', role: 'list', id: 'poll-list' });
  listSignature = '';
  panel = h('div', { class: 'panel', id: 'panel' });
  app.className = 'console';
  app.replaceChildren(
    h('aside', { class: 'sidebar', 'aria-labelledby': 'list-title' },
      h('div', { class: 'sidebar-head' },
        h('h2', { id: 'list-title', class: 'sidebar-title' }, 'Paredões'),
        h('a', { class: 'btn btn-primary btn-small', href: '#/novo' }, '+ Novo paredão')),
      listEl),
    panel);
  clearInterval(listTimer);
  listTimer = window.setInterval(() => void refreshList(), LIST_REFRESH_MS);
  void refreshList();
  route();
}

async function refreshList(): Promise<void> {
  if (!client || !listEl) return;
  try {
    polls = await client.listPolls();
    renderList();
  } catch (err) {
    const e = asApiError(err);
    if (e.status === 401) { expired(); return; }
    if (listEl && polls.length === 0) {
      listEl.replaceChildren(h('li', { class: 'list-note' }, 'Não foi possível carregar a lista. Tentando de novo…'));
    }
  }
}

function selectedId(): string | null {
  const m = /^#\/p\/([^/]+)$/.exec(location.hash);
  if (!m) return null;
  try { return decodeURIComponent(m[1]); } catch { return null; }
}

let listSignature = '';

/** Re-renders the list when something in it changed, keeping the keyboard focus where it was. */
function renderList(): void {
  if (!listEl) return;
  const current = selectedId();
  const signature = JSON.stringify([current, polls]);
  if (signature === listSignature && listEl.childElementCount > 0) return;
  listSignature = signature;
  const focused = (document.activeElement as HTMLElement | null)?.closest?.('a.poll-link')?.getAttribute('data-poll-id');
  if (polls.length === 0) {
    listEl.replaceChildren(h('li', { class: 'list-note' }, 'Nenhum paredão ainda. Crie o primeiro.'));
    return;
  }
  listEl.replaceChildren(...polls.map((p) =>
    h('li', {},
      h('a', {
        class: 'poll-link', href: `#/p/${encodeURIComponent(p.id)}`, 'data-poll-id': p.id,
        'aria-current': p.id === current ? 'page' : null,
      },
        h('span', { class: 'poll-link-title' }, p.title),
        h('span', { class: 'poll-link-meta' }, badge(p.status), h('span', {}, timesLine(p)))))));
  if (focused) listEl.querySelector<HTMLElement>(`a[data-poll-id="${CSS.escape(focused)}"]`)?.focus();
}

// ---------------------------------------------------------------- views

function route(): void {
  if (!client || !panel) return;
  const gen = ++generation;
  live?.destroy();
  live = null;
  review?.destroy();
  review = null;
  renderList();
  if (location.hash === '#/novo') { showCreate(); return; }
  const id = selectedId();
  if (id === null) { showEmpty(); return; }
  if (!ID_PATTERN.test(id)) { showMissing(); return; }
  panel.replaceChildren(h('p', { class: 'panel-loading', role: 'status' }, 'Carregando o paredão…'));
  client.getPoll(id).then(
    (poll) => { if (gen === generation) showPoll(poll, true); },
    (err) => {
      if (gen !== generation) return;
      const e = asApiError(err);
      if (e.status === 401) expired();
      else if (e.status === 404) showMissing();
      else {
        panel?.replaceChildren(h('div', { class: 'alert', role: 'alert' },
          h('p', {}, 'Não foi possível carregar o paredão.'),
          h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => route() }, 'Tentar de novo')));
      }
    });
}

function panelTitle(text: string): HTMLElement {
  return h('h1', { id: 'panel-title', class: 'panel-title', tabindex: '-1' }, text);
}

function focusTitle(): void {
  document.getElementById('panel-title')?.focus({ preventScroll: false });
}

function showEmpty(): void {
  document.title = 'Console do Paredão';
  panel?.replaceChildren(h('section', { class: 'panel-empty', 'aria-labelledby': 'panel-title' },
    panelTitle('Escolha um paredão'),
    h('p', {}, 'Escolha um paredão na lista para abrir, encerrar e acompanhar a votação, ou crie um novo.'),
    h('a', { class: 'btn btn-primary', href: '#/novo' }, '+ Novo paredão')));
}

function showMissing(): void {
  document.title = 'Paredão não encontrado · Console do Paredão';
  panel?.replaceChildren(h('section', { class: 'panel-empty', 'aria-labelledby': 'panel-title' },
    panelTitle('Paredão não encontrado'),
    h('p', {}, 'Ele não existe neste servidor. Escolha outro na lista.')));
  focusTitle();
}

function showCreate(): void {
  if (!client || !panel) return;
  document.title = 'Novo paredão · Console do Paredão';
  const form = createForm(client, (poll) => {
    polls = [poll, ...polls.filter((p) => p.id !== poll.id)];
    announce(`Paredão “${poll.title}” criado como ${STATUS_LABEL[poll.status].toLowerCase()}.`);
    location.hash = `#/p/${encodeURIComponent(poll.id)}`;
    void refreshList();
  }, expired);
  panel.replaceChildren(h('section', { class: 'panel-create card-surface', 'aria-labelledby': 'panel-title' },
    panelTitle('Novo paredão'), form));
  focusTitle();
}

/** " · faltam 01:23:45", ticking each second while on screen (days first when far away). Not
 * a live region: read when asked, not every second. */
function closingCountdown(closesAt: string): HTMLElement {
  const at = Date.parse(closesAt);
  const el = h('span', { class: 'closing-countdown', role: 'timer', 'aria-live': 'off', 'data-testid': 'closing-countdown' });
  const tick = () => {
    const left = (at - Date.now()) / 1000;
    el.textContent = left < 1 ? ' · encerrando' : ` · faltam ${countdownClock(left)}`;
  };
  tick();
  const timer = window.setInterval(() => {
    if (!el.isConnected && el.dataset.started) { window.clearInterval(timer); return; }
    if (el.isConnected) el.dataset.started = '1';
    tick();
  }, 1000);
  return el;
}

function showPoll(poll: Poll, focus: boolean): void {
  if (!client || !panel) return;
  document.title = `${poll.title} · Console do Paredão`;
  const actions = h('div', { class: 'poll-actions' });
  const meta = h('dl', { class: 'poll-facts' });
  const badgeSlot = h('span', { class: 'badge-slot' });
  const notice = h('div', { class: 'action-error', role: 'alert' });

  const renderHead = (p: Poll) => {
    poll = p;
    badgeSlot.replaceChildren(badge(p.status));
    const fact = (term: string, value: Node | string) => h('div', { class: 'fact' }, h('dt', {}, term), h('dd', {}, value));
    meta.replaceChildren(
      fact('Página de votação', h('a', { href: `/p/${encodeURIComponent(p.id)}`, target: '_blank', rel: 'noopener' }, `/p/${p.id}`)),
      fact('Abertura', p.opens_at ? formatShort(p.opens_at) : 'manual'),
      fact('Encerramento', p.closes_at
        ? h('span', {}, formatShort(p.closes_at), p.status === 'open' ? closingCountdown(p.closes_at) : null)
        : 'manual'),
      fact('Parciais', p.show_partial_results ? 'visíveis ao público' : 'ocultas até o fim'));
    actions.replaceChildren(
      p.status === 'draft' ? h('button', { type: 'button', class: 'btn btn-go', onclick: () => confirmTransition('open') }, 'Abrir votação')
        : p.status === 'open' ? h('button', { type: 'button', class: 'btn btn-stop', onclick: () => confirmTransition('close') }, 'Encerrar votação')
          : h('p', { class: 'final-note' }, 'Votação encerrada: a apuração abaixo é o resultado final.'));
  };

  const applyPoll = (p: Poll) => {
    renderHead(p);
    live?.setStatus(p.status);
    polls = polls.map((x) => (x.id === p.id ? p : x));
    renderList();
  };

  const confirmTransition = (action: 'open' | 'close') => {
    const closing = action === 'close';
    const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text' });
    const yes = h('button', { type: 'button', class: `btn ${closing ? 'btn-stop' : 'btn-go'}` },
      closing ? 'Encerrar definitivamente' : 'Abrir agora');
    const no = h('button', { type: 'button', class: 'btn btn-secondary', autofocus: true, onclick: () => dialog.close() }, 'Cancelar');
    // Another paredão open already: the public page (/) shows one only, the one created last;
    // the other goes on taking votes at its own address. Said before, and after (which one).
    const alsoOpen = closing ? [] : polls.filter((p) => p.status === 'open' && p.id !== poll.id);
    dialog.append(
      h('h2', { id: 'confirm-title', class: 'confirm-title' }, closing ? 'Encerrar a votação?' : 'Abrir a votação?'),
      h('div', { id: 'confirm-text' },
        h('p', {}, closing
          ? `Encerrar “${poll.title}” agora não pode ser desfeito: nenhum voto será aceito depois e o paredão não pode ser reaberto.`
          : `Abrir “${poll.title}” agora? O público passa a poder votar imediatamente.`),
        alsoOpen.length
          ? h('p', { class: 'confirm-warning', 'data-testid': 'second-open-warning' },
            `Atenção: ${alsoOpen.map((p) => `“${p.title}”`).join(', ')} ${alsoOpen.length > 1 ? 'já estão abertos' : 'já está aberto'}. `
            + 'A página pública (/) mostra um só paredão aberto, o criado por último; os outros continuam recebendo votos '
            + `pelos seus endereços (${alsoOpen.map((p) => `/p/${p.id}`).join(', ')}).`)
          : null),
      h('div', { class: 'confirm-actions' }, no, yes));
    const opener = document.activeElement as HTMLElement | null;
    dialog.addEventListener('close', () => {
      dialog.remove();
      const next = actions.querySelector('button') ?? document.getElementById('panel-title');
      (opener?.isConnected ? opener : next)?.focus();
    });
    yes.addEventListener('click', async () => {
      if (!client) return;
      yes.disabled = true;
      yes.textContent = closing ? 'Encerrando…' : 'Abrindo…';
      notice.replaceChildren();
      try {
        const updated = await (closing ? client.close(poll.id) : client.open(poll.id));
        applyPoll(updated);
        announce(closing ? `Votação de “${updated.title}” encerrada.` : `Votação de “${updated.title}” aberta.`);
        if (alsoOpen.length) await sayWhatThePublicPageShows();
      } catch (err) {
        const e = asApiError(err);
        if (e.status === 401) { dialog.close(); expired(); return; }
        notice.replaceChildren(h('p', {}, e.code === 'invalid_transition'
          ? 'O paredão já tinha mudado de estado. A tela foi atualizada.'
          : e.code === 'network' ? 'Sem conexão com o servidor. Tente de novo.' : `Não foi possível: ${e.detail}`));
        void client.getPoll(poll.id).then(applyPoll, () => {});
      }
      dialog.close();
    });
    document.body.append(dialog);
    dialog.showModal();
  };

  /** Which open paredão / shows now (the first open one of the list, as the page picks it). */
  const sayWhatThePublicPageShows = async () => {
    try {
      const shown = (await client!.listPolls()).find((p) => p.status === 'open');
      if (!shown) return;
      notice.replaceChildren(h('p', { class: 'action-info', 'data-testid': 'public-page-shows' },
        `A página pública (/) mostra agora “${shown.title}”. Os outros paredões abertos seguem em seus endereços /p/….`));
    } catch {
      // The list will say it at the next refresh.
    }
  };

  live = new LiveView(client, poll, {
    onStatus: () => {
      void client?.getPoll(poll.id).then((p) => {
        applyPoll(p);
        announce(`“${p.title}” agora está ${STATUS_LABEL[p.status].toLowerCase()}.`);
      }, () => {});
    },
    onUnauthorized: expired,
    announce,
  });
  review = new ReviewView(client, poll, { onUnauthorized: expired, onHeld: (n) => live?.noteHeld(n) });
  renderHead(poll);
  panel.replaceChildren(h('section', { class: 'poll-panel', 'aria-labelledby': 'panel-title' },
    h('div', { class: 'poll-head card-surface' },
      h('div', { class: 'poll-head-top' }, badgeSlot, h('span', { class: 'poll-id' }, poll.id)),
      panelTitle(poll.title),
      meta,
      actions,
      notice),
    live.el,
    review.el));
  live.start();
  review.start();
  if (focus) focusTitle();
}

// ---------------------------------------------------------------- start

signOutButton.addEventListener('click', () => {
  signOut();
  announce('Você saiu do console.');
});
window.addEventListener('hashchange', () => route());

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) signIn(saved);
else showSignIn();
