/**
 * Terminal charts in plain Unicode (block elements, no colour): horizontal bars with 1/8-cell
 * resolution, percentile bands, a state timeline and a progress bar. Pure string functions.
 */
import { fmtMs } from './format.js';

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * A horizontal bar of `value / max` of `width` cells, in eighths of a cell.
 * @example
 * bar(3, 4, 8); // '██████'
 */
export function bar(value: number, max: number, width: number): string {
  if (!(max > 0) || !(value > 0)) return '';
  const eighths = Math.round(Math.min(1, value / max) * width * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? '');
}

/** One row of a bar chart. */
export interface BarRow {
  readonly label: string;
  readonly value: number;
  /** Printed after the bar (defaults to the value). */
  readonly text?: string;
}

/**
 * A horizontal bar chart: label, bar scaled to the largest value (or `scaleMax`), value text.
 * @example
 * barChart([{ label: 'full', value: 797 }, { label: 'no-jitter', value: 1858 }], 40);
 */
export function barChart(rows: readonly BarRow[], width: number, indent = '  ', scaleMax?: number): string {
  const max = scaleMax ?? Math.max(0, ...rows.map((r) => r.value));
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  return rows
    .map((r) => {
      const b = bar(r.value, max, width);
      return `${indent}${r.label.padEnd(labelWidth)} │${b.padEnd(width)} ${r.text ?? String(r.value)}`.trimEnd();
    })
    .join('\n');
}

/** A value → column mapping over [0, max], linear or logarithmic. */
export interface Scale {
  readonly kind: 'linear' | 'log';
  readonly max: number;
  /** Smallest value shown apart from 0 (log scale). */
  readonly min: number;
  /** Column (0 … width-1) of `value`. */
  column(value: number, width: number): number;
}

/**
 * A scale for values up to `max`; the log scale starts at the power of ten at or below `minPositive`.
 * @example
 * makeScale('log', 60_000, 100).column(1000, 61); // 20
 */
export function makeScale(kind: 'linear' | 'log', max: number, minPositive: number): Scale {
  const top = max > 0 ? max : 1;
  const min = kind === 'log' ? 10 ** Math.floor(Math.log10(Math.min(top, minPositive > 0 ? minPositive : 1))) : 0;
  const span = kind === 'log' ? Math.log10(top / min) || 1 : top;
  return {
    kind,
    max: top,
    min,
    column(value: number, width: number): number {
      const v = Math.min(Math.max(value, 0), top);
      const f = kind === 'log' ? (v <= min ? 0 : Math.log10(v / min) / span) : v / span;
      return Math.round(f * (width - 1));
    },
  };
}

/** One row of a percentile band chart. */
export interface BandRow {
  readonly label: string;
  readonly p5: number;
  readonly p50: number;
  readonly p95: number;
}

/**
 * A percentile band per row: `░` from p5 to p95, `█` at the median, on a shared axis whose
 * end labels are the scale's bounds.
 * @example
 * bandChart([{ label: 'retry 1', p5: 50, p50: 500, p95: 950 }], makeScale('linear', 1000, 1), 40);
 */
export function bandChart(rows: readonly BandRow[], scale: Scale, width: number, indent = '  '): string {
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  const lines = rows.map((r) => {
    const cells = Array.from({ length: width }, () => ' ');
    const a = scale.column(r.p5, width);
    const b = scale.column(r.p95, width);
    for (let i = a; i <= b; i++) cells[i] = '░';
    cells[scale.column(r.p50, width)] = '█';
    return `${indent}${r.label.padEnd(labelWidth)} │${cells.join('')}│`;
  });
  const pad = ' '.repeat(indent.length + labelWidth + 1);
  const left = scale.kind === 'log' ? `${fmtMs(scale.min)} (log)` : '0';
  const right = fmtMs(scale.max);
  const axis = `${pad}└${'─'.repeat(width)}┘`;
  const labels = `${pad}${left}${' '.repeat(Math.max(1, width + 2 - left.length - right.length))}${right}`;
  return [...lines, axis, labels].join('\n');
}

/** A state over time, for `timeline`. */
export interface Span {
  readonly from: number;
  readonly to: number;
  readonly state: string;
}

/**
 * A one-line timeline of `spans` over [0, end]: each cell shows the most notable state within it
 * (the state listed first in `glyphs` wins), so a short half-open probe is not lost.
 * @example
 * timeline([{ from: 0, to: 5, state: 'closed' }, { from: 5, to: 10, state: 'open' }], 10, 10,
 *   { open: '█', 'half-open': '▒', closed: '·' }); // '·····█████'
 */
export function timeline(spans: readonly Span[], end: number, width: number, glyphs: Readonly<Record<string, string>>): string {
  const rank = Object.keys(glyphs);
  let out = '';
  for (let i = 0; i < width; i++) {
    const a = (i / width) * end;
    const b = ((i + 1) / width) * end;
    let best: string | undefined;
    for (const s of spans) {
      if (s.from < b && s.to > a && (best === undefined || rank.indexOf(s.state) < rank.indexOf(best))) best = s.state;
    }
    out += best === undefined ? ' ' : (glyphs[best] ?? '?');
  }
  return out;
}

/**
 * `[██████░░░░░░]` for `done / total`.
 * @example
 * progressBar(1, 4, 8); // '██░░░░░░'
 */
export function progressBar(done: number, total: number, width: number): string {
  const full = total > 0 ? Math.round((Math.min(done, total) / total) * width) : width;
  return '█'.repeat(full) + '░'.repeat(width - full);
}
