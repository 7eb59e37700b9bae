// The console's alert on refused votes: from the server's own counters (GET /metrics, Prometheus
// text), the share of POST …/votes answered 503 (nothing counted: a dependency fails) and the
// share answered with any other 5xx, over the last minute, with the bounds of the Prometheus
// alerts ParedaoVotesUnavailable and ParedaoVotesServerErrors (deploy/prometheus). Behind a
// balancer each reading comes from one api copy: readings are only compared with readings of
// the same process (process_start_time_seconds), whose share stands for all as the balancer
// spreads the votes evenly.

/** The bounds of the Prometheus alerts, and the fewest refusals that make an alert at all. */
export const UNAVAILABLE_SHARE = 0.01;
export const SERVER_ERROR_SHARE = 0.001;
const MIN_REFUSED = 3;
const WINDOW_MS = 60_000;
/** A window shorter than this says too little. */
const MIN_WINDOW_MS = 15_000;

export interface VoteAnswers {
  /** Which process these counters are from; null when the server does not say. */
  process: string | null;
  /** Answers to POST …/votes since the process started, by status. */
  byStatus: Map<string, number>;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** The vote route's answers by status, and the process, from Prometheus' text format. */
export function parseVoteAnswers(text: string): VoteAnswers {
  const byStatus = new Map<string, number>();
  let process: string | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const [, name, labels = '', value] = m;
    if (name === 'process_start_time_seconds') { process = value; continue; }
    if (name !== 'paredao_http_requests_total') continue;
    const l = Object.fromEntries([...labels.matchAll(LABEL)].map((x) => [x[1], x[2]]));
    const n = Number(value);
    if (l.route !== 'votes' || !l.status || !Number.isFinite(n)) continue;
    byStatus.set(l.status, (byStatus.get(l.status) ?? 0) + n);
  }
  return { process, byStatus };
}

export interface RefusedVotes {
  /** Which kind: 503 (not made durable, not counted) or another 5xx. */
  kind: 'unavailable' | 'server_error';
  share: number;
  refused: number;
  answered: number;
  windowMs: number;
}

/** Readings of the counters over time, per process; what was refused in the last minute beyond
 * the bounds, as the process read last counted it. */
export class VoteErrorWatch {
  private readonly byProcess = new Map<string | null, { at: number; answers: VoteAnswers }[]>();
  private latest: string | null = null;

  add(at: number, answers: VoteAnswers): void {
    let readings = this.byProcess.get(answers.process) ?? [];
    const last = readings[readings.length - 1];
    // The same process restarted (its counters back at zero): start over with it.
    if (last && total(answers) < total(last.answers)) readings = [];
    readings.push({ at, answers });
    while (readings.length > 2 && at - readings[1].at >= WINDOW_MS) readings.shift();
    this.byProcess.set(answers.process, readings);
    this.latest = answers.process;
    // Copies not read for a whole window are forgotten (stopped, or the balancer moved on).
    for (const [process, r] of this.byProcess) if (at - r[r.length - 1].at > WINDOW_MS) this.byProcess.delete(process);
  }

  /** The refusals above their bound over the window, worst first (none: empty). */
  alerts(): RefusedVotes[] {
    const readings = this.byProcess.get(this.latest) ?? [];
    const first = readings[0];
    const last = readings[readings.length - 1];
    if (!first || last.at - first.at < MIN_WINDOW_MS) return [];
    const delta = (status: (s: string) => boolean) => {
      let n = 0;
      for (const [s, v] of last.answers.byStatus) if (status(s)) n += v - (first.answers.byStatus.get(s) ?? 0);
      return n;
    };
    const answered = delta(() => true);
    if (answered <= 0) return [];
    const windowMs = last.at - first.at;
    const found: RefusedVotes[] = [];
    const unavailable = delta((s) => s === '503');
    const serverErrors = delta((s) => s.startsWith('5') && s !== '503');
    if (unavailable >= MIN_REFUSED && unavailable / answered > UNAVAILABLE_SHARE) {
      found.push({ kind: 'unavailable', share: unavailable / answered, refused: unavailable, answered, windowMs });
    }
    if (serverErrors >= MIN_REFUSED && serverErrors / answered > SERVER_ERROR_SHARE) {
      found.push({ kind: 'server_error', share: serverErrors / answered, refused: serverErrors, answered, windowMs });
    }
    return found;
  }
}

function total(answers: VoteAnswers): number {
  let n = 0;
  for (const v of answers.byStatus.values()) n += v;
  return n;
}
