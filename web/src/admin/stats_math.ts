// Pure helpers of the live view: shares, the votes-per-second meter and the per-hour CSV.
import type { Stats } from './client';

/**
 * Each count's share as a percentage with two decimals, summing to exactly 100 (all zeros when
 * there are no votes): the largest-remainder method of the server (src/domain/percent.cpp), so
 * that the console shows the very numbers of the API and the public page. Ties of remainder go
 * to the earlier participant, as there.
 */
export function shares(counts: readonly number[]): number[] {
  const whole = 10000;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return counts.map(() => 0);
  const hundredths = counts.map((c) => Math.floor((c * whole) / total));
  const remainders = counts.map((c) => (c * whole) % total);
  let assigned = hundredths.reduce((a, b) => a + b, 0);
  const order = counts.map((_, i) => i).sort((a, b) => remainders[b] - remainders[a] || a - b);
  for (let k = 0; assigned < whole; k++, assigned++) hundredths[order[k % order.length]]++;
  return hundredths.map((x) => x / 100);
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

/** "-03:00": the offset from UTC of this browser's time zone at `at`. */
export function utcOffset(at: Date): string {
  const minutes = -at.getTimezoneOffset();
  const two = (n: number) => String(Math.floor(n)).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${two(Math.abs(minutes) / 60)}:${two(Math.abs(minutes) % 60)}`;
}

/** An instant as RFC 3339 in this browser's time zone, with its offset: "2026-12-07T17:00:00-03:00". */
export function localRfc3339(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}:`
    + `${two(at.getMinutes())}:${two(at.getSeconds())}${utcOffset(at)}`;
}

/** CSV lines: the header, then each row; every field quoted when it needs to be; CRLF. */
function csv(header: (string | number)[], rows: (string | number)[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A time column pair: the instant in UTC (as the API gives it) and in this browser's time. */
function whenFields(at: Date): string[] {
  return [at.toISOString().replace('.000Z', 'Z'), localRfc3339(at)];
}

/**
 * `hora_utc,hora_local,total,<participants…>` then one row per hour of stats.by_hour: each hour
 * as the API gives it (UTC) and as the chart shows it (this browser's time, its offset written),
 * so that neither reader has to guess which one the file holds.
 */
export function perHourCsv(stats: Stats): string {
  const ids = stats.by_candidate.map((c) => c.candidate_id);
  return csv(['hora_utc', 'hora_local', 'total', ...stats.by_candidate.map((c) => c.name)],
    stats.by_hour.map((hour) => {
      const votes = new Map(hour.by_candidate.map((c) => [c.candidate_id, c.votes]));
      return [...whenFields(new Date(hour.hour)), hour.total, ...ids.map((id) => votes.get(id) ?? 0)];
    }));
}

/** The same per minute, from a MinuteSeries (`names` in the order of its counts). */
export function perMinuteCsv(minutes: { start: number; votes: number[] }[], names: string[]): string {
  return csv(['minuto_utc', 'minuto_local', 'total', ...names],
    minutes.map((m) => [...whenFields(new Date(m.start)), m.votes.reduce((a, b) => a + b, 0), ...m.votes]));
}

/**
 * Votes per minute by participant. The minutes already over come from the server's exact count
 * (GET …/stats/minutes, read when the console opens and again after each minute ends). The
 * minute after them is the rest of the stats' exact count per hour: the hour's votes less its
 * minutes already counted, so that no vote is ever in two minutes. Until the server's count
 * is known, the minutes come from the stats read every second: the change of the counts
 * between the last reading before the minute and the last one in it.
 */
export class MinuteSeries {
  private readings: { at: number; counts: number[] }[] = [];
  private hours: { start: number; votes: number[] }[] = []; // the last stats' exact hours
  private counted = new Map<number, number[]>(); // the server's minutes, by start
  private countedUpTo: number | null = null; // the server's minutes are those before this

  constructor(private readonly keepMinutes = 30) {}

  /**
   * The server's minutes from `from` on (every minute with votes, by start), as read when the
   * minute `upTo` had begun: they replace what was known of those minutes, and the minutes
   * before `upTo` are the server's from now on.
   */
  count(minutes: readonly { start: number; votes: readonly number[] }[], from: number, upTo: number): void {
    for (const start of [...this.counted.keys()]) if (start >= from) this.counted.delete(start);
    for (const m of minutes) if (m.start < upTo) this.counted.set(m.start, [...m.votes]);
    this.countedUpTo = Math.max(this.countedUpTo ?? upTo, upTo);
    // An hour's worth is kept: the minutes of the current hour are taken from its count.
    const horizon = upTo - 60 * 60_000;
    for (const start of [...this.counted.keys()]) if (start < horizon) this.counted.delete(start);
  }

  /** A reading of the stats: the counts per participant, and per hour (start, votes). */
  add(at: number, counts: readonly number[], hours: readonly { start: number; votes: readonly number[] }[] = []): void {
    const last = this.readings[this.readings.length - 1];
    // Counts that go down (another server, a reset) start the series again.
    if (last && counts.some((c, i) => c < (last.counts[i] ?? 0))) this.readings = [];
    this.readings.push({ at, counts: [...counts] });
    this.hours = hours.map((h) => ({ start: h.start, votes: [...h.votes] }));
    const horizon = Math.floor(at / 60_000) * 60_000 - this.keepMinutes * 60_000;
    while (this.readings.length > 2 && this.readings[1].at < horizon) this.readings.shift();
  }

  /** Oldest first, every minute (zeros included): its start (ms) and votes per participant; the
   * current minute last. */
  minutes(): { start: number; votes: number[] }[] {
    const upTo = this.countedUpTo;
    const lastReading = this.readings[this.readings.length - 1];
    if (upTo === null || !lastReading) return this.liveMinutes().slice(-this.keepMinutes);
    const width = lastReading.counts.length;
    const zeros = () => new Array<number>(width).fill(0);
    // The minute `upTo`: its hour's votes less the hour's minutes counted before it. (If the
    // server's count of the minute just over is late, that minute holds the new one's first
    // seconds too, until the count comes.)
    const hourStart = Math.floor(upTo / 3_600_000) * 3_600_000;
    const rest = zeros();
    for (const h of this.hours) if (h.start >= hourStart) h.votes.forEach((v, i) => { rest[i] += v; });
    for (const [start, votes] of this.counted) {
      if (start >= hourStart && start < upTo) votes.forEach((v, i) => { rest[i] -= v; });
    }
    const now = Math.floor(lastReading.at / 60_000) * 60_000;
    const first = Math.min(...this.counted.keys(), upTo);
    const out: { start: number; votes: number[] }[] = [];
    for (let start = first; start <= Math.max(now, upTo); start += 60_000) {
      const votes = start < upTo ? this.counted.get(start) ?? zeros()
        : start === upTo ? rest.map((v) => Math.max(0, v)) : zeros();
      out.push({ start, votes: [...votes] });
    }
    return out.slice(-this.keepMinutes);
  }

  private liveMinutes(): { start: number; votes: number[] }[] {
    if (this.readings.length < 2) return [];
    const out: { start: number; votes: number[] }[] = [];
    const first = this.readings[0];
    let before = first.counts;
    let k = 1;
    const lastAt = this.readings[this.readings.length - 1].at;
    for (let start = Math.floor(first.at / 60_000) * 60_000; start <= lastAt; start += 60_000) {
      let end = before;
      while (k < this.readings.length && this.readings[k].at < start + 60_000) end = this.readings[k++].counts;
      out.push({ start, votes: end.map((c, i) => c - (before[i] ?? 0)) });
      before = end;
    }
    return out;
  }
}

/**
 * A sharp drop of votes per second: the last `recentMs` against the `baselineMs` before them.
 * Returns both rates when the recent one fell under `ratio` of a baseline of at least
 * `minBaseline` votes/s (a quiet paredão is no alarm), else null.
 */
export function rateDrop(readings: readonly { at: number; total: number }[], now: number,
  { recentMs = 10_000, baselineMs = 30_000, ratio = 0.4, minBaseline = 1 } = {}): { before: number; now: number } | null {
  const totalAt = (t: number) => {
    let found: { at: number; total: number } | undefined;
    for (const r of readings) { if (r.at <= t) found = r; else break; }
    return found;
  };
  const a = totalAt(now - recentMs - baselineMs);
  const b = totalAt(now - recentMs);
  const c = totalAt(now);
  if (!a || !b || !c || b.at - a.at < baselineMs / 2 || c.at - b.at < recentMs / 2) return null;
  const before = ((b.total - a.total) * 1000) / (b.at - a.at);
  const recent = ((c.total - b.total) * 1000) / (c.at - b.at);
  return before >= minBaseline && recent < ratio * before ? { before, now: recent } : null;
}
