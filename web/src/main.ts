// Paredão — the viewer's vote page.
//   /            the first open poll of GET /api/v1/polls (the list is open-first)
//   /p/{poll_id} that poll (GET /api/v1/polls/{poll_id})
// The server writes the first view's data (and a first challenge) into the HTML (boot.ts); the
// vote itself is vote_page.ts. With nothing open, the page looks again every few seconds and
// opens the vote by itself when the host calls it.
import './style.css';
import { api, ApiError, ID_PATTERN, type Poll } from './api';
import { formatShort, h, avatar } from './ui';
import { MSG, messageFor, notCountedClosed } from './messages';
import { takeBoot } from './boot';
import { resultsBlock } from './receipt';
import { asApiError, pollHead, VotePage } from './vote_page';

const app = document.getElementById('app') as HTMLElement;
const MAX_TIMER_MS = 24 * 3600 * 1000;
/** How often a page waiting for the opening looks again (with some spread, so that a million
 * waiting phones do not ask in the same second). */
const WATCH_MS = 4000;
const WATCH_SPREAD_MS = 2000;

let activePage: VotePage | null = null;
let generation = 0; // bumps on every view change so late answers and timers of an old view are dropped

// ---------------------------------------------------------------- generic views

function setView(title: string, ...nodes: Node[]): void {
  generation += 1;
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
  leavePage();
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
    actions: [{ label: 'Tentar de novo', run: () => void route(), primary: true }],
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

function leavePage(): void {
  activePage?.destroy();
  activePage = null;
}

async function route(): Promise<void> {
  leavePage();
  const boot = takeBoot();
  const id = pollIdFromPath();
  if (!boot) loadingView();
  const gen = generation;
  try {
    if (id === null) throw new ApiError(404, 'not_found', 'invalid poll id');
    if (id !== undefined) {
      const poll = boot?.poll?.id === id ? boot.poll : await api.getPoll(id);
      if (gen === generation) showPoll(poll, boot?.challenge);
      return;
    }
    const polls = boot?.home?.polls ?? await api.listPolls();
    if (gen !== generation) return;
    const open = polls.find((p) => p.status === 'open');
    if (open) showPoll(open, boot?.challenge);
    else emptyView(polls.find((p) => p.status === 'closed'));
  } catch (err) {
    if (gen === generation) errorView(asApiError(err));
  }
}

const nav = {
  showNotOpen: (poll: Poll, lostVote?: string) => { leavePage(); void notOpenView(poll, lostVote); },
  showError: (err: ApiError) => errorView(err),
};

function showPoll(poll: Poll, challenge?: object): void {
  leavePage();
  if (poll.status !== 'open') {
    void notOpenView(poll);
    return;
  }
  const page = new VotePage(poll, nav, challenge);
  setView(poll.title, ...page.nodes());
  activePage = page;
  page.mount();
}

/**
 * Looks again every few seconds while the page waits for a vote to open (only while it is on
 * screen), and shows the vote as soon as it is open.
 */
function watchForOpening(gen: number, isOpen: () => Promise<boolean>): void {
  const look = async () => {
    if (gen !== generation) return;
    if (document.visibilityState === 'visible') {
      try {
        if (await isOpen()) {
          if (gen === generation) void route();
          return;
        }
      } catch {
        // No network for now: look again at the next turn.
      }
    }
    window.setTimeout(() => void look(), WATCH_MS + Math.random() * WATCH_SPREAD_MS);
  };
  window.setTimeout(() => void look(), WATCH_MS + Math.random() * WATCH_SPREAD_MS);
}

function emptyView(lastClosed: Poll | undefined): void {
  messageView({
    icon: '🗳️',
    title: 'Nenhum paredão aberto agora',
    text: `Quando a votação de um novo paredão começar, ela aparece aqui. ${MSG.waitingOpen}`,
    actions: lastClosed ? [{ label: `Resultado: ${lastClosed.title}`, href: `/p/${encodeURIComponent(lastClosed.id)}` }] : [],
  });
  watchForOpening(generation, async () => (await api.listPolls()).some((p) => p.status === 'open'));
}

/**
 * A closed or not yet open poll: a friendly notice, and the final result once there is one.
 * `lostVote`: the participant of a vote the closing refused, said first.
 */
async function notOpenView(poll: Poll, lostVote?: string): Promise<void> {
  const closed = poll.status === 'closed';
  const notice = h('p', { class: 'notice', role: lostVote ? 'alert' : 'status' },
    lostVote ? `${notCountedClosed(lostVote)} ` : '', closed ? MSG.closed : MSG.notStarted);
  const section = h('section', { class: 'poll', 'aria-labelledby': 'poll-title' },
    pollHead(poll, closed
      ? (poll.closes_at ? `Encerrada em ${formatShort(poll.closes_at)}` : undefined)
      : (poll.opens_at ? `Abre em ${formatShort(poll.opens_at)}` : undefined)),
    notice);
  if (!closed) {
    section.append(
      h('p', { class: 'hint' }, MSG.waitingOpen),
      h('h2', { class: 'section-title' }, 'Participantes'),
      h('ul', { class: 'cards cards-preview', role: 'list' }, ...poll.candidates.map((c) =>
        h('li', { class: 'card-item' }, h('div', { class: 'card card-static' }, avatar(c), h('span', { class: 'card-name' }, c.name))))),
    );
  }
  if (pollIdFromPath() !== undefined) {
    section.append(h('p', { class: 'back-link' }, h('a', { href: '/' }, 'Ver o paredão aberto agora')));
  }
  setView(poll.title, section);
  const gen = generation;
  if (!closed) {
    // Opened by the host at any moment, or by itself at opens_at.
    watchForOpening(gen, async () => (await api.getPoll(poll.id)).status === 'open');
    if (poll.opens_at) {
      const delay = Date.parse(poll.opens_at) - Date.now() + 1500;
      if (delay < MAX_TIMER_MS) window.setTimeout(() => { if (gen === generation) void route(); }, Math.max(0, delay));
    }
    return;
  }
  try {
    const results = await api.getResults(poll.id);
    if (gen !== generation) return;
    notice.after(resultsBlock('Resultado final', results));
  } catch {
    // Results unavailable (or still hidden): the notice alone is enough.
  }
}

void route();
