// Thin client for the Paredão HTTP API (see shared/api.md). Every error the server sends is
// application/problem+json with a stable `code`; network failures become code "network".

export type PollStatus = 'draft' | 'open' | 'closed';

export interface Candidate {
  id: string;
  name: string;
  photo_url: string | null;
}

export interface Poll {
  id: string;
  title: string;
  status: PollStatus;
  opens_at: string | null;
  closes_at: string | null;
  show_partial_results: boolean;
  candidates: Candidate[];
}

export interface ResultEntry {
  id: string;
  name: string;
  percent: number;
}

export interface Results {
  poll_id: string;
  status: PollStatus;
  as_of: string;
  candidates: ResultEntry[];
}

export interface VoteAccepted {
  vote_id: string;
  poll_id: string;
  candidate_id: string;
  accepted_at: string;
  results: Results | null;
}

/** Ids are `[a-z0-9][a-z0-9-]{0,63}` (the contract). */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

const STATUS_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'results_hidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'poll_not_open',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'human_check_failed',
  429: 'rate_limited',
  503: 'unavailable',
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    /** Seconds from a Retry-After header, when the server sent one. */
    readonly retryAfter: number | null = null,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'ApiError';
  }
}

/** Parses Retry-After (delta-seconds or an HTTP date) into whole seconds. */
export function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Turns a non-2xx response into an ApiError, reading its problem+json body when there is one. */
export async function problemFromResponse(res: Response): Promise<ApiError> {
  let code = STATUS_CODES[res.status] ?? (res.status >= 500 ? 'internal' : 'unknown');
  let detail = res.statusText;
  try {
    const type = res.headers.get('content-type') ?? '';
    if (type.includes('json')) {
      const body = (await res.json()) as { code?: unknown; detail?: unknown; title?: unknown };
      if (typeof body.code === 'string' && body.code) code = body.code;
      if (typeof body.detail === 'string') detail = body.detail;
      else if (typeof body.title === 'string') detail = body.title;
    }
  } catch {
    // Keep the status-derived code.
  }
  return new ApiError(res.status, code, detail, parseRetryAfter(res.headers.get('retry-after')));
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      headers: { accept: 'application/json', ...(init?.headers ?? {}) },
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(0, 'network', String(err));
  }
  if (!res.ok) throw await problemFromResponse(res);
  return (await res.json()) as T;
}

const enc = encodeURIComponent;

export const api = {
  listPolls: () => request<{ polls: Poll[] }>('/api/v1/polls').then((r) => r.polls ?? []),
  getPoll: (id: string) => request<Poll>(`/api/v1/polls/${enc(id)}`),
  getResults: (id: string) => request<Results>(`/api/v1/polls/${enc(id)}/results`),
  challengeUrl: (id: string) => `/api/v1/polls/${enc(id)}/challenge`,
  vote: (id: string, candidateId: string, altcha: string) =>
    request<VoteAccepted>(`/api/v1/polls/${enc(id)}/votes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ candidate_id: candidateId, altcha }),
    }),
};
