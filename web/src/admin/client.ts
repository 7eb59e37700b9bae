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

/** Votes the edge holds apart, one group per network and reason (shared/api.md, "The edge"). */
export interface HeldGroup {
  network: string;
  reason: string;
  votes: number;
  by_candidate: { candidate_id: string; votes: number }[];
  first_at: string;
  last_at: string;
}
export interface Decision {
  at: string;
  action: 'release' | 'void';
  network: string | null;
  reason: string | null;
  votes: number;
}
export interface Quarantine { poll_id: string; as_of: string; groups: HeldGroup[]; decisions: Decision[] }
/** Which held votes a decision applies to: none set means all of the poll's held votes. */
export interface HeldFilter { network?: string; reason?: string }

/** GET …/stats/minutes: the counted votes per UTC minute of the last hour (docs/openapi.yaml). */
export interface StatsByMinute {
  poll_id: string;
  as_of: string;
  by_minute: { minute: string; total: number; by_candidate: { candidate_id: string; votes: number }[] }[];
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
    // A 200 without a body (the contract leaves PUT …/watch's body open) reads as null.
    const text = await res.text();
    return (text ? JSON.parse(text) : null) as T;
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
  /** The server's counters (GET /metrics, Prometheus text; no token needed), or null when they
   *  cannot be read: the console's alerts on refused votes are then not shown, nothing else. */
  async metrics(): Promise<string | null> {
    try {
      const res = await fetch('/metrics', { cache: 'no-store', signal: AbortSignal.timeout(3000) });
      return res.ok ? await res.text() : null;
    } catch {
      return null;
    }
  }
  /** `since`: only the minutes from that one on (the server gives the last hour at most). */
  statsByMinute(id: string, since?: Date): Promise<StatsByMinute> {
    const query = since ? `?since=${enc(since.toISOString().replace(/\.\d{3}Z$/, 'Z'))}` : '';
    return this.call(`/api/v1/polls/${enc(id)}/stats/minutes${query}`, 'GET', undefined, 5000);
  }
  create(body: NewPollBody): Promise<Poll> { return this.call('/api/v1/polls', 'POST', body); }
  open(id: string): Promise<Poll> { return this.call(`/api/v1/polls/${enc(id)}/open`, 'POST'); }
  close(id: string): Promise<Poll> { return this.call(`/api/v1/polls/${enc(id)}/close`, 'POST'); }

  quarantine(id: string): Promise<Quarantine> { return this.call(`/api/v1/polls/${enc(id)}/quarantine`, 'GET', undefined, 5000); }
  /** Releases into every count, or voids for good, the held votes the filter matches; resolves
   *  with how many the server moved (exact, idempotent: a repeat moves 0). */
  decide(id: string, action: Decision['action'], filter: HeldFilter): Promise<{ votes: number }> {
    return this.call(`/api/v1/polls/${enc(id)}/quarantine/${action}`, 'POST', filter);
  }
  watch(id: string): Promise<string[]> {
    return this.call<{ networks: string[] }>(`/api/v1/polls/${enc(id)}/watch`).then((r) => r.networks ?? []);
  }
  /** Replaces the poll's whole watch list; resolves with the list the server keeps. */
  async setWatch(id: string, networks: string[]): Promise<string[]> {
    const r = await this.call<{ networks?: string[] } | null>(`/api/v1/polls/${enc(id)}/watch`, 'PUT', { networks });
    return r?.networks ?? this.watch(id);
  }

  /**
   * The audit (NDJSON, one line per vote answered 202), read whole into a Blob. A big poll takes
   * a while, so the deadline is on silence: the download is abandoned when no byte arrives for
   * `stallMs`. `progress` is told the bytes and lines read so far.
   */
  async audit(id: string, progress: (bytes: number, lines: number) => void, stallMs = 30_000): Promise<{ blob: Blob; lines: number }> {
    const abort = new AbortController();
    let stall = window.setTimeout(() => abort.abort(), stallMs);
    const alive = () => { clearTimeout(stall); stall = window.setTimeout(() => abort.abort(), stallMs); };
    try {
      let res: Response;
      try {
        res = await fetch(`/api/v1/polls/${enc(id)}/audit`, {
          headers: { accept: 'application/x-ndjson', authorization: `Bearer ${this.token}` },
          cache: 'no-store', signal: abort.signal,
        });
      } catch (err) {
        throw new ApiError(0, 'network', String(err));
      }
      if (!res.ok) throw await problemFromResponse(res);
      const parts: Uint8Array[] = [];
      let bytes = 0;
      let lines = 0;
      let last = 10;
      const reader = res.body?.getReader();
      try {
        while (reader) {
          const { done, value } = await reader.read();
          if (done) break;
          alive();
          parts.push(value);
          bytes += value.length;
          for (const byte of value) if (byte === 10) lines++;
          if (value.length) last = value[value.length - 1];
          progress(bytes, lines);
        }
      } catch (err) {
        throw new ApiError(0, 'network', String(err));
      }
      if (last !== 10) lines++; // a last line without its newline is still a line
      return { blob: new Blob(parts as BlobPart[], { type: 'application/x-ndjson' }), lines };
    } finally {
      clearTimeout(stall);
    }
  }
}
