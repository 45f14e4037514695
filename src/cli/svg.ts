/**
 * A standalone SVG of `plot`'s percentile bands: the p5–p95 area, the median line and the
 * un-jittered (capped) delay, over the wait number. No scripts, no external resources.
 */
import { fmtMs } from './format.js';
import type { PlotReport } from './plot.js';

const W = 760;
const H = 420;
const M = { top: 56, right: 24, bottom: 56, left: 76 };

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Round numbers for the y axis: 1, 2, 2.5 or 5 × 10^k steps, about `count` of them. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let t = 0; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if ((ticks[ticks.length - 1] ?? 0) < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

const f = (n: number): string => n.toFixed(1);

/** The SVG document for `report`, titled `title`. */
export function renderPlotSvg(report: PlotReport, title: string): string {
  const r = report.retries;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const yTicks = niceTicks(Math.max(1e-9, ...r.map((b) => Math.max(b.p95, b.capped))));
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const x = (n: number): number => M.left + (r.length <= 1 ? plotW / 2 : ((n - 1) / (r.length - 1)) * plotW);
  const y = (v: number): number => M.top + plotH - (v / yMax) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    // About 0.6 em per character: shrink a long title to fit the width.
    `<text x="${M.left}" y="24" font-size="${Math.min(15, Math.floor((W - M.left - M.right) / (title.length * 0.6)))}" font-weight="600" fill="#111">${esc(title)}</text>`,
    `<text x="${M.left}" y="42" fill="#555">${esc(`${report.config.samples.toLocaleString('en-US')} sampled schedules, seed ${report.config.seed}: shaded p5–p95, line p50, dashed no jitter`)}</text>`,
  ];
  for (const t of yTicks) {
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#e5e5e5"/>`,
      `<text x="${M.left - 8}" y="${f(y(t) + 4)}" text-anchor="end" fill="#444">${esc(fmtMs(t))}</text>`,
    );
  }
  const step = Math.max(1, Math.ceil(r.length / 20));
  for (const b of r) {
    if ((b.afterAttempt - 1) % step !== 0 && b.afterAttempt !== r.length) continue;
    out.push(`<text x="${f(x(b.afterAttempt))}" y="${H - M.bottom + 18}" text-anchor="middle" fill="#444">${b.afterAttempt}</text>`);
  }
  out.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${f(y(0))}" y2="${f(y(0))}" stroke="#333"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${f(y(0))}" stroke="#333"/>`,
    `<text x="${M.left + plotW / 2}" y="${H - 14}" text-anchor="middle" fill="#222">wait after failed attempt n</text>`,
    `<text transform="translate(18 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#222">delay</text>`,
  );
  if (r.length > 0) {
    const upper = r.map((b) => `${f(x(b.afterAttempt))},${f(y(b.p95))}`);
    const lower = r.map((b) => `${f(x(b.afterAttempt))},${f(y(b.p5))}`).reverse();
    out.push(
      `<polygon points="${[...upper, ...lower].join(' ')}" fill="#4c78a8" fill-opacity="0.25" stroke="#4c78a8" stroke-opacity="0.5"/>`,
      `<polyline points="${r.map((b) => `${f(x(b.afterAttempt))},${f(y(b.capped))}`).join(' ')}" fill="none" stroke="#888" stroke-dasharray="5 4"/>`,
      `<polyline points="${r.map((b) => `${f(x(b.afterAttempt))},${f(y(b.p50))}`).join(' ')}" fill="none" stroke="#1f4e79" stroke-width="2"/>`,
      ...r.map(
        (b) =>
          `<circle cx="${f(x(b.afterAttempt))}" cy="${f(y(b.p50))}" r="3" fill="#1f4e79"><title>${esc(
            `wait ${b.afterAttempt}: p5 ${fmtMs(b.p5)}, p50 ${fmtMs(b.p50)}, p95 ${fmtMs(b.p95)}`,
          )}</title></circle>`,
      ),
    );
  }
  out.push('</svg>', '');
  return out.join('\n');
}
