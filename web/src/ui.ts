// Small DOM helpers and the presentational pieces shared by the views (no framework).
import type { Candidate, ResultEntry } from './api';

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
type Child = Node | string | null | undefined | false;

/** Creates an element; text children are set as text (never parsed as HTML). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = String(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

// Made on first use: an Intl formatter is slow to build on a slow phone, and the vote page's
// first paint needs none of them.
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
const dateTimeFmt = lazy(() => new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'medium' }));
const shortFmt = lazy(() => new Intl.DateTimeFormat('pt-BR', {
  day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit',
}));
const percentFmt = lazy(() => new Intl.NumberFormat('pt-BR', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));

/** "25/11/2026, 20:00:00" in the viewer's local time zone. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFmt().format(d);
}

/** "25/11, 20:00" in the viewer's local time zone. */
export function formatShort(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : shortFmt().format(d).replace(',', ' às');
}

/** A countdown's clock: "01:23:45", or "2 d 01:23:45" when a day or more is left. */
export function countdownClock(secondsLeft: number): string {
  const left = Math.max(0, Math.floor(secondsLeft));
  const two = (n: number) => String(n).padStart(2, '0');
  const days = Math.floor(left / 86400);
  const clock = `${two(Math.floor((left % 86400) / 3600))}:${two(Math.floor((left % 3600) / 60))}:${two(left % 60)}`;
  return days > 0 ? `${days} d ${clock}` : clock;
}

export function formatPercent(value: number): string {
  return `${percentFmt().format(value)}%`;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = Array.from(words[0])[0] ?? '';
  const last = words.length > 1 ? (Array.from(words[words.length - 1])[0] ?? '') : '';
  return (first + last).toLocaleUpperCase('pt-BR');
}

/** A stable hue per name so each placeholder gets its own colour. */
function hueOf(text: string): number {
  let hash = 0;
  for (const ch of text) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return hash % 360;
}

/** Decorative avatar: the photo, or a gradient with the initials when there is none (or it fails). */
export function avatar(candidate: Candidate, size: 'lg' | 'md' | 'sm' = 'lg'): HTMLElement {
  const hue = hueOf(candidate.name);
  const box = h('div', {
    class: `avatar avatar-${size}`,
    'aria-hidden': 'true',
    style: `--hue:${hue}`,
  }, h('span', { class: 'avatar-initials' }, initials(candidate.name)));
  const url = candidate.photo_url;
  if (url && /^(https?:\/\/|\/)/i.test(url)) {
    const img = h('img', { src: url, alt: '', loading: 'lazy', decoding: 'async', referrerpolicy: 'no-referrer' });
    img.addEventListener('error', () => img.remove());
    box.append(img);
  }
  return box;
}

/** A bar that grows from zero to `pct` once on screen (the CSS transition animates it). */
function growingBar(pct: number): HTMLElement {
  const fill = h('div', { class: 'bar-fill', style: 'width:0%' });
  // Two frames: the first lays the bar out at zero, the second starts the transition.
  requestAnimationFrame(() => requestAnimationFrame(() => { fill.style.width = `${pct}%`; }));
  return fill;
}

/** Percentages as labelled bars; `highlight` marks the participant the viewer just voted for. */
export function resultsList(entries: ResultEntry[], highlight?: string): HTMLElement {
  const max = Math.max(0, ...entries.map((e) => e.percent));
  return h('ul', { class: 'results', role: 'list' }, ...entries.map((e) => {
    const pct = Math.max(0, Math.min(100, Number(e.percent) || 0));
    const item = h('li', {
      class: `result${e.id === highlight ? ' result-mine' : ''}${pct === max && max > 0 ? ' result-top' : ''}`,
      'data-candidate-id': e.id,
      'data-percent': String(e.percent),
    },
      h('div', { class: 'result-row' },
        h('span', { class: 'result-name' }, e.name),
        h('span', { class: 'result-value' }, formatPercent(pct)),
      ),
      h('div', { class: 'bar', 'aria-hidden': 'true' }, growingBar(pct)),
    );
    return item;
  }));
}
