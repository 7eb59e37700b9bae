// Pure helpers of the live view: shares, the votes-per-second meter and the per-hour CSV.
import type { Stats } from './client';

/** Share of `votes` in `total` as a percentage with two decimals (0 when there are no votes). */
export function share(votes: number, total: number): number {
  return total > 0 ? Math.round((votes / total) * 10000) / 100 : 0;
}

/**
 * Votes per second over a sliding window: each poll adds (time, total); the rate is the change
 * of total over the time between the oldest kept sample and the newest one. A total that goes
 * down (another server, a reset) restarts the window instead of showing a negative rate.
 */
export class RateMeter {
  private samples: { at: number; total: number }[] = [];

  constructor(private readonly windowMs = 5000) {}

  add(at: number, total: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && total < last.total) this.samples = [];
    this.samples.push({ at, total });
    // Keep the newest sample that is at least windowMs old, and everything after it.
    while (this.samples.length > 2 && at - this.samples[1].at >= this.windowMs) this.samples.shift();
  }

  /** Votes per second, or null until two samples at least half a second apart exist. */
  rate(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || last.at - first.at < 500) return null;
    return ((last.total - first.total) * 1000) / (last.at - first.at);
  }

  reset(): void { this.samples = []; }
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `hora,total,<participants…>` then one row per hour of stats.by_hour (hours as the API gives them). */
export function perHourCsv(stats: Stats): string {
  const ids = stats.by_candidate.map((c) => c.candidate_id);
  const lines = [['hora', 'total', ...stats.by_candidate.map((c) => c.name)].map(csvField).join(',')];
  for (const hour of stats.by_hour) {
    const votes = new Map(hour.by_candidate.map((c) => [c.candidate_id, c.votes]));
    lines.push([hour.hour, hour.total, ...ids.map((id) => votes.get(id) ?? 0)].map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
