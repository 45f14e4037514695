/** Number formatting and plain-text tables for the CLI's reports. */

/** `1234567` → `"1,234,567"`. */
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A duration in ms, readable: `0.4 ms`, `35 ms`, `1.25 s`, `63.6 s`, `2.5 min`. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const a = Math.abs(ms);
  if (a < 10) return `${(Math.round(ms * 10) / 10).toString()} ms`;
  if (a < 1000) return `${Math.round(ms)} ms`;
  if (a < 100_000) return `${(ms / 1000).toFixed(a < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** A ratio as a percentage: `0.9234` → `"92.3 %"`. */
export const fmtPct = (ratio: number, digits = 1): string => `${(ratio * 100).toFixed(digits)} %`;

/** Round to `digits` decimals (for JSON output). */
export const round = (n: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/**
 * A plain-text table: the first column left-aligned, the others right-aligned (numbers).
 * @example
 * table(['variant', 'calls'], [['full', '797']]);
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], indent = '  '): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    indent +
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = indent + widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/**
 * The `q`-quantile (0..1) of sorted values, by linear interpolation between closest ranks
 * (the "R-7" definition used by NumPy and spreadsheets). 0 for an empty list.
 * @example
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (pos - lo);
}

/** Mean and sample standard deviation. */
export function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, sd: 0 };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { mean, sd: 0 };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { mean, sd: Math.sqrt(variance) };
}
