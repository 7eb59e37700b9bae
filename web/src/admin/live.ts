// The live view of one paredão: polls GET …/stats every second and shows the grand total, each
// participant's votes and share, votes per second (5 s window) and a stacked per-hour chart.
// Only status changes and connection loss/recovery are announced; the numbers are not live regions.
import { ApiError, type Poll } from '../api';
import { h } from '../ui';
import type { AdminClient, Stats } from './client';
import { MinuteSeries, perHourCsv, perMinuteCsv, RateMeter, rateDrop, shares, utcOffset } from './stats_math';
import { parseVoteAnswers, VoteErrorWatch, type RefusedVotes } from './vote_errors';

const POLL_MS = 1000;
/** The server's counters are read every this many stats polls, for the alert on refused votes. */
const METRICS_EVERY = 5;
/** A rise of the held votes within a minute that makes an alert. */
const HELD_RISE = 10;

/** One colour per participant (creation order), all at least 3:1 against the dark panel. */
const COLOURS = ['#ff5c93', '#4fd1ff', '#ffd54a', '#6ee787', '#b79bff', '#ff9e4f', '#3ee0c4', '#ff7a7a',
  '#9cc3ff', '#e7e36b', '#f08bd9', '#8fe3ff', '#c6f36d', '#ffb3a1', '#a0a8ff', '#7fffd4', '#ffc46b',
  '#d4a5ff', '#61e0a0', '#ff8fb3'];
export const colourOf = (index: number): string => COLOURS[index % COLOURS.length];

