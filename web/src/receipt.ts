// The receipt of a vote: who the viewer voted to eliminate, the partial result, how many votes
// this session has sent, a link to share, and the vote's own details last (issue 16: the fan
// reads the first three and votes again; the vote number is for the rare dispute).
import type { Candidate, Poll, Results, VoteAccepted } from './api';
import { avatar, formatDateTime, h, resultsList } from './ui';
import { MSG } from './messages';

/** Votes this browser tab has sent to a poll (kept across a reload of the tab, not beyond). */
export function countSessionVote(pollId: string): number {
  const key = `paredao:votes:${pollId}`;
  try {
    const n = (Number(sessionStorage.getItem(key)) || 0) + 1;
    sessionStorage.setItem(key, String(n));
    return n;
  } catch {
    return 0; // storage refused (private mode): the count is left out
  }
}

export function resultsBlock(title: string, results: Results | null, highlight?: string): HTMLElement {
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

/** "Compartilhar": the phone's own share sheet, or the link copied where there is none. */
function shareButton(poll: Poll): HTMLElement {
  const url = `${location.origin}/p/${encodeURIComponent(poll.id)}`;
  const said = h('span', { class: 'share-said', role: 'status' });
  const button = h('button', {
    type: 'button', class: 'btn btn-ghost',
    onclick: async () => {
      const text = `Eu já votei no ${poll.title}. Vote você também!`;
      try {
        if (navigator.share) {
          await navigator.share({ title: poll.title, text, url });
          return;
        }
        await navigator.clipboard.writeText(url);
        said.textContent = 'Link copiado.';
      } catch (err) {
        if ((err as Error)?.name !== 'AbortError') said.textContent = `Copie o link: ${url}`;
      }
    },
  }, 'Compartilhar a votação');
  return h('div', { class: 'share' }, button, said);
}

export function receiptContent(poll: Poll, v: VoteAccepted, sessionCount: number): HTMLElement {
  const candidate: Candidate = poll.candidates.find((c) => c.id === v.candidate_id)
    ?? { id: v.candidate_id, name: v.results?.candidates.find((c) => c.id === v.candidate_id)?.name ?? v.candidate_id, photo_url: null };
  return h('div', { class: 'receipt-card card-surface' },
    h('div', { class: 'receipt-head' },
      avatar(candidate, 'md'),
      h('div', { class: 'receipt-head-text' },
        h('h1', { id: 'receipt-title', class: 'receipt-title', tabindex: '-1' },
          h('span', { class: 'receipt-check', 'aria-hidden': 'true' }, '✓'), 'Voto registrado'),
        h('p', { class: 'receipt-lead' }, 'Você votou para eliminar ', h('strong', {}, candidate.name), '.'))),
    sessionCount > 0
      ? h('p', { class: 'receipt-count', 'data-testid': 'session-votes' },
        sessionCount === 1 ? 'Seu 1º voto nesta sessão.' : `Seu ${sessionCount}º voto nesta sessão.`)
      : null,
    resultsBlock('Parcial da votação', v.results, v.candidate_id),
    shareButton(poll),
    h('details', { class: 'receipt-proof' },
      h('summary', {}, 'Comprovante do voto'),
      h('dl', { class: 'receipt-details' },
        h('div', { class: 'receipt-row' },
          h('dt', {}, 'Número do voto'),
          h('dd', {}, h('code', { class: 'vote-id', 'data-testid': 'vote-id' }, v.vote_id))),
        h('div', { class: 'receipt-row' },
          h('dt', {}, 'Horário'),
          h('dd', {}, h('time', { class: 'vote-time', datetime: v.accepted_at }, formatDateTime(v.accepted_at)))),
        h('div', { class: 'receipt-row' },
          h('dt', {}, 'Paredão'),
          h('dd', {}, poll.title)))));
}
