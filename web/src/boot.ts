// The first data the server wrote into the vote page (src/adapters/http/api_vote_page.cpp): the
// poll list for / or the poll for /p/{id}, and a first challenge when that poll is open. Read once,
// by the first view: every later view asks the API (the data would be stale).
import type { Poll } from './api';

export interface Boot {
  home?: { polls: Poll[] };
  poll?: Poll;
  challenge?: object;
}

let taken = false;

export function takeBoot(): Boot | null {
  if (taken) return null;
  taken = true;
  const el = document.getElementById('paredao-boot');
  if (!el?.textContent) return null;
  try {
    const boot = JSON.parse(el.textContent) as Boot;
    return boot && typeof boot === 'object' ? boot : null;
  } catch {
    return null; // a page saved from elsewhere: the API answers instead
  }
}
