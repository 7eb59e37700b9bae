// The production routes of the Paredão API (shared/api.md), called with the admin bearer token.
// Every call has a deadline; a timeout or a network failure becomes ApiError code "network".
import { ApiError, problemFromResponse, type Poll } from '../api';

export interface StatsCandidate { candidate_id: string; name: string; votes: number }
export interface StatsHour { hour: string; total: number; by_candidate: { candidate_id: string; votes: number }[] }
export interface Stats {
  poll_id: string;
  status: Poll['status'];
  as_of: string;
  total: number;
  by_candidate: StatsCandidate[];
  by_hour: StatsHour[];
}

export interface NewPollBody {
  id?: string;
  title: string;
  candidates: { name: string; photo_url?: string }[];
  opens_at?: string;
  closes_at?: string;
  show_partial_results: boolean;
}

const DEADLINE_MS = 8000;
const enc = encodeURIComponent;

export class AdminClient {
  constructor(readonly token: string) {}

  private async call<T>(path: string, method = 'GET', body?: unknown, deadlineMs = DEADLINE_MS): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, {
        method, headers, cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(deadlineMs),
      });
    } catch (err) {
      throw new ApiError(0, 'network', String(err));
    }
    if (!res.ok) throw await problemFromResponse(res);
    return (await res.json()) as T;
  }

  /** Resolves true when the server accepts the token. A poll id that cannot exist is asked for:
   *  the token is checked before the poll, so 404 means "valid token", 401 "wrong token". */
  async checkToken(): Promise<boolean> {
    try {
      await this.call('/api/v1/polls/__token_check__/stats');
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return true;
      if (err instanceof ApiError && err.status === 401) return false;
      throw err;
    }
  }

  listPolls(): Promise<Poll[]> {
    return this.call<{ polls: Poll[] }>('/api/v1/polls').then((r) => r.polls ?? []);
  }
  getPoll(id: string): Promise<Poll> { return this.call(`/api/v1/polls/${enc(id)}`); }
  /** Short deadline: the live view polls every second and must notice a stalled server soon. */
  stats(id: string): Promise<Stats> { return this.call(`/api/v1/polls/${enc(id)}/stats`, 'GET', undefined, 3000); }
  create(body: NewPollBody): Promise<Poll> { return this.call('/api/v1/polls', 'POST', body); }
  open(id: string): Promise<Poll> { return this.call(`/api/v1/polls/${enc(id)}/open`, 'POST'); }
  close(id: string): Promise<Poll> { return this.call(`/api/v1/polls/${enc(id)}/close`, 'POST'); }
}