const intFmt = new Intl.NumberFormat('pt-BR');
const rateFmt = new Intl.NumberFormat('pt-BR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pctFmt = new Intl.NumberFormat('pt-BR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compactFmt = new Intl.NumberFormat('pt-BR', { notation: 'compact', maximumFractionDigits: 1 });
const clockFmt = new Intl.DateTimeFormat('pt-BR', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const hourFmt = new Intl.DateTimeFormat('pt-BR', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dayFmt = new Intl.DateTimeFormat('pt-BR', { day: '2-digit', month: '2-digit' });

export interface LiveHooks {
  /** The server reports another status than the one shown (scheduled opening/closing). */
  onStatus(status: Poll['status']): void;
  onUnauthorized(): void;
  announce(message: string): void;
}

interface Row { votes: HTMLElement; pct: HTMLElement; fill: HTMLElement; item: HTMLElement }

export class LiveView {
  readonly el: HTMLElement;
  private readonly rows = new Map<string, Row>();
  private readonly meter = new RateMeter(5000);
  private readonly total = h('span', { class: 'kpi-value', 'data-testid': 'grand-total' }, '—');
  private readonly rate = h('span', { class: 'kpi-value', 'data-testid': 'votes-per-second' }, '—');
  private readonly rateLabel = h('span', { class: 'kpi-label' }, 'votos por segundo agora');
  private readonly indicator = h('p', { class: 'live-indicator', 'data-state': 'waiting' });
  private readonly chart = h('div', { class: 'hours-chart', 'aria-hidden': 'true', 'data-testid': 'hours-chart' });
  private readonly minuteChart = h('div', { class: 'hours-chart minutes-chart', 'aria-hidden': 'true', 'data-testid': 'minutes-chart' });
  private readonly minutes = new MinuteSeries(30);
  private readings: { at: number; total: number }[] = []; // the last two minutes, for the alerts
  // Alerts at the top of the live view; each said once when it starts (a live region).
  private readonly alerts = h('div', { class: 'live-alerts', role: 'alert', 'data-testid': 'live-alerts' });
  private drop: string | null = null; // the alerts on now
  private heldRise: string | null = null;
  private refused: string[] = [];
  private minutesUpTo: number | null = null; // the server's count covers the minutes before this
  private minutesAsked = false;
  private minutesTriedAt = 0;
  private refusedKinds = '';
  private refusedShownAt = 0;
  private readonly errorWatch = new VoteErrorWatch();
  private ticks = 0;
  private held: { at: number; total: number }[] = [];
  private readonly table = h('table', { class: 'hours-table' });
  private readonly csvButton: HTMLButtonElement;
  private stats: Stats | null = null;
  private lastOkAt = 0;
  private failing = false;
  private timer = 0;
  private stopped = false;
  private status: Poll['status'];
  private readonly onFullscreen: () => void;
  private readonly onKey: (ev: KeyboardEvent) => void;
  private readonly onAirButton: HTMLButtonElement;

  constructor(private readonly client: AdminClient, private readonly poll: Poll, private readonly hooks: LiveHooks) {
    this.status = poll.status;
    this.csvButton = h('button', { type: 'button', class: 'btn btn-live', disabled: true, onclick: () => this.exportCsv() },
      'Exportar CSV por hora');
    const legend = h('ul', { class: 'legend', role: 'list' }, ...poll.candidates.map((c, i) =>
      h('li', {}, h('span', { class: 'swatch', style: `--c:${colourOf(i)}`, 'aria-hidden': 'true' }), c.name)));
    const list = h('ul', { class: `live-list${poll.candidates.length > 5 ? ' live-list-many' : ''}`, role: 'list' }, ...poll.candidates.map((c, i) => {
      const row: Row = {
        votes: h('span', { class: 'cand-votes' }, '0'),
        pct: h('span', { class: 'cand-pct' }, '0,00%'),
        fill: h('div', { class: 'cand-fill', style: `--c:${colourOf(i)};width:0%` }),
        item: h('li', { class: 'cand', 'data-candidate-id': c.id }),
      };
      row.item.append(
        h('div', { class: 'cand-row' },
          h('span', { class: 'cand-name' }, h('span', { class: 'swatch', style: `--c:${colourOf(i)}`, 'aria-hidden': 'true' }), c.name),
          h('span', { class: 'cand-nums' }, row.votes, h('span', { class: 'sr-only' }, ' votos, '), row.pct)),
        h('div', { class: 'cand-bar', 'aria-hidden': 'true' }, row.fill));
      this.rows.set(c.id, row);
      return row.item;
    }));
    // The on-air view: for the studio's screen, big names, shares and total only; full screen
    // where the browser allows it (leaving full screen leaves the view), over the page otherwise.
    const onAir = h('button', {
      type: 'button', class: 'btn btn-live', 'aria-pressed': 'false', 'data-testid': 'on-air',
      onclick: () => this.setOnAir(!this.el.classList.contains('on-air')),
    }, 'Modo telão');
    this.onAirButton = onAir;
    this.onFullscreen = () => {
      if (document.fullscreenElement !== this.el && this.el.classList.contains('on-air')) this.setOnAir(false);
    };
    this.onKey = (ev: KeyboardEvent) => {
      if (ev.key === 'Escape' && this.el.classList.contains('on-air') && !document.fullscreenElement) this.setOnAir(false);
    };
    document.addEventListener('keydown', this.onKey);
    document.addEventListener('fullscreenchange', this.onFullscreen);

    this.el = h('section', { class: 'live', 'aria-labelledby': 'live-title' },
      this.alerts,
      h('div', { class: 'live-head' },
        h('h2', { id: 'live-title', class: 'live-title' }, 'Apuração ao vivo'),
        this.indicator,
        onAir),
      h('div', { class: 'kpis' },
        h('div', { class: 'kpi kpi-total' }, this.total, h('span', { class: 'kpi-label' }, 'votos no total')),
        h('div', { class: 'kpi kpi-rate' }, this.rate, this.rateLabel)),
      list,
      h('section', { class: 'hours minutes', 'aria-labelledby': 'minutes-title' },
        h('div', { class: 'hours-head' },
          h('h3', { id: 'minutes-title', class: 'hours-title' }, 'Votos por minuto'),
          h('span', { class: 'hours-note' }, `últimos 30 min · hora local (UTC${utcOffset(new Date())})`),
          h('button', { type: 'button', class: 'btn btn-live', onclick: () => this.exportMinutesCsv() }, 'Exportar CSV por minuto')),
        this.minuteChart),
      h('section', { class: 'hours', 'aria-labelledby': 'hours-title' },
        h('div', { class: 'hours-head' },
          h('h3', { id: 'hours-title', class: 'hours-title' }, 'Votos por hora'),
          h('span', { class: 'hours-note' }, `hora local (UTC${utcOffset(new Date())})`),
          this.csvButton),
        legend,
        this.chart,
        h('details', { class: 'hours-details' }, h('summary', {}, 'Ver tabela por hora'),
          h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Tabela de votos por hora' }, this.table))));
    this.setIndicator();
  }

  start(): void { void this.tick(); }

  /**
   * The server's count per minute: the last hour when the console opens, then each minute once
   * it is over (5 s after, the pipeline's lag), so that every minute but the current one is the
   * server's exact count. Without them the chart is made of the readings alone.
   */
  private async countMinutes(): Promise<void> {
    const asked = Date.now();
    const upTo = Math.floor(asked / 60_000) * 60_000;
    if (this.minutesAsked || asked - this.minutesTriedAt < 10_000) return;
    // Read already up to this minute, or the minute just over may not all be recorded yet.
    if (this.minutesUpTo !== null && (upTo <= this.minutesUpTo || asked - upTo < 5_000)) return;
    this.minutesAsked = true;
    this.minutesTriedAt = asked;
    // After the first read, the last two minutes only (a minute recorded late is read again).
    const from = this.minutesUpTo === null ? -Infinity : this.minutesUpTo - 60_000;
    try {
      const history = await this.client.statsByMinute(this.poll.id, Number.isFinite(from) ? new Date(from) : undefined);
      if (this.stopped) return;
      const ids = this.poll.candidates.map((c) => c.id);
      this.minutes.count(history.by_minute.map((m) => ({ start: Date.parse(m.minute), votes: inOrder(ids, m.by_candidate) })),
        from, upTo);
      this.minutesUpTo = upTo;
      this.renderMinutes();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.hooks.onUnauthorized();
    } finally {
      this.minutesAsked = false;
    }
  }

  destroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    document.removeEventListener('fullscreenchange', this.onFullscreen);
    document.removeEventListener('keydown', this.onKey);
    if (document.fullscreenElement === this.el) void document.exitFullscreen().catch(() => {});
  }

  /** The status the page shows changed (after an admin action): no announcement needed. */
  setStatus(status: Poll['status']): void { this.status = status; }

  private async tick(): Promise<void> {
    const started = performance.now();
    try {
      const stats = await this.client.stats(this.poll.id);
      if (this.stopped) return;
      this.lastOkAt = Date.now();
      if (this.failing) this.hooks.announce('Conexão restabelecida: a apuração voltou a atualizar.');
      this.failing = false;
      this.render(stats);
      if (this.ticks++ % METRICS_EVERY === 0) void this.readCounters(stats.status);
      void this.countMinutes();
      if (stats.status !== this.status) {
        this.status = stats.status;
        this.hooks.onStatus(stats.status);
      }
    } catch (err) {
      if (this.stopped) return;
      if (err instanceof ApiError && err.status === 401) { this.hooks.onUnauthorized(); return; }
      if (!this.failing) this.hooks.announce('Falha ao atualizar a apuração. Tentando de novo.');
      this.failing = true;
      this.meter.reset();
    }
    this.setIndicator();
    this.timer = window.setTimeout(() => void this.tick(), Math.max(0, POLL_MS - (performance.now() - started)));
  }

  private setIndicator(): void {
    const last = this.lastOkAt ? clockFmt.format(this.lastOkAt) : null;
    let state: string;
    let text: string;
    if (this.failing) {
      state = 'error';
      text = `Falha ao atualizar — tentando de novo${last ? ` (última atualização às ${last})` : ''}`;
    } else if (!last) {
      state = 'waiting';
      text = 'Conectando…';
    } else if (this.status === 'closed') {
      state = 'closed';
      text = `Encerrado · apuração final, atualizada às ${last}`;
    } else {
      state = 'ok';
      text = `Ao vivo · atualizado às ${last}`;
    }
    this.indicator.dataset.state = state;
    this.indicator.replaceChildren(h('span', { class: 'live-dot', 'aria-hidden': 'true' }), text);
  }

  private render(stats: Stats): void {
    this.stats = stats;
    this.meter.add(Date.now(), stats.total);
    this.total.textContent = intFmt.format(stats.total);
    this.total.dataset.value = String(stats.total);
    // A closed paredão takes no more votes: no rate to show.
    const rate = stats.status === 'closed' ? null : this.meter.rate();
    this.rate.textContent = rate === null ? '—' : rateFmt.format(rate);
    this.rateLabel.textContent = stats.status === 'closed' ? 'votação encerrada' : 'votos por segundo agora';
    const pcts = shares(stats.by_candidate.map((c) => c.votes));
    for (const [i, c] of stats.by_candidate.entries()) {
      const row = this.rows.get(c.candidate_id);
      if (!row) continue;
      const pct = pcts[i];
      row.votes.textContent = intFmt.format(c.votes);
      row.item.dataset.votes = String(c.votes);
      row.pct.textContent = `${pctFmt.format(pct)}%`;
      row.fill.style.width = `${pct}%`;
    }
    this.csvButton.disabled = false;
    this.renderHours(stats);
    const now = Date.now();
    const ids = this.poll.candidates.map((c) => c.id);
    this.minutes.add(now, stats.by_candidate.map((c) => c.votes),
      stats.by_hour.map((hour) => ({ start: Date.parse(hour.hour), votes: inOrder(ids, hour.by_candidate) })));
    this.renderMinutes();
    this.readings.push({ at: now, total: stats.total });
    while (this.readings.length > 2 && this.readings[1].at < now - 120_000) this.readings.shift();
    this.renderAlerts(stats.status === 'open' ? rateDrop(this.readings, now) : null);
  }

  /** A sharp drop of votes per second: said once when it starts, cleared when it ends. */
  private renderAlerts(drop: { before: number; now: number } | null): void {
    const text = drop
      ? `Queda brusca de votos: de ${rateFmt.format(drop.before)} para ${rateFmt.format(drop.now)} votos por segundo `
        + 'nos últimos 10 s. Confira a página pública e os alertas de operação.'
      : null;
    if ((text === null) !== (this.drop === null)) { this.drop = text; this.showAlerts(); }
  }

  /**
   * The votes held now (from the review below): an alert while they rose by HELD_RISE or more
   * within the last minute — the bot defences are holding a new wave.
   */
  noteHeld(total: number): void {
    const now = Date.now();
    this.held.push({ at: now, total });
    while (this.held.length > 1 && this.held[0].at < now - 60_000) this.held.shift();
    const rise = total - Math.min(...this.held.map((x) => x.total));
    const text = rise >= HELD_RISE
      ? `Votos retidos subindo: +${intFmt.format(rise)} no último minuto (${intFmt.format(total)} retidos agora). Veja “Votos retidos” abaixo.`
      : null;
    if ((text === null) !== (this.heldRise === null)) { this.heldRise = text; this.showAlerts(); }
  }

  /** Votes refused with 503 or another 5xx, from the server's counters (vote_errors.ts). */
  private async readCounters(status: Poll['status']): Promise<void> {
    const text = await this.client.metrics();
    if (this.stopped) return;
    if (text !== null) this.errorWatch.add(Date.now(), parseVoteAnswers(text));
    const found = status === 'open' && text !== null ? this.errorWatch.alerts() : [];
    // The alerts are a live region: said again when which of them are on changes, and their
    // figures refreshed every 30 s at most, not at every reading.
    const kinds = found.map((r) => r.kind).join();
    const now = Date.now();
    if (kinds !== this.refusedKinds || (kinds && now - this.refusedShownAt >= 30_000)) {
      this.refused = found.map(refusedText);
      this.refusedKinds = kinds;
      this.refusedShownAt = now;
      this.showAlerts();
    }
  }

  private showAlerts(): void {
    this.alerts.replaceChildren(...[...this.refused, this.drop, this.heldRise].filter((x): x is string => x !== null)
      .map((text) => h('p', { class: 'live-alert' }, text)));
  }

  private renderMinutes(): void {
    const ids = this.poll.candidates.map((c) => c.id);
    const minutes = this.minutes.minutes();
    if (minutes.length === 0) {
      this.minuteChart.replaceChildren(h('p', { class: 'hours-empty' }, 'Carregando…'));
      return;
    }
    const totals = minutes.map((m) => m.votes.reduce((a, b) => a + b, 0));
    const max = Math.max(1, ...totals);
    const last = minutes.length - 1;
    this.minuteChart.replaceChildren(...minutes.map((m, i) => {
      const labelled = (last - i) % 5 === 0;
      return h('div', { class: `hour-col${i === last && last > 0 ? ' is-last' : ''}`, 'data-minute': new Date(m.start).toISOString(), 'data-total': String(totals[i]) },
        h('span', { class: 'hour-value' }, labelled && totals[i] > 0 ? compactFmt.format(totals[i]) : ''),
        h('div', { class: 'hour-area' }, h('div', { class: 'hour-stack', style: `height:${(totals[i] / max) * 100}%` },
          ...m.votes.map((v, k) => (v > 0 ? h('div', { class: 'hour-seg', style: `--c:${colourOf(k)};flex-grow:${v}`, 'data-candidate': ids[k], 'data-votes': String(v) }) : null)))),
        h('span', { class: 'hour-label' }, labelled ? hourFmt.format(m.start) : ''),
        h('span', { class: 'hour-day' }, ''));
    }));
  }

  private renderHours(stats: Stats): void {
    const ids = stats.by_candidate.map((c) => c.candidate_id);
    const hours = stats.by_hour;
    if (hours.length === 0) {
      this.chart.replaceChildren(h('p', { class: 'hours-empty' }, 'Ainda não há votos.'));
    } else {
      const max = Math.max(1, ...hours.map((x) => x.total));
      // Thin the labels out when the columns are narrow: an hour label needs about 56 px, a value
      // about 84 px. Counting from the newest hour keeps the current one always labelled.
      const column = (this.chart.clientWidth || 800) / hours.length;
      const hourEvery = Math.max(1, Math.ceil(56 / column));
      const valueEvery = Math.max(1, Math.ceil(84 / column));
      const last = hours.length - 1;
      let lastDay = '';
      this.chart.replaceChildren(...hours.map((hour, i) => {
        const at = new Date(hour.hour);
        // The oldest column keeps no label when the labels are thinned: it would stick out on the left.
        const labelled = (last - i) % hourEvery === 0 && !(i === 0 && hourEvery > 1);
        const day = dayFmt.format(at);
        const showDay = labelled && day !== lastDay;
        if (labelled) lastDay = day;
        const votes = new Map(hour.by_candidate.map((c) => [c.candidate_id, c.votes]));
        const stack = h('div', { class: 'hour-stack', style: `height:${(hour.total / max) * 100}%` },
          ...ids.map((id, k) => {
            const v = votes.get(id) ?? 0;
            return v > 0 && hour.total > 0
              ? h('div', { class: 'hour-seg', style: `--c:${colourOf(k)};flex-grow:${v}` })
              : null;
          }));
        // The newest column's labels grow leftwards so they never stick out of the panel.
        const edge = hours.length > 1 && i === last ? ' is-last' : '';
        const valued = (last - i) % valueEvery === 0 && !(i === 0 && valueEvery > 1);
        return h('div', { class: `hour-col${edge}`, 'data-hour': hour.hour, 'data-total': String(hour.total) },
          h('span', { class: 'hour-value' }, valued ? compactFmt.format(hour.total) : ''),
          h('div', { class: 'hour-area' }, stack),
          h('span', { class: 'hour-label' }, labelled ? hourFmt.format(at) : ''),
          h('span', { class: 'hour-day' }, showDay ? day : ''));
      }));
    }
    const names = stats.by_candidate.map((c) => c.name);
    this.table.replaceChildren(
      h('caption', { class: 'sr-only' }, `Votos por hora, hora local (UTC${utcOffset(new Date())})`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Hora'), h('th', { scope: 'col' }, 'Total'),
        ...names.map((n) => h('th', { scope: 'col' }, n)))),
      h('tbody', {}, ...hours.map((hour) => {
        const votes = new Map(hour.by_candidate.map((c) => [c.candidate_id, c.votes]));
        const at = new Date(hour.hour);
        return h('tr', {},
          h('th', { scope: 'row' }, `${dayFmt.format(at)} ${hourFmt.format(at)}`),
          h('td', {}, intFmt.format(hour.total)),
          ...ids.map((id) => h('td', {}, intFmt.format(votes.get(id) ?? 0))));
      })));
  }

  private exportCsv(): void {
    if (!this.stats) return;
    this.download(perHourCsv(this.stats), 'por-hora');
    this.hooks.announce('CSV por hora exportado.');
  }

  private exportMinutesCsv(): void {
    this.download(perMinuteCsv(this.minutes.minutes(), this.poll.candidates.map((c) => c.name)), 'por-minuto');
    this.hooks.announce('CSV por minuto exportado (últimos 30 minutos).');
  }

  private download(text: string, what: string): void {
    const blob = new Blob([text], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: `paredao-${this.poll.id}-${what}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private setOnAir(on: boolean): void {
    this.el.classList.toggle('on-air', on);
    this.onAirButton.setAttribute('aria-pressed', String(on));
    this.onAirButton.textContent = on ? 'Sair do modo telão' : 'Modo telão';
    if (on && document.fullscreenEnabled && !document.fullscreenElement) {
      void this.el.requestFullscreen().catch(() => {}); // refused: the view covers the page anyway
    } else if (!on && document.fullscreenElement === this.el) {
      void document.exitFullscreen().catch(() => {});
    }
    this.onAirButton.focus();
  }
}

/** Votes per participant in the poll's order, from a list by candidate id (zeros for the missing). */
function inOrder(ids: readonly string[], byCandidate: readonly { candidate_id: string; votes: number }[]): number[] {
  const votes = new Map(byCandidate.map((c) => [c.candidate_id, c.votes]));
  return ids.map((id) => votes.get(id) ?? 0);
}

/** The alert on refused votes, in the console's words: what happened, whether they counted, where to look. */
function refusedText(r: RefusedVotes): string {
  const share = `${pctFmt.format(r.share * 100)}%`;
  const of = `${intFmt.format(r.refused)} de ${intFmt.format(r.answered)} no último minuto`;
  return r.kind === 'unavailable'
    ? `Votos recusados (503): ${share} dos votos (${of}) não puderam ser gravados e não contaram. `
      + 'Um serviço está falhando: veja ParedaoVotesUnavailable no manual de operação.'
    : `Erros do servidor: ${share} dos votos (${of}) receberam um erro 5xx. `
      + 'Veja ParedaoVotesServerErrors no manual de operação.';
}
